"""The project's base table and amount columns; every table subclasses these.

HTML shows amounts in the organisation's unit ("1,6"); exports take the exact kronor
from `value()` so no HTML and no rounding reach CSV/XLSX.
"""

from decimal import ROUND_HALF_UP, Decimal

import django_tables2 as tables
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.utils.html import format_html

from trygghet.amounts import format_amount

# Numbers are right-aligned with tabular figures, so columns of amounts line up.
NUMBER_ATTRS = {
    "th": {"class": "text-end"},
    "td": {"class": "text-end amount"},
    "tf": {"class": "text-end amount fw-bold"},
}


class BaseTable(tables.Table):
    """Set `caption` to describe the table to screen-reader users (and in print)."""

    caption = ""

    @cached_property
    def cell_attrs(self) -> dict[str, str]:
        """Each column's cell attributes, rendered once per table rather than once per cell
        (a quarter of a 50-row table's rendering time). No column of the project computes
        its cell attributes from the row; row attributes (row_attrs) still can."""
        return {column.name: column.attrs["td"].as_html() for column in self.columns}

    class Meta:
        template_name = "django_tables2/trygghet.html"
        attrs = {"class": "table table-striped align-middle"}
        empty_text = "Det finns inga rader att visa."
        orderable = False


# However many rows a page is asked for (?per_page=), it shows at least one and at most this
# many, so that no address makes a page render a whole round or fail.
MAX_PER_PAGE = 200


class CountedPaginator(Paginator):
    """Pages through rows the view has already counted (with their sums), rather than
    counting them again."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, max(1, min(int(per_page), MAX_PER_PAGE)), **kwargs)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


def counted_pages(*, per_page: int, count: int) -> dict:
    """RequestConfig's `paginate` for `count` rows, `per_page` a page unless asked otherwise."""
    return {"paginator_class": CountedPaginator, "per_page": per_page, "count": count}


class AmountColumn(tables.Column):
    """Integer kronor shown in `unit`; `total` (kronor) is the footer, from the selector."""

    exports_in_kronor = True

    def __init__(self, *args, unit: str, total: int | None = None, **kwargs):
        self.unit = unit
        self.total = total
        kwargs.setdefault("default", "")
        kwargs.setdefault("attrs", NUMBER_ATTRS)
        super().__init__(*args, **kwargs)

    def render(self, value):
        return format_amount(value, self.unit)

    def value(self, value):
        return value

    def render_footer(self, bound_column, table):
        return format_amount(self.total, self.unit) if self.total is not None else ""

    def footer_value(self):
        return self.total


class DifferenceColumn(AmountColumn):
    """A signed difference in kronor, written with a real minus sign and a plus sign."""

    def render(self, value):
        if value is None or value == "":
            return ""
        text = format_amount(value, self.unit)
        return f"+{text}" if value > 0 else text

    def render_footer(self, bound_column, table):
        return self.render(self.total) if self.total is not None else ""


class PercentColumn(tables.Column):
    """A share as a percentage with one decimal and a decimal comma ("85,7 %")."""

    exports_in_kronor = False

    def __init__(self, *args, total: Decimal | None = None, **kwargs):
        self.total = total
        kwargs.setdefault("default", "")
        kwargs.setdefault("attrs", NUMBER_ATTRS)
        super().__init__(*args, **kwargs)

    @staticmethod
    def rounded(value: Decimal) -> Decimal:
        return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def render(self, value):
        return format_html("{}\u00a0%", str(self.rounded(value)).replace(".", ","))

    def value(self, value):
        return self.rounded(value)

    def render_footer(self, bound_column, table):
        return self.render(self.total) if self.total is not None else ""

    def footer_value(self):
        return self.rounded(self.total) if self.total is not None else None


class CountColumn(tables.Column):
    """A whole number of things (applications, lines), with its total in the footer."""

    def __init__(self, *args, total: int | None = None, **kwargs):
        self.total = total
        kwargs.setdefault("attrs", NUMBER_ATTRS)
        super().__init__(*args, **kwargs)

    def render_footer(self, bound_column, table):
        return "" if self.total is None else str(self.total)

    def footer_value(self):
        return self.total
