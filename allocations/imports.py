"""Importing an allocation table (CSV or XLSX) into a package.

The table is the one officials keep: the first column names the budget line, the other
columns are headed `Förslag 2024`, `Budget 2023`, `Utfall 2023` or a bare year (`2022`,
that year's decided budget). A row named Summa/Totalt is checked, never stored.

`parse_table` reads headers, names and amounts (no database); `build_preview` matches
the names to the package's lines and writes the years, lines and amounts through the
allocation services, in a transaction that is rolled back unless the import is stored.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.urls import reverse
from openpyxl.utils import get_column_letter

from allocations.models import (
    Amount,
    AmountKind,
    BudgetLine,
    BudgetLineLabel,
    Package,
    PackageYear,
    YearStatus,
)
from allocations.rules import (
    ensure_amounts_editable,
    ensure_year_editable,
    frame_difference_message,
)
from allocations.services import allocation_save, budget_line_add, package_year_start
from trygghet.amounts import AmountError, format_amount_with_unit, parse_amount
from trygghet.imports.flow import (
    ImportFailed,
    ImportFlow,
    ImportPreview,
    count,
    in_words,
    refuse_unless_stored,
)
from trygghet.imports.reader import (
    Cell,
    ImportProblem,
    cell_text,
    find_header_row,
    is_empty,
    is_sum_row,
    read_table,
    sum_problem,
)
from trygghet.imports.views import NEW
from trygghet.models import Organisation

HEADER_ROW_HINT = (
    "Skriv Förslag 2024, Budget 2023, Utfall 2023 eller bara året (2022) för beslutad budget."
)
_HEADER = re.compile(r"^(?:(?P<kind>förslag|budget|utfall)\s*)?(?P<year>\d{4})$")
_KINDS = {"förslag": AmountKind.PROPOSAL, "budget": AmountKind.BUDGET, "utfall": AmountKind.OUTCOME}
_BULLET = re.compile(r"^[•·▪‣◦\-*–]\s+")
_SUFFIX = re.compile(r"\s*\([^()]*\)$")
_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-"})
# Order of preference when a new year's frame is taken from the file: the decided budget,
# then the proposal, and only then the outcome.
_FRAME_KINDS = (AmountKind.BUDGET, AmountKind.PROPOSAL, AmountKind.OUTCOME)


@dataclass(frozen=True)
class AmountColumn:
    """An amount column of the file: one kind of amount for one year."""

    position: int  # 0-based position in the file
    header: str
    kind: str
    year: int

    @property
    def label(self) -> str:
        return f"”{self.header}”"


@dataclass
class FileRow:
    """A named row of the file with its amounts in kronor (None: the cell is empty)."""

    number: int
    name: str
    values: dict[int, int | None]  # column position -> kronor


@dataclass
class AllocationTable:
    """The file as read, before it is compared with the database."""

    unit: str
    header_row: int = 1
    name_column: str = "A"  # how problems name the first column
    columns: list[AmountColumn] = field(default_factory=list)
    rows: list[FileRow] = field(default_factory=list)
    sum_row: FileRow | None = None
    problems: list[ImportProblem] = field(default_factory=list)
    # (row, column position) -> the text of a cell that is no amount
    invalid_cells: dict[tuple[int, int], str] = field(default_factory=dict)

    def total(self, column: AmountColumn) -> int:
        return sum(row.values[column.position] or 0 for row in self.rows)


@dataclass
class PreviewCell:
    """One amount of the resulting table."""

    kronor: int | None
    from_file: bool = False
    previous: int | None = None  # the stored amount the file replaces, if it differs
    invalid: str = ""  # the cell's text when it is no amount


@dataclass
class PreviewRow:
    """A row of the resulting table: a row of the file, or a line the file leaves alone."""

    number: int | None  # the file's row; None for a stored line that is not in the file
    name: str  # as written in the file, or the line's name
    line: BudgetLine | None = None
    new: bool = False  # the import creates a line named `name`
    active_from: int | None = None  # a new line's first year
    needs_mapping: bool = False
    cells: list[PreviewCell] = field(default_factory=list)
    values: dict[int, int | None] = field(default_factory=dict)

    @property
    def line_name(self) -> str:
        if self.line is not None:
            return self.line.name
        return self.name if self.new else ""


@dataclass(frozen=True)
class NewYear:
    frame: int
    source: str


@dataclass(frozen=True)
class PackageTarget:
    """Where the table goes. The objects are None when the command line creates them."""

    organisation_name: str
    name: str
    organisation: Organisation | None = None
    package: Package | None = None

    @classmethod
    def for_package(cls, package: Package) -> "PackageTarget":
        return cls(package.organisation.name, package.name, package.organisation, package)


@dataclass(kw_only=True)
class AllocationPreview(ImportPreview):
    """The resulting table, what the import writes and every problem."""

    table: AllocationTable
    target: PackageTarget
    mapping: dict[int, int | None]
    frames: dict[int, int]
    create_years: bool
    create_lines: bool
    lines: list[BudgetLine] = field(default_factory=list)
    years: dict[int, PackageYear] = field(default_factory=dict)
    existing: dict[tuple[int, int, str], Amount] = field(default_factory=dict)
    rows: list[PreviewRow] = field(default_factory=list)
    other_rows: list[PreviewRow] = field(default_factory=list)
    totals: list[int | None] = field(default_factory=list)
    column_frames: list[int | None] = field(default_factory=list)
    new_years: dict[int, NewYear] = field(default_factory=dict)
    frame_changes: dict[int, int] = field(default_factory=dict)
    line_starts: dict[int, int] = field(default_factory=dict)  # line pk -> new active_from
    package: Package | None = None  # once written
    new_lines: list[BudgetLine] = field(default_factory=list)
    created: int = 0
    changed: int = 0
    unchanged: int = 0

    @property
    def columns(self) -> list[AmountColumn]:
        return self.table.columns

    @property
    def unmapped_rows(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.needs_mapping]

    def summary(self) -> str:
        """In Swedish: "6 nya belopp, 1 ändrat belopp, 2 nya budgetposter och 1 nytt år"."""
        parts = [
            count(self.created, "nytt belopp", "nya belopp"),
            count(self.changed, "ändrat belopp", "ändrade belopp"),
        ]
        if self.unchanged:
            parts.append(count(self.unchanged, "oförändrat belopp", "oförändrade belopp"))
        if self.new_lines:
            parts.append(count(len(self.new_lines), "ny budgetpost", "nya budgetposter"))
        if self.new_years:
            parts.append(count(len(self.new_years), "nytt år", "nya år"))
        if self.frame_changes:
            parts.append(count(len(self.frame_changes), "ändrad ram", "ändrade ramar"))
        return in_words(parts)


# Reading the table


def normalise_name(name: str) -> str:
    """A line name as matched: no bullet, case or surrounding space, and no trailing
    parenthesised suffix ("SSPF (skola, socialtjänst, polis, fritid)" → "sspf")."""
    name = _BULLET.sub("", " ".join(name.split()))
    name = _SUFFIX.sub("", name.casefold().translate(_DASHES))
    return name.strip()


def _exact_key(name: str) -> str:
    """A name as matched exactly: only case and spacing ignored."""
    return " ".join(name.casefold().split())


def _header_column(text: str, position: int) -> AmountColumn | None:
    match = _HEADER.match(text.casefold())
    if not match or not 1900 <= int(match.group("year")) <= 2199:
        return None
    kind = _KINDS[match.group("kind")] if match.group("kind") else AmountKind.BUDGET
    return AmountColumn(position=position, header=text, kind=kind, year=int(match.group("year")))


def parse_table(rows: list[list[Cell]], *, unit: str) -> AllocationTable:
    """Read headers, names and amounts; bare numbers are in `unit`. Touches no database."""
    if is_empty(rows):
        return AllocationTable(unit=unit, problems=[ImportProblem("Filen är tom.")])
    header_index = find_header_row(
        rows, lambda position, text: position and _header_column(text, position)
    )
    header = rows[header_index]
    table = AllocationTable(unit=unit, header_row=header_index + 1)
    name_header = cell_text(header[0]) if header else ""
    table.name_column = f"”{name_header}”" if name_header else "A"
    body = rows[header_index + 1 :]
    width = max(len(cells) for cells in rows)

    seen: dict[tuple[int, str], AmountColumn] = {}
    for position in range(1, width):
        text = cell_text(header[position]) if position < len(header) else ""
        if not text:
            if any(position < len(cells) and cell_text(cells[position]) for cells in body):
                table.problems.append(
                    ImportProblem(
                        f"kolumnen har belopp men ingen rubrik. {HEADER_ROW_HINT}",
                        row=table.header_row,
                        column=get_column_letter(position + 1),
                    )
                )
            continue
        column = _header_column(text, position)
        if column is None:
            problem = f"rubriken känns inte igen. {HEADER_ROW_HINT}"
        elif (column.year, column.kind) in seen:
            problem = f"samma år och slag som kolumnen {seen[column.year, column.kind].label}."
        else:
            seen[column.year, column.kind] = column
            table.columns.append(column)
            continue
        table.problems.append(
            ImportProblem(problem, row=table.header_row, column=f"”{text}”", code="header")
        )

    if not table.columns:
        if not table.problems:
            table.problems.append(
                ImportProblem(
                    f"Filen har inga kolumner med belopp. {HEADER_ROW_HINT}",
                    row=table.header_row,
                    code="header",
                )
            )
        return table

    names: dict[str, int] = {}
    for number, cells in enumerate(body, start=header_index + 2):
        _read_row(table, number, cells, names)
    if not table.rows:
        table.problems.append(ImportProblem("Filen har inga budgetposter under rubrikraden."))
    if table.sum_row is not None:
        for column in table.columns:
            declared = table.sum_row.values[column.position]
            if declared is None or any(
                position == column.position for _, position in table.invalid_cells
            ):
                continue
            problem = sum_problem(
                declared=declared,
                actual=table.total(column),
                unit=table.unit,
                row=table.sum_row.number,
                column=column.label,
            )
            if problem:
                table.problems.append(problem)
    return table


def _read_row(
    table: AllocationTable, number: int, cells: list[Cell], names: dict[str, int]
) -> None:
    name = _BULLET.sub("", cell_text(cells[0])).strip() if cells else ""
    texts = {
        column.position: cell_text(cells[column.position]) if column.position < len(cells) else ""
        for column in table.columns
    }
    if not name and not any(texts.values()):
        return  # a blank line
    if not name:
        table.problems.append(ImportProblem("namnet saknas.", row=number, column=table.name_column))
        return
    if len(name) > BudgetLine._meta.get_field("name").max_length:
        table.problems.append(
            ImportProblem("namnet är längre än 200 tecken.", row=number, column=table.name_column)
        )
    values: dict[int, int | None] = {}
    for column in table.columns:
        text = texts[column.position]
        values[column.position] = None
        if not text:
            continue
        try:
            values[column.position] = parse_amount(text, default_unit=table.unit)
        except AmountError as error:
            table.problems.append(ImportProblem(str(error), row=number, column=column.label))
            table.invalid_cells[number, column.position] = text
    row = FileRow(number=number, name=name, values=values)

    if is_sum_row(name):
        if table.sum_row is not None:
            table.problems.append(
                ImportProblem(
                    f"filen har redan en summarad på rad {table.sum_row.number}.",
                    row=number,
                    column=table.name_column,
                )
            )
        else:
            table.sum_row = row
        return

    # The same name twice; names that differ only in their suffix may be different lines
    # ("Trygghetsvärdar (Orminge)", "Trygghetsvärdar (Fisksätra)").
    key = _exact_key(name)
    if key in names:
        table.problems.append(
            ImportProblem(
                f"”{name}” står redan på rad {names[key]}.",
                row=number,
                column=table.name_column,
                code="duplicate",
            )
        )
    names.setdefault(key, number)
    table.rows.append(row)


# Comparing with the package and writing


class _LineMatcher:
    """Finds a line by its current name or any earlier label, normalised."""

    def __init__(self, lines: list[BudgetLine]):
        self.by_name: dict[str, list[BudgetLine]] = {}
        self.by_exact: dict[str, list[BudgetLine]] = {}
        for line in lines:
            for name in {line.name, *(entry.label for entry in line.labels.all())}:
                for index, key in (
                    (self.by_name, normalise_name(name)),
                    (self.by_exact, _exact_key(name)),
                ):
                    if line not in index.setdefault(key, []):
                        index[key].append(line)

    def match(self, name: str) -> tuple[BudgetLine | None, list[BudgetLine]]:
        """The one line `name` means, or None and the lines it could mean."""
        candidates = self.by_name.get(normalise_name(name), [])
        if len(candidates) == 1:
            return candidates[0], candidates
        exact = self.by_exact.get(_exact_key(name), [])
        if len(exact) == 1:
            return exact[0], exact
        return None, candidates


def build_preview(
    *,
    table: AllocationTable,
    target: PackageTarget,
    mapping: Mapping[int, int | None] | None = None,
    frames: Mapping[int, int] | None = None,
    create_years: bool = False,
    create_lines: bool = False,
    by=None,
    dry_run: bool = True,
) -> AllocationPreview:
    """Run the import of a read table into the package: stored unless `dry_run`, and
    laid out as the resulting table either way.

    `mapping` sends a file row (by number) to a line pk, or to None for a new line.
    `frames` are frames in kronor the user gave for years (--frame). `create_years`
    creates missing years with the file's sum as frame; `create_lines` creates a line
    for every name that matches none. `by` is the importing user, None from the command.
    """
    organisation = target.organisation
    if organisation is not None:
        unit = organisation.amount_unit
    else:
        unit = table.unit if table.unit in ("tkr", "mkr") else "mkr"
    preview = AllocationPreview(
        table=table,
        target=target,
        mapping=dict(mapping or {}),
        frames=dict(frames or {}),
        create_years=create_years,
        create_lines=create_lines,
        unit=unit,
        problems=list(table.problems),
    )
    if not table.columns:
        return preview
    FLOW.run(preview, _write, organisation=organisation, by=by, dry_run=dry_run)
    _lay_out(preview)
    return preview


def _write(preview: AllocationPreview, by) -> None:
    """Years, lines and amounts are written by the same services as the pages that edit
    them, so their rules (locks, deciding body, order, a changed proposal becomes a
    draft) hold and are checked nowhere else."""
    target = preview.target
    if target.package is not None:
        # Under a lock on the package, what is stored is what the database allowed then.
        if not Package.objects.select_for_update().filter(pk=target.package.pk).exists():
            raise ImportFailed([ImportProblem("Paketet finns inte längre.")])
        list(PackageYear.objects.select_for_update().filter(package=target.package))
    _load_package(preview)
    _match_rows(preview)
    organisation = target.organisation or _create(
        Organisation(name=target.organisation_name, amount_unit=preview.unit)
    )
    package = target.package or _create(Package(organisation=organisation, name=target.name))
    preview.package = package
    years = _write_years(preview, package, by)
    _write_line_years(preview)
    lines = _write_new_lines(preview, years, by)
    for column in preview.columns:
        if column.year in years:
            _write_column(preview, column, years[column.year], lines, by)


def _load_package(preview: AllocationPreview) -> None:
    package = preview.target.package
    if package is None:
        return
    preview.lines = list(
        BudgetLine.objects.filter(package=package)
        .prefetch_related(
            Prefetch("labels", queryset=BudgetLineLabel.objects.order_by("from_year"))
        )
        .order_by("order", "pk")
    )
    preview.years = {
        package_year.year: package_year
        for package_year in PackageYear.objects.filter(package=package)
    }
    for package_year in preview.years.values():
        package_year.package = package  # the lock rule names the package
    column_keys = {(column.year, column.kind) for column in preview.columns}
    amounts = Amount.objects.filter(
        line__package=package, year__in={year for year, _ in column_keys}
    )
    preview.existing = {
        (amount.line_id, amount.year, amount.kind): amount
        for amount in amounts
        if (amount.year, amount.kind) in column_keys
    }


def _match_rows(preview: AllocationPreview) -> None:
    table = preview.table
    matcher = _LineMatcher(preview.lines)
    lines_by_pk = {line.pk: line for line in preview.lines}
    used: dict[int, int] = {}  # line pk -> the file row that has it

    def problem(message: str, row: int, code: str = "invalid") -> None:
        preview.problems.append(
            ImportProblem(message, row=row, column=table.name_column, code=code)
        )

    for file_row in table.rows:
        number = file_row.number
        row = PreviewRow(number=number, name=file_row.name, values=file_row.values)
        line, candidates = matcher.match(row.name)
        if number in preview.mapping:
            choice = preview.mapping[number]
            row.new = choice is None
            row.line = lines_by_pk.get(choice)
            if not row.new and row.line is None:
                problem(f"den valda budgetposten finns inte i {preview.target.name}.", number)
        elif line is not None:
            row.line = line
        elif len(candidates) > 1:
            row.needs_mapping = True
            names = ", ".join(candidate.name for candidate in candidates)
            problem(
                f"”{row.name}” kan vara flera budgetposter: {names}. Välj vilken.",
                number,
                "ambiguous",
            )
        elif preview.create_lines:
            row.new = True
        else:
            row.needs_mapping = True
            problem(
                f"”{row.name}” matchar ingen budgetpost i {preview.target.name}.",
                number,
                "unmatched",
            )
        if row.line is not None:
            first = used.setdefault(row.line.pk, number)
            if first != number:
                problem(f"samma budgetpost som rad {first}: {row.line.name}.", number, "duplicate")
        preview.rows.append(row)


def _refused(preview: AllocationPreview, error: ValidationError, *, row: int, column) -> None:
    """A service's refusal of a whole year, shown at the cell that asked for the change."""
    preview.problems.append(
        ImportProblem(error.messages[0], row=row, column=column.label, code="decided")
    )


