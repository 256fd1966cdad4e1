"""A package year's change history in plain Swedish, read from the history tables:
"Trygghetsvärdar, förslag 2024: 1,4 mkr → 1,6 mkr, av nacka-handlaggare 2024-03-25 14:02"."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch
from django.utils import timezone

from allocations.models import Amount, AmountKind, BudgetLineLabel, PackageYear, YearStatus
from trygghet.amounts import format_amount_with_unit


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


def _user(record) -> str:
    user = record.history_user
    return user.username if user else ""


def _pairs(records):
    """(previous, record) for each record, per object, oldest first."""
    previous = {}
    for record in sorted(records, key=lambda record: (record.history_date, record.history_id)):
        yield previous.get(record.id), record
        previous[record.id] = record


def package_year_history(*, package_year: PackageYear) -> list[HistoryEntry]:
    """Every recorded change to the year's frame and status and to its amounts, newest first
    (three queries however long the history)."""
    unit = package_year.package.organisation.amount_unit
    year = package_year.year
    entries = []

    amount_records = (
        Amount.history.filter(line__package=package_year.package_id, year=year)
        .select_related("history_user", "line")
        .prefetch_related(
            Prefetch("line__labels", queryset=BudgetLineLabel.objects.order_by("from_year"))
        )
    )
    for previous, record in _pairs(amount_records):
        label = record.line.label_for(year) if record.line else "Borttagen budgetpost"
        what = f"{label}, {AmountKind(record.kind).label.lower()} {year}"
        new = format_amount_with_unit(record.amount, unit)
        if record.history_type == "+":
            text = f"{what}: nytt belopp {new}"
        elif record.history_type == "-":
            text = f"{what}: borttaget (var {new})"
        elif previous is None:
            # created before history was kept (or in bulk): the old value is unknown
            text = f"{what}: ändrat till {new}"
        elif previous.amount != record.amount:
            text = f"{what}: {format_amount_with_unit(previous.amount, unit)} → {new}"
        else:
            continue
        entries.append(HistoryEntry(when=record.history_date, text=text, by=_user(record)))

    year_records = PackageYear.history.filter(id=package_year.pk).select_related("history_user")
    for previous, record in _pairs(year_records):
        if previous is None:
            text = f"År {year} skapat med ramen {format_amount_with_unit(record.frame, unit)}"
            entries.append(HistoryEntry(when=record.history_date, text=text, by=_user(record)))
            continue
        if previous.frame != record.frame:
            old, new = (
                format_amount_with_unit(value, unit) for value in (previous.frame, record.frame)
            )
            entries.append(
                HistoryEntry(
                    when=record.history_date, text=f"Ram {year}: {old} → {new}", by=_user(record)
                )
            )
        if previous.status != record.status:
            old, new = (
                YearStatus(value).label.lower() for value in (previous.status, record.status)
            )
            entries.append(
                HistoryEntry(
                    when=record.history_date, text=f"Status {year}: {old} → {new}", by=_user(record)
                )
            )
    return sorted(entries, key=lambda entry: entry.when, reverse=True)
