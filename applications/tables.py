"""Tables of a round. Totals come from the selectors, over exactly the rows shown."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from applications.selectors import GroupSum, Totals
from trygghet.tables import AmountColumn, BaseTable, CountColumn


class ApplicationOverviewTable(BaseTable):
    """The official's list of received applications: filtered, sortable, paginated."""

    committee = tables.Column(
        verbose_name="Nämnd",
        accessor="committee__name",
        order_by=("committee__name", "title"),
        footer="Summa",
    )
    title = tables.Column(verbose_name="Titel")
    place = tables.Column(verbose_name="Plats", orderable=False)
    focus_area = tables.Column(verbose_name="Fokusområde", accessor="focus_area__name", default="–")
    # A field with choices: django-tables2 shows (and exports) its display text.
    status = tables.Column(verbose_name="Status", accessor="status")

    class Meta(BaseTable.Meta):
        orderable = True
        per_page = 50

    def __init__(self, data, *, unit: str, totals: Totals, decided: bool = False, **kwargs):
        extra_columns = [
            (
                "applied_amount",
                AmountColumn(verbose_name="Sökt", unit=unit, total=totals.applied),
            ),
            (
                "proposed",
                AmountColumn(
                    verbose_name="Föreslaget",
                    accessor="assessment__proposed_amount",
                    order_by=("assessment__proposed_amount",),
                    unit=unit,
                    total=totals.proposed,
                    default="ej bedömd",
                ),
            ),
        ]
        if decided:
            extra_columns.append(
                (
                    "granted_amount",
                    AmountColumn(
                        verbose_name="Beviljat", unit=unit, total=totals.granted, default="–"
                    ),
                )
            )
        super().__init__(data, extra_columns=extra_columns, **kwargs)
        self.caption = (
            f"Inkomna ansökningar, belopp i {unit}. Summan gäller de {totals.count} som visas."
        )

    def render_title(self, value, record):
        url = reverse("applications:application-detail", args=[record.pk])
        return format_html('<a href="{}">{}</a>', url, value)

    def value_title(self, value):
        return value


class AppendixTable(BaseTable):
    """Bilaga 1, Sammanställning av bedömningar: committee, title, place, applied,
    proposed, motivation."""

    committee = tables.Column(verbose_name="Nämnd", accessor="committee__name", footer="Summa")
    title = tables.Column(verbose_name="Titel")
    place = tables.Column(verbose_name="Plats")
    motivation = tables.Column(
        verbose_name="Motivering", accessor="assessment__motivation", default=""
    )

    def __init__(self, data, *, unit: str, totals: Totals, **kwargs):
        extra_columns = [
            ("applied_amount", AmountColumn(verbose_name="Sökt", unit=unit, total=totals.applied)),
            (
                "proposed",
                AmountColumn(
                    verbose_name="Föreslaget",
                    accessor="assessment__proposed_amount",
                    unit=unit,
                    total=totals.proposed,
                ),
            ),
        ]
        super().__init__(
            data,
            extra_columns=extra_columns,
            sequence=("committee", "title", "place", "applied_amount", "proposed", "motivation"),
            **kwargs,
        )
        self.caption = f"Sammanställning av bedömningar, belopp i {unit}."


class GroupSumTable(BaseTable):
    """Sums per committee or per focus area."""

    class Meta(BaseTable.Meta):
        pass

    def __init__(self, rows: list[GroupSum], *, unit: str, heading: str, totals: Totals, **kwargs):
        extra_columns = [
            ("name", tables.Column(verbose_name=heading, footer="Summa")),
            ("count", CountColumn(verbose_name="Ansökningar", total=totals.count)),
            ("applied", AmountColumn(verbose_name="Sökt", unit=unit, total=totals.applied)),
            ("proposed", AmountColumn(verbose_name="Föreslaget", unit=unit, total=totals.proposed)),
        ]
        super().__init__(rows, extra_columns=extra_columns, **kwargs)
        self.caption = f"Summor per {heading.lower()}, belopp i {unit}."