def _write_years(preview: AllocationPreview, package: Package, by) -> dict[int, PackageYear]:
    """The package's years, with the file's missing years created and frames changed."""
    table, unit = preview.table, preview.unit
    years = dict(preview.years)
    in_file = sorted({column.year for column in preview.columns})
    for year in sorted(set(preview.frames) - set(in_file)):
        preview.problems.append(
            ImportProblem(f"ramen för {year} gäller ett år som filen inte har någon kolumn för.")
        )
    for year in in_file:
        columns = [column for column in preview.columns if column.year == year]
        given = preview.frames.get(year)
        package_year = years.get(year)
        if package_year is not None:
            if given is not None and given != package_year.frame:
                try:
                    ensure_year_editable(package_year)
                except ValidationError as error:
                    _refused(preview, error, row=table.header_row, column=columns[0])
                    continue
                preview.notes.append(
                    f"Ramen för {year} ändras från "
                    f"{format_amount_with_unit(package_year.frame, unit)} till "
                    f"{format_amount_with_unit(given, unit)}."
                )
                package_year.frame = preview.frame_changes[year] = given
                package_year.full_clean()
                package_year.save(update_fields=["frame"])
            continue
        if given is not None:
            new_year = NewYear(frame=given, source="angiven ram")
        elif preview.create_years:
            column = min(columns, key=lambda column: _FRAME_KINDS.index(column.kind))
            declared = table.sum_row.values[column.position] if table.sum_row else None
            if declared is not None:
                new_year = NewYear(declared, f"summaraden i kolumnen {column.label}")
            else:
                new_year = NewYear(table.total(column), f"summan av kolumnen {column.label}")
        else:
            preview.problems.append(
                ImportProblem(
                    f"året {year} finns inte i {preview.target.name} och har ingen ram.",
                    row=table.header_row,
                    column=columns[0].label,
                    code="missing_year",
                    year=year,
                )
            )
            continue
        years[year] = package_year_start(
            package=package, year=year, frame=new_year.frame, source_kind=None, by=by
        )
        preview.new_years[year] = new_year
        preview.notes.append(
            f"Nytt år {year} med ramen {format_amount_with_unit(new_year.frame, unit)} "
            f"({new_year.source})."
        )
    return years


