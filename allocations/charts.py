"""A year-over-year bar chart of a package, drawn as SVG on the server.

Grouped horizontal bars: one group per line, one bar per year, each bar labelled with its
year and amount in text, so the chart reads without colour (WCAG 1.4.1) and prints.
"""

from dataclasses import dataclass

from allocations.selectors import MultiYearTable
from trygghet.amounts import format_amount

WIDTH = 760
LABEL_WIDTH = 100  # the year label left of each bar ("Förslag 2024")
VALUE_SPACE = 90  # room right of the longest bar for its amount
BAR_HEIGHT = 16
BAR_GAP = 4
GROUP_HEADING = 22
GROUP_GAP = 14
# Years are told apart by fill shade and by the year written beside each bar.
SHADES = ["#0b3d6b", "#3d6e99", "#6f94b8", "#a3bcd4", "#c9d8e6", "#e3ecf4"]


@dataclass(frozen=True)
class Bar:
    year: int
    x: int
    y: int
    width: int
    fill: str
    year_label: str
    value_label: str
    value_x: int
    text_y: int


@dataclass(frozen=True)
class Group:
    label: str
    heading_y: int
    bars: list[Bar]


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    groups: list[Group]
    description: str


def year_over_year_chart(table: MultiYearTable, *, unit: str, title: str) -> Chart:
    years = sorted(column.year for column in table.columns)
    headings = {column.year: column.heading for column in table.columns}
    largest = max(
        (value for row in table.rows for value in row.values.values() if value), default=0
    )
    bar_space = WIDTH - LABEL_WIDTH - VALUE_SPACE
    groups, y = [], 8
    for row in table.rows:
        heading_y = y + 14
        y += GROUP_HEADING
        bars = []
        for index, year in enumerate(years):
            value = row.values.get(year)
            width = round(bar_space * value / largest) if value and largest else 0
            bars.append(
                Bar(
                    year=year,
                    x=LABEL_WIDTH,
                    y=y,
                    width=width,
                    fill=SHADES[index % len(SHADES)],
                    year_label=headings[year],
                    value_label=(
                        f"{format_amount(value, unit)} {unit}" if value is not None else "finns ej"
                    ),
                    value_x=LABEL_WIDTH + width + 6,
                    text_y=y + BAR_HEIGHT - 4,
                )
            )
            y += BAR_HEIGHT + BAR_GAP
        groups.append(Group(label=row.label, heading_y=heading_y, bars=bars))
        y += GROUP_GAP
    description = (
        f"{title}: stapeldiagram med en grupp per budgetpost och en stapel per år "
        f"({', '.join(headings[year] for year in years)}), belopp i {unit}. "
        "Samma siffror finns i tabellen ovanför."
    )
    return Chart(width=WIDTH, height=y, groups=groups, description=description)
