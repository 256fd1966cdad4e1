"""Business rules of allocations, in one place: forms, imports and commands call these."""

from django.core.exceptions import ValidationError

from allocations.models import AmountKind, PackageYear
from trygghet.amounts import format_amount_with_unit, implausible_amount_message
from trygghet.locks import ensure_editable


def frame_difference_message(*, total: int, frame: int, unit: str) -> str | None:
    """Say how a sum differs from the frame, or None when it matches exactly.

    "Summan 5,2 mkr överskrider ramen 5,0 mkr med 0,2 mkr"
    """
    if total == frame:
        return None
    verb = "överskrider" if total > frame else "understiger"
    difference = format_amount_with_unit(abs(total - frame), unit)
    return (
        f"Summan {format_amount_with_unit(total, unit)} {verb} ramen "
        f"{format_amount_with_unit(frame, unit)} med {difference}"
    )


MARK_PROPOSAL = "Förslaget kan sparas som utkast men inte markeras som förslag"
MARK_DECIDED = "Året kan inte markeras som beslutat"


def ensure_sum_matches_frame(*, total: int, frame: int, unit: str, refused: str = MARK_PROPOSAL):
    """A proposal can be marked förslag (or decided) only when it sums exactly to the frame."""
    message = frame_difference_message(total=total, frame=frame, unit=unit)
    if message:
        raise ValidationError(
            f"{message}. {refused} förrän summan stämmer med ramen.", code="frame_mismatch"
        )


def amount_field(line_id: int) -> str:
    """The name under which a line's amount is typed, and under which its errors are given."""
    return f"line_{line_id}"


def ensure_amounts_plausible(*, package_year: PackageYear, amounts: dict[int, int | None], lines):
    """No single amount is more than ten times the year's frame: 50 mkr in a 5 mkr package
    is a mistyped unit. Each refusal names its line and stands next to its field."""
    unit = package_year.package.organisation.amount_unit
    errors = {}
    for line_id, kronor in amounts.items():
        if kronor is None:
            continue
        message = implausible_amount_message(kronor, frame=package_year.frame, unit=unit)
        if message:
            errors[amount_field(line_id)] = (
                f"{lines[line_id].label_for(package_year.year)}: {message}"
            )
    if errors:
        raise ValidationError(errors, code="implausible")


def ensure_amounts_editable(package_year: PackageYear, kind: str) -> None:
    """The frame, proposal and budget of a decided year are locked.

    Outcomes (utfall) are reported after the decision, so they stay open in a decided year.
    """
    if kind != AmountKind.OUTCOME:
        ensure_editable(package_year)
