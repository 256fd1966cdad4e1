"""Reads for the allocation pages, each in a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet, Sum

from allocations.models import (
    Amount,
    AmountKind,
    BudgetLine,
    BudgetLineLabel,
    Package,
    PackageYear,
)


def package_for_detail(*, user, pk: int) -> QuerySet[Package]:
    """A package the user may see, with its years, lines and the lines' label history."""
    lines = (
        BudgetLine.objects.select_related("recipient", "focus_area")
        .prefetch_related(
            Prefetch("labels", queryset=BudgetLineLabel.objects.order_by("from_year"))
        )
        .order_by("order", "pk")
    )
    return (
        Package.objects.for_user(user)
        .filter(pk=pk)
        .select_related("organisation")
        .prefetch_related(
            Prefetch(
                "years",
                queryset=PackageYear.objects.select_related("deciding_body").order_by("-year"),
            ),
            Prefetch("lines", queryset=lines),
        )
    )


@dataclass(frozen=True)
class YearSummary:
    """One year of a package: its frame and the sum of each kind of amount (None if
    nothing of that kind is entered)."""

    package_year: PackageYear
    proposal: int | None
    budget: int | None
    outcome: int | None


def package_year_summaries(*, package: Package) -> list[YearSummary]:
    """Every year of a prefetched package, newest first, with sums per kind (one query)."""
    totals: dict[tuple[int, str], int] = {}
    rows = (
        Amount.objects.filter(line__package=package)
        .values("year", "kind")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for row in rows:
        totals[row["year"], row["kind"]] = row["total"]
    return [
        YearSummary(
            package_year=package_year,
            proposal=totals.get((package_year.year, AmountKind.PROPOSAL)),
            budget=totals.get((package_year.year, AmountKind.BUDGET)),
            outcome=totals.get((package_year.year, AmountKind.OUTCOME)),
        )
        for package_year in package.years.all()
    ]
