"""Business rules of rounds and assessments, in one place: forms, imports, commands and
the demo loader call these."""

from django.core.exceptions import ValidationError

from applications.models import Round, RoundStatus
from trygghet.amounts import format_amount_with_unit


def ensure_round_open(round_: Round) -> None:
    """Applicants can submit only while the round is open."""
    if round_.status != RoundStatus.OPEN:
        raise ValidationError(
            f"{round_.name} är inte öppen för ansökningar ({round_.get_status_display().lower()}).",
            code="not_open",
        )


def assessment_errors(
    *, applied: int, proposed: int | None, motivation: str, unit: str
) -> dict[str, str]:
    """Field errors of an assessment: the proposed amount lies between 0 and the applied
    amount, and a reduced or zero amount needs a motivation."""
    errors = {}
    if proposed is None:
        errors["proposed_amount"] = "Ange ett föreslaget belopp (0 om ansökan inte ska beviljas)."
        return errors
    if proposed > applied:
        errors["proposed_amount"] = (
            f"Föreslaget belopp kan inte vara större än det sökta beloppet "
            f"{format_amount_with_unit(applied, unit)}."
        )
    elif proposed < applied and not motivation.strip():
        errors["motivation"] = "Skriv en motivering när beloppet sänks eller är noll."
    return errors


def ensure_assessment_valid(*, applied: int, proposed: int | None, motivation: str, unit: str):
    errors = assessment_errors(applied=applied, proposed=proposed, motivation=motivation, unit=unit)
    if errors:
        raise ValidationError(errors)
