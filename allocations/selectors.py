"""Reads for the allocation pages, each in a fixed number of queries."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Min, OuterRef, Prefetch, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from allocations.models import (
    Amount,
    AmountKind,
    BudgetLine,
    BudgetLineLabel,
    BudgetLinePosition,
    Package,
    PackageYear,
    YearDecision,
)


def packages_for_detail() -> QuerySet[Package]:
    """Packages with their years, lines and the lines' label history."""
    lines = (
        BudgetLine.objects.select_related("recipient", "focus_area")
        .prefetch_related(
            Prefetch("labels", queryset=BudgetLineLabel.objects.order_by("from_year"))
        )
        .order_by("order", "pk")
    )
    return Package.objects.select_related("organisation").prefetch_related(
        Prefetch(
            "years",
            queryset=PackageYear.objects.select_related("deciding_body").order_by("-year"),
        ),
        Prefetch("lines", queryset=lines),
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


def lines_in_order_of(queryset: QuerySet[BudgetLine], year: int) -> QuerySet[BudgetLine]:
    """Lines in the order of `year`'s table: the year's own positions where a line was
    moved in it, the lines' order otherwise (a subquery, no query of its own)."""
    position = BudgetLinePosition.objects.filter(line=OuterRef("pk"), year=year)
    return queryset.annotate(
        position=Coalesce(Subquery(position.values("position")[:1]), F("order"))
    ).order_by("position", "pk")


def _lines_with_labels(package: Package, year: int) -> QuerySet[BudgetLine]:
    lines = package.lines.select_related("recipient").prefetch_related(
        Prefetch("labels", queryset=BudgetLineLabel.objects.order_by("from_year"))
    )
    return lines_in_order_of(lines, year)


def package_years_for_pages() -> QuerySet[PackageYear]:
    """Years with their package, organisation, deciding body and document."""
    return PackageYear.objects.select_related("package__organisation", "deciding_body", "document")


# An outcome below this share of the budget is marked for the reviewer.
LOW_OUTCOME_SHARE = Decimal("0.5")


@dataclass(frozen=True)
class YearRow:
    """One line of the year table (the shape of 000_…): Förslag Y · Utfall Y−1 · Budget Y−1.

    `amount` is the year's proposal, or its budget once the year is decided; `reference`
    is last year's budget, or its proposal where no budget was decided.
    """

    line: BudgetLine
    label: str
    amount: int | None
    previous_outcome: int | None
    reference: int | None

    @property
    def change(self) -> int | None:
        """This year's amount against last year's reference."""
        if self.amount is None or self.reference is None:
            return None
        return self.amount - self.reference

    @property
    def outcome_deviation(self) -> int | None:
        """Utfall Y−1 against the reference Y−1, in kronor."""
        if self.previous_outcome is None or self.reference is None:
            return None
        return self.previous_outcome - self.reference

    @property
    def outcome_share(self) -> Decimal | None:
        """Utfall Y−1 as a percentage of the reference Y−1."""
        if self.previous_outcome is None or not self.reference:
            return None
        return Decimal(self.previous_outcome) * 100 / self.reference

    @property
    def low_outcome(self) -> bool:
        share = self.outcome_share
        return share is not None and share < LOW_OUTCOME_SHARE * 100


@dataclass(frozen=True)
class YearTable:
    package_year: PackageYear
    kind: str  # what the year shows: its proposal, or its budget once decided
    reference_kind: str  # last year's budget, or its proposal if none was decided
    rows: list[YearRow]
    total: int
    previous_outcome_total: int | None
    reference_total: int | None

    @property
    def heading(self) -> str:
        return f"{AmountKind(self.kind).label} {self.package_year.year}"

    @property
    def reference_heading(self) -> str:
        return f"{AmountKind(self.reference_kind).label} {self.package_year.year - 1}"

    @property
    def unallocated(self) -> int:
        """The part of the frame no line has been given yet (negative: over the frame)."""
        return self.package_year.frame - self.total

    @property
    def change_total(self) -> int | None:
        if self.reference_total is None:
            return None
        return self.total - self.reference_total

    @property
    def outcome_deviation_total(self) -> int | None:
        if self.previous_outcome_total is None or self.reference_total is None:
            return None
        return self.previous_outcome_total - self.reference_total

    @property
    def outcome_share_total(self) -> Decimal | None:
        if self.previous_outcome_total is None or not self.reference_total:
            return None
        return Decimal(self.previous_outcome_total) * 100 / self.reference_total


def _amounts_by_line(package: Package, years) -> tuple[dict, dict]:
    """Every amount of `years` in one query, and the totals per (year, kind) in another."""
    amounts = {
        (line_id, year, kind): amount
        for line_id, year, kind, amount in Amount.objects.filter(
            line__package=package, year__in=list(years)
        ).values_list("line_id", "year", "kind", "amount")
    }
    totals = {
        (row["year"], row["kind"]): row["total"]
        for row in Amount.objects.filter(line__package=package, year__in=list(years))
        .values("year", "kind")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    return amounts, totals


def decided_or_proposed(year: int, totals: dict) -> str:
    """The kind that stands for a year: its decided budget if there is one, else its proposal."""
    return AmountKind.BUDGET if (year, AmountKind.BUDGET) in totals else AmountKind.PROPOSAL


def year_table(*, package_year: PackageYear) -> YearTable:
    """The review table for a package year: lines active in Y or Y−1, in order."""
    package = package_year.package
    year, previous = package_year.year, package_year.year - 1
    amounts, totals = _amounts_by_line(package, (year, previous))
    kind = AmountKind.BUDGET if package_year.is_decided else AmountKind.PROPOSAL
    reference_kind = decided_or_proposed(previous, totals)
    rows = [
        YearRow(
            line=line,
            label=line.label_for(year if line.is_active_in(year) else previous),
            amount=amounts.get((line.pk, year, kind)),
            previous_outcome=amounts.get((line.pk, previous, AmountKind.OUTCOME)),
            reference=amounts.get((line.pk, previous, reference_kind)),
        )
        for line in _lines_with_labels(package, year)
        if line.is_active_in(year) or line.is_active_in(previous)
    ]
    return YearTable(
        package_year=package_year,
        kind=kind,
        reference_kind=reference_kind,
        rows=rows,
        total=totals.get((year, kind), 0),
        previous_outcome_total=totals.get((previous, AmountKind.OUTCOME)),
        reference_total=totals.get((previous, reference_kind)),
    )


@dataclass(frozen=True)
class MultiYearColumn:
    """One year of the multi-year table: its decided budget, or its proposal if undecided."""

    year: int
    kind: str
    total: int | None

    @property
    def heading(self) -> str:
        return str(self.year) if self.kind == AmountKind.BUDGET else f"Förslag {self.year}"


@dataclass(frozen=True)
class MultiYearRow:
    line: BudgetLine
    label: str
    values: dict[int, int | None]  # year -> kronor; None where the line has no amount


@dataclass(frozen=True)
class MultiYearTable:
    columns: list[MultiYearColumn]
    rows: list[MultiYearRow]


def multi_year_table(*, package: Package, years: list[int]) -> MultiYearTable:
    """Decided budgets of the package's `years`, newest first (the shape of 001_…).

    A year with no decided budget yet shows its proposal, headed "Förslag <år>". Lines
    appear in the years where they exist and are blank elsewhere.
    """
    years = sorted(years, reverse=True)
    amounts, totals = _amounts_by_line(package, years)
    columns = []
    for year in years:
        kind = decided_or_proposed(year, totals)
        columns.append(MultiYearColumn(year=year, kind=kind, total=totals.get((year, kind))))
    rows = []
    # In the order of the newest year shown, as its table has them.
    for line in _lines_with_labels(package, years[0]):
        values = {
            column.year: amounts.get((line.pk, column.year, column.kind)) for column in columns
        }
        if any(value is not None for value in values.values()):
            newest = next(year for year in years if values[year] is not None)
            rows.append(MultiYearRow(line=line, label=line.label_for(newest), values=values))
    return MultiYearTable(columns=columns, rows=rows)


@dataclass(frozen=True)
class RecipientRow:
    recipient: str
    total: int
    share: Decimal | None


def recipient_totals(*, package_year: PackageYear, kind: str) -> tuple[list[RecipientRow], int]:
    """Sums of one kind for one year by recipient committee (the shape of 004_…)."""
    rows = (
        Amount.objects.filter(
            line__package_id=package_year.package_id, year=package_year.year, kind=kind
        )
        .values("line__recipient__name")
        .annotate(total=Sum("amount"), first_line=Min("line__order"))
        .order_by("first_line", "line__recipient__name")
    )
    grand_total = sum(row["total"] for row in rows)
    result = [
        RecipientRow(
            recipient=row["line__recipient__name"] or "Utan angiven mottagare",
            total=row["total"],
            share=Decimal(row["total"]) * 100 / grand_total if grand_total else None,
        )
        for row in rows
    ]
    return result, grand_total


def lines_for_year(*, package_year: PackageYear) -> list[BudgetLine]:
    """The lines active in the year, in order, with their label history."""
    return [
        line
        for line in _lines_with_labels(package_year.package, package_year.year)
        if line.is_active_in(package_year.year)
    ]


def allocation_entry(
    *, package_year: PackageYear, kind: str
) -> tuple[list[BudgetLine], dict[int, int]]:
    """The lines to enter amounts for, and their current amounts of `kind` (two queries)."""
    lines = lines_for_year(package_year=package_year)
    amounts = dict(
        Amount.objects.filter(
            line__package_id=package_year.package_id, year=package_year.year, kind=kind
        ).values_list("line_id", "amount")
    )
    return lines, amounts


def decisions_of(*, package_year: PackageYear) -> list[YearDecision]:
    """The year's recorded decisions, the one in force first, with who recorded and reopened
    them (one query)."""
    return list(package_year.decisions.in_record_order())
