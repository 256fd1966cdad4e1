"""A package year's change history in plain Swedish, read from the history tables:
"Trygghetsvärdar, förslag 2024: 1,4 mkr → 1,6 mkr, av nacka-handlaggare 2024-03-25 14:02"."""

from django.db.models import Prefetch

from allocations.models import Amount, AmountKind, BudgetLineLabel, PackageYear, YearStatus
from trygghet.amounts import format_amount_with_unit
from trygghet.history import HistoryEntry, newest_first, recorded_by, with_previous


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
    for previous, record in with_previous(amount_records):
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
        entries.append(HistoryEntry(when=record.history_date, text=text, by=recorded_by(record)))

    year_records = PackageYear.history.filter(id=package_year.pk).select_related("history_user")
    for previous, record in with_previous(year_records):
        if previous is None:
            text = f"År {year} skapat med ramen {format_amount_with_unit(record.frame, unit)}"
            entries.append(
                HistoryEntry(when=record.history_date, text=text, by=recorded_by(record))
            )
            continue
        if previous.frame != record.frame:
            old, new = (
                format_amount_with_unit(value, unit) for value in (previous.frame, record.frame)
            )
            entries.append(
                HistoryEntry(
                    when=record.history_date,
                    text=f"Ram {year}: {old} → {new}",
                    by=recorded_by(record),
                )
            )
        if previous.status != record.status:
            old, new = (
                YearStatus(value).label.lower() for value in (previous.status, record.status)
            )
            entries.append(
                HistoryEntry(
                    when=record.history_date,
                    # the reason says which decision, or why it was reopened
                    text=f"Status {year}: {old} → {new}"
                    + (
                        f" ({record.history_change_reason})" if record.history_change_reason else ""
                    ),
                    by=recorded_by(record),
                )
            )
    return newest_first(entries)
