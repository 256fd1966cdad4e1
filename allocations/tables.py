"""Review tables of a package. Columns are named after the years they show, so each
table is built from its selector's result; totals come from the selector."""

from decimal import Decimal

import django_tables2 as tables
from django.utils.html import format_html

from allocations.models import AmountKind
from allocations.selectors import MultiYearTable, RecipientRow, YearTable
from trygghet.amounts import format_amount
from trygghet.tables import AmountColumn, BaseTable, DifferenceColumn, PercentColumn


class LineColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("attrs", {"td": {"class": "fw-normal"}, "tf": {"class": "fw-bold"}})
        kwargs.setdefault("footer", "SUMMA")
        super().__init__(*args, **kwargs)


class YearReviewTable(BaseTable):
    """Förslag Y · Utfall Y−1 · Budget Y−1, with the differences a reviewer asks about."""

    label = LineColumn(verbose_name="Budgetpost")

    class Meta(BaseTable.Meta):
        row_attrs = {"class": lambda record: "low-outcome" if record.low_outcome else ""}

    def __init__(self, table: YearTable, *, unit: str, **kwargs):
        previous = table.package_year.year - 1
        reference = table.reference_heading
        reference_lower = reference[0].lower() + reference[1:]
        extra_columns = [
            ("amount", AmountColumn(verbose_name=table.heading, unit=unit, total=table.total)),
            (
                "previous_outcome",
                OutcomeColumn(
                    verbose_name=f"Utfall {previous}", unit=unit, total=table.previous_outcome_total
                ),
            ),
            (
                "reference",
                AmountColumn(verbose_name=reference, unit=unit, total=table.reference_total),
            ),
            (
                "change",
                DifferenceColumn(
                    verbose_name=f"{AmountKind(table.kind).label} mot {reference_lower}",
                    unit=unit,
                    total=table.change_total,
                ),
            ),
            (
                "outcome_deviation",
                DifferenceColumn(
                    verbose_name=f"Utfall mot {reference_lower}",
                    unit=unit,
                    total=table.outcome_deviation_total,
                ),
            ),
            (
                "outcome_share",
                PercentColumn(
                    verbose_name=f"Utfall i % av {reference_lower}",
                    total=table.outcome_share_total,
                ),
            ),
        ]
        super().__init__(table.rows, extra_columns=extra_columns, **kwargs)
        self.caption = (
            f"{table.heading} per budgetpost jämfört med utfall och {reference_lower}, i {unit}."
        )


class OutcomeColumn(AmountColumn):
    """An outcome; one far below its budget is marked in words, not by colour alone."""

    def render(self, value, record=None):
        text = format_amount(value, self.unit)
        if record is not None and record.low_outcome:
            return format_html(
                '{} <span class="badge text-bg-warning low-outcome-badge">▼ lågt utfall</span>',
                text,
            )
        return text


class MultiYearReviewTable(BaseTable):
    """Decided budgets year by year (the shape of 001_…)."""

    label = LineColumn(verbose_name="Budgetpost")

    class Meta(BaseTable.Meta):
        pass

    def __init__(self, table: MultiYearTable, *, unit: str, **kwargs):
        extra_columns = [
            (
                f"year_{column.year}",
                AmountColumn(
                    verbose_name=column.heading,
                    accessor=tables.A(f"values__{column.year}"),
                    unit=unit,
                    total=column.total,
                ),
            )
            for column in table.columns
        ]
        super().__init__(table.rows, extra_columns=extra_columns, **kwargs)
        self.caption = f"Beslutad budget per budgetpost och år, i {unit}."


class RecipientTable(BaseTable):
    """Sums by recipient committee (the shape of 004_…)."""

    recipient = LineColumn(verbose_name="Mottagare")

    class Meta(BaseTable.Meta):
        pass

    def __init__(self, rows: list[RecipientRow], *, unit: str, total: int, heading: str, **kwargs):
        extra_columns = [
            ("total", AmountColumn(verbose_name=heading, unit=unit, total=total)),
            ("share", PercentColumn(verbose_name="Andel", total=Decimal(100) if rows else None)),
        ]
        super().__init__(rows, extra_columns=extra_columns, **kwargs)
        self.caption = f"{heading} per mottagande nämnd, i {unit}."
