"""Recording and reopening decisions: what package years and rounds share.

A decision is recorded as the protocol states it (body, date, §, protocol) with the amounts
that were decided. Reopening is a separate permission and needs a reason; the decision it
reopens is kept with who reopened it, when and why.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from trygghet.locks import DECIDED, state_word, subject_name
from trygghet.models import Decision, DecisionOutcome

PARAGRAPH = re.compile(r"^(?:§\s*)?(\d{1,4}\s?[a-zA-Z]?)$")
MIN_REASON_LENGTH = 10


@dataclass(frozen=True)
class DecisionRecord:
    """The protocol's facts about a decision, as typed by the official."""

    body: str
    decided_on: date
    paragraph: str
    protocol_reference: str = ""
    note: str = ""


PARAGRAPH_HELP = "Ange paragrafen som ett nummer, till exempel § 241."


def normalise_paragraph(text: str) -> str:
    """ "241", "§241" and "§ 241" are all "§ 241"."""
    match = PARAGRAPH.match(text.strip())
    if not match:
        raise ValidationError({"paragraph": PARAGRAPH_HELP}, code="paragraph")
    return f"§ {match.group(1).replace(' ', '')}"


def record_errors(record: DecisionRecord) -> dict[str, str]:
    """What is wrong with the protocol's facts, by field, so that every error shows at once."""
    errors = {}
    if record.decided_on and record.decided_on > timezone.localdate():
        errors["decided_on"] = "Beslutsdatum kan inte ligga i framtiden."
    if not PARAGRAPH.match(record.paragraph.strip()):
        errors["paragraph"] = PARAGRAPH_HELP
    return errors


def changed_amounts(rows: list[tuple[str, int, int]]) -> list[dict]:
    """The (label, proposed, decided) rows whose decided amount differs from the proposal."""
    return [
        {"label": label, "proposed": proposed, "decided": decided}
        for label, proposed, decided in rows
        if proposed != decided
    ]


def decision_create(subject, *, record: DecisionRecord, changes: list[dict], by) -> Decision:
    """Validate and save the decision on a package year or round; the caller holds the
    transaction and the lock on the subject."""
    errors = record_errors(record)
    if errors:
        raise ValidationError(errors)
    decisions = subject.decisions
    decision = decisions.model(
        **{decisions.field.name: subject},
        body=record.body.strip(),
        decided_on=record.decided_on,
        paragraph=normalise_paragraph(record.paragraph),
        protocol_reference=record.protocol_reference.strip(),
        note=record.note.strip(),
        outcome=DecisionOutcome.CHANGED if changes else DecisionOutcome.FOLLOWED,
        changes=changes,
        recorded_by=by,
    )
    decision.full_clean(exclude=["recorded_by", "reopened_by"])
    decision.save()
    return decision


def decision_reopen(subject, *, reason: str, by) -> str:
    """Reopen the decision on a decided package year or round (locked by the caller, who then
    makes it a proposal again). Reopening is a right of its own, not part of editing, and
    needs a reason: the decision in force is kept, marked with who reopened it, when and why.
    A year decided before decisions were recorded has none; its history keeps the reason.
    Returns the cleaned reason."""
    decisions = subject.decisions
    perm = f"{decisions.model._meta.app_label}.reopen_{decisions.model._meta.model_name}"
    if by is None or not by.has_perm(perm, subject):
        raise PermissionDenied("Du har inte behörighet att återöppna beslut.")
    if not subject.is_decided:
        raise ValidationError(
            f"{subject_name(subject)} är inte {state_word(subject, DECIDED)}.", code="not_decided"
        )
    reason = reason.strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError(
            {"reason": "Skriv varför beslutet återöppnas (minst tio tecken)."}, code="reason"
        )
    decision = decisions.in_force()
    if decision is not None:
        decision.reopened_at = timezone.now()
        decision.reopened_by = by
        decision.reopen_reason = reason
        decision.save(update_fields=["reopened_at", "reopened_by", "reopen_reason"])
    return reason