def _write_line_years(preview: AllocationPreview) -> None:
    """A stored line takes values only up to its last year; values before its first year
    move its start back (tables of earlier years are often imported after later ones)."""
    for row in preview.rows:
        line = row.line
        if line is None:
            continue
        valued = [column for column in preview.columns if row.values[column.position] is not None]
        for column in valued:
            if line.active_to is not None and column.year > line.active_to:
                preview.problems.append(
                    ImportProblem(
                        f"budgetposten {line.name} gäller bara "
                        f"{line.active_from}–{line.active_to}.",
                        row=row.number,
                        column=column.label,
                        code="inactive",
                    )
                )
        first = min((column.year for column in valued), default=line.active_from)
        if first < line.active_from:
            preview.line_starts[line.pk] = first
            preview.notes.append(
                f"Budgetposten {line.name} gäller från {first} i stället för {line.active_from}."
            )
            line.active_from = first
            line.full_clean()
            line.save(update_fields=["active_from"])


def _write_new_lines(preview: AllocationPreview, years, by) -> dict[int, BudgetLine]:
    """File row → line: the new lines, each from the first year it has a value in."""
    by_year = sorted(preview.columns, key=lambda column: column.year)
    lines = {}
    new_rows = [row for row in preview.rows if row.new]
    for row in new_rows:
        column = next(
            (column for column in by_year if row.values[column.position] is not None),
            by_year[0],
        )
        row.active_from = column.year
        if column.year not in years:
            continue  # a missing year, already a problem
        try:
            lines[row.number] = budget_line_add(
                package_year=years[column.year], name=row.name, by=by
            )
        except ValidationError as error:
            _refused(preview, error, row=row.number, column=column)
            continue
        preview.new_lines.append(lines[row.number])
    if new_rows:
        names = ", ".join(row.name for row in new_rows)
        preview.notes.append(f"Nya budgetposter: {names}.")
    return lines


