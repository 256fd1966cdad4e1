"""Shared pieces of the Ändringshistorik pages and the conflict messages: one entry per
change, read from the django-simple-history tables, and "fält: gammalt → nytt" in Swedish."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import models
from django.utils import timezone

from trygghet.amounts import format_amount_with_unit

# How much of a long text an entry quotes: enough to recognise it, never pages of it.
EXCERPT_LENGTH = 60


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    text: str
    by: str

    @property
    def line(self) -> str:
        """The whole entry as one sentence."""
        stamp = timezone.localtime(self.when).strftime("%Y-%m-%d %H:%M")
        return f"{self.text}, av {self.by} {stamp}" if self.by else f"{self.text}, {stamp}"


def recorded_by(record) -> str:
    """The username of whoever saved a history record ('' when unknown)."""
    user = record.history_user
    return user.username if user else ""


def with_previous(records):
    """(previous, record) for each record, per object, oldest first."""
    previous = {}
    for record in sorted(records, key=lambda record: (record.history_date, record.history_id)):
        yield previous.get(record.id), record
        previous[record.id] = record


def newest_first(entries: list[HistoryEntry]) -> list[HistoryEntry]:
    return sorted(entries, key=lambda entry: entry.when, reverse=True)


def field_label(model, name: str) -> str:
    """The field's Swedish verbose name, without the storage unit ("sökt belopp (kr)")."""
    return str(model._meta.get_field(name).verbose_name).removesuffix(" (kr)")


def excerpt(text: str) -> str:
    """The start of a long text on one line, quoted: ”Belysningen beviljas men …”."""
    flat = " ".join(text.split())
    if len(flat) > EXCERPT_LENGTH:
        flat = flat[:EXCERPT_LENGTH].rsplit(" ", 1)[0] + " …"
    return f"”{flat}”"


def display_amount(kronor: int | None, unit: str) -> str:
    """An amount in a history entry: "1,6 mkr", or "inget belopp"."""
    return "inget belopp" if kronor is None else format_amount_with_unit(kronor, unit)


def display_value(field: models.Field, value, *, unit: str, amounts: frozenset = frozenset()):
    """A stored value as a reader writes it; `value` is the related object for a relation."""
    if field.name in amounts:
        return display_amount(value, unit)
    if value is None or value == "":
        return "tomt"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value)).lower()
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f").replace(".", ",")
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(field, models.ForeignKey) and isinstance(value, models.Model):
        return getattr(value, "username", None) or str(value)
    return f"”{value}”" if isinstance(field, models.CharField) else str(value)


def field_change(model, name: str, old, new, *, unit: str, amounts: frozenset = frozenset()):
    """One change in Swedish, lower case first: "sökt belopp: 1,0 mkr → 1,2 mkr", or for a
    long text only its new start, "motivering: ny text ”…”". `old` and `new` are the
    related objects for a relation."""
    field = model._meta.get_field(name)
    label = field_label(model, name)
    if isinstance(field, models.TextField):
        # "ny text" rather than "ändrad": it agrees with every field's gender and number.
        return f"{label}: ny text {excerpt(new)}" if new else f"{label}: texten borttagen"
    old_text, new_text = (
        display_value(field, value, unit=unit, amounts=amounts) for value in (old, new)
    )
    return f"{label}: {old_text} → {new_text}"


def field_changes(
    model, before, after, fields, *, unit: str, amounts: frozenset = frozenset()
) -> list[str]:
    """The changes between two versions of an object (instances or history records) over
    `fields`, each as field_change words; relations compared by id, then read once."""
    changes = []
    for name in fields:
        field = model._meta.get_field(name)
        if getattr(before, field.attname) == getattr(after, field.attname):
            continue
        old, new = getattr(before, name), getattr(after, name)
        changes.append(field_change(model, name, old, new, unit=unit, amounts=amounts))
    return changes
