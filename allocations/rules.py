"""Business rules of allocations, in one place: forms, imports and commands call these."""

from django.core.exceptions import ValidationError

from allocations.models import AmountKind, PackageYear
from trygghet.amounts import format_amount_with_unit
from trygghet.locks import ensure_editable

# The import package still calls the lock by its old name (until it moves to trygghet/imports).
ensure_year_editable = ensure_editable


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


def ensure_amounts_editable(package_year: PackageYear, kind: str) -> None:
    """The frame, proposal and budget of a decided year are locked.

    Outcomes (utfall) are reported after the decision, so they stay open in a decided year.
    """
    if kind != AmountKind.OUTCOME:
        ensure_editable(package_year)