def _write_column(preview: AllocationPreview, column, package_year: PackageYear, lines, by):
    changes, first_row = {}, None
    for row in preview.rows:
        value = row.values[column.position]
        line = lines.get(row.number) if row.new else row.line
        if value is None or line is None:
            continue  # an empty cell, or a row still to be mapped
        stored = None if row.new else preview.existing.get((line.pk, column.year, column.kind))
        if stored is None:
            preview.created += 1
        elif stored.amount != value:
            preview.changed += 1
        else:
            preview.unchanged += 1
            continue
        changes[line.pk] = value
        first_row = first_row or row.number
    year = column.year
    if not changes:
        try:
            ensure_amounts_editable(package_year, column.kind)
        except ValidationError:
            if any(row.values[column.position] is not None for row in preview.rows):
                preview.notes.append(
                    f"Kolumnen {column.label} gäller det beslutade året {year}; beloppen är "
                    "desamma som de sparade och lämnas orörda."
                )
        return
    was_proposal = package_year.status == YearStatus.PROPOSAL
    try:
        allocation_save(package_year=package_year, kind=column.kind, amounts=changes, by=by)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise  # a field of one amount: no cell to show it at
        _refused(preview, error, row=first_row, column=column)
        return
    if (
        was_proposal
        and column.kind == AmountKind.PROPOSAL
        and PackageYear.objects.filter(pk=package_year.pk, status=YearStatus.DRAFT).exists()
    ):
        preview.notes.append(
            f"Förslaget för {year} ändras, så året blir utkast igen. Markera det som förslag "
            "när summan stämmer med ramen."
        )


def _lay_out(preview: AllocationPreview) -> None:
    """Cells of the resulting table: the file's amount, or the stored one where the file's
    cell is empty; the stored lines the file does not name, where they have amounts; the
    sum of each column and its frame, with a warning where the sum is over it."""
    invalid = preview.table.invalid_cells

    def stored(line, column) -> int | None:
        amount = preview.existing.get((line.pk, column.year, column.kind)) if line else None
        return amount.amount if amount else None

    for row in preview.rows:
        for column in preview.columns:
            value, before = row.values[column.position], stored(row.line, column)
            if value is None:
                cell = PreviewCell(before, invalid=invalid.get((row.number, column.position), ""))
            else:
                cell = PreviewCell(value, True, before if before != value else None)
            row.cells.append(cell)
    named = {row.line.pk for row in preview.rows if row.line is not None}
    for line in preview.lines:
        cells = [PreviewCell(stored(line, column)) for column in preview.columns]
        if line.pk not in named and any(cell.kronor is not None for cell in cells):
            preview.other_rows.append(PreviewRow(None, line.name, line=line, cells=cells))
    for index, column in enumerate(preview.columns):
        present = [
            row.cells[index].kronor
            for row in preview.rows + preview.other_rows
            if row.cells[index].kronor is not None
        ]
        total = sum(present) if present else None
        package_year = preview.years.get(column.year)
        if column.year in preview.frames:
            frame = preview.frames[column.year]
        elif package_year is not None:
            frame = package_year.frame
        elif column.year in preview.new_years:
            frame = preview.new_years[column.year].frame
        else:
            frame = None
        preview.totals.append(total)
        preview.column_frames.append(frame)
        if frame is not None and total is not None and total > frame:
            message = frame_difference_message(total=total, frame=frame, unit=preview.unit)
            preview.warnings.append(f"Kolumnen {column.label}: {message}.")


def preview_file(*, content: bytes, unit: str, **options) -> AllocationPreview:
    """Read `content` and run its import (see build_preview); raises ImportFileError when
    the file is no table at all."""
    return build_preview(table=parse_table(read_table(content), unit=unit), **options)


def allocation_import_apply(*, preview: AllocationPreview, by) -> AllocationPreview:
    """Store a previewed import, checked again against the database as it is now.
    Raises ImportFailed and stores nothing on any problem."""
    return refuse_unless_stored(
        build_preview(
            table=preview.table,
            target=preview.target,
            mapping=preview.mapping,
            frames=preview.frames,
            create_years=preview.create_years,
            create_lines=preview.create_lines,
            by=by,
            dry_run=False,
        )
    )


class AllocationImportFlow(ImportFlow):
    namespace = "allocations"
    permission = "allocations.change_amount"
    foreign_organisation = "Du kan bara importera till din egen organisations paket."
    concurrent_change = (
        "Paketet ändrades av någon annan medan importen sparades. Inget har sparats; försök igen."
    )
    title = "Importera belopp"
    lead = "Läs in en fördelningstabell till"
    file_help = (
        "CSV eller XLSX, högst 2 MB. Första kolumnen är budgetpostens namn; övriga kolumner "
        "har rubrikerna Förslag 2024, Budget 2023, Utfall 2023 eller bara ett år (2022) för "
        "beslutad budget."
    )
    saved_anyway = "Beloppen sparas ändå."
    example_template = "imports/allocations_example.html"
    table_template = "imports/allocations_table.html"

    def queryset(self, user):
        return Package.objects.for_user(user).select_related("organisation")

    def done_url(self, package) -> str:
        return reverse("allocations:package-detail", args=[package.pk])

    def upload_fields(self) -> dict:
        return {
            "create_years": forms.BooleanField(
                label="Skapa år som saknas i paketet, med filens summarad som ram",
                required=False,
            )
        }

    def preview(self, package, upload, *, mapping=None, by=None, dry_run=True):
        return preview_file(
            content=upload["content"],
            unit=upload["unit"],
            target=PackageTarget.for_package(package),
            mapping=mapping,
            create_years=upload["create_years"],
            by=by,
            dry_run=dry_run,
        )

    def mapping_rows(self, preview) -> list:
        return preview.unmapped_rows

    def mapping_choices(self, preview) -> list:
        return [
            ("", "Välj budgetpost …"),
            ("Befintliga budgetposter", [(str(line.pk), line.name) for line in preview.lines]),
            (NEW, "Skapa ny budgetpost"),
        ]


FLOW = AllocationImportFlow()


def _create(instance):
    instance.full_clean()
    instance.save()
    return instance
