"""Read an allocation table into a preview: what would be stored, and every problem.

The table is the one officials keep: the first column names the budget line, the other
columns are headed `Förslag 2024`, `Budget 2023`, `Utfall 2023` or a bare year (`2022`,
that year's decided budget). A row named Summa/Totalt is checked, never stored.

Three steps, each usable alone: `read_table` turns CSV or XLSX bytes into rows of cells,
`parse_table` reads headers, names and amounts (no database), and `build_preview`
matches the names to the package's lines and checks years, frames and statuses. Nothing
here writes; `allocations.imports.services.allocation_import_apply` stores a preview.
"""

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Context, Decimal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from openpyxl import load_workbook
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
from trygghet.amounts import (
    AmountError,
    format_amount,
    format_amount_with_unit,
    format_plain,
    parse_amount,
)
from trygghet.models import Organisation

# Uploads larger than this are refused before they are read.
MAX_FILE_SIZE = 2 * 1024 * 1024
# A table of budget lines has tens of rows; more is not an allocation table.
MAX_ROWS = 1000
# The units a file's bare numbers can be in.
FILE_UNITS = ("kr", "tkr", "mkr")
HEADER_ROW_HINT = (
    "Skriv Förslag 2024, Budget 2023, Utfall 2023 eller bara året (2022) för beslutad budget."
)
NOT_A_TABLE = (
    "Filen är varken en CSV-fil eller en XLSX-fil. Spara tabellen i Excel som .xlsx eller "
    "CSV och försök igen."
)

# Excel keeps 15 significant digits; a cell computed as 0.3 + 0.8 is stored as
# 1.0999999999999999 and shown as 1,1. Reading at Excel's precision gives what it shows.
_EXCEL_PRECISION = Context(prec=15)
_HEADER = re.compile(r"^(?:(?P<kind>förslag|budget|utfall)\s*)?(?P<year>\d{4})$")
_KINDS = {"förslag": AmountKind.PROPOSAL, "budget": AmountKind.BUDGET, "utfall": AmountKind.OUTCOME}
_BULLET = re.compile(r"^[•·▪‣◦\-*–]\s+")
_SUM_ROW = re.compile(r"^(summa|totalt)\b")
_SUFFIX = re.compile(r"\s*\([^()]*\)$")
_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-"})
# Order of preference when a new year's frame is taken from the file: the decided budget,
# then the proposal, and only then the outcome.
_FRAME_KINDS = (AmountKind.BUDGET, AmountKind.PROPOSAL, AmountKind.OUTCOME)

Cell = str | Decimal


class ImportFileError(ValueError):
    """A file that is not a readable table; the message is Swedish and shown to the user."""


@dataclass(frozen=True)
class ImportProblem:
    """Something that stops the import, located as the user sees the file in Excel."""

    message: str
    row: int | None = None  # 1-based, the header row is row 1 when it is first
    column: str | None = None  # ”Förslag 2024”, or the column letter when it has no header
    code: str = "invalid"
    year: int | None = None  # the year a problem with a missing year is about

    def __str__(self) -> str:
        if self.row and self.column:
            return f"Rad {self.row}, kolumn {self.column}: {self.message}"
        if self.row:
            return f"Rad {self.row}: {self.message}"
        if self.column:
            return f"Kolumn {self.column}: {self.message}"
        return self.message[:1].upper() + self.message[1:]


@dataclass(frozen=True)
class ImportColumn:
    """An amount column of the file: one kind of amount for one year."""

    position: int  # 0-based position in the file
    header: str
    kind: str
    year: int

    @property
    def label(self) -> str:
        return f"”{self.header}”"


@dataclass
class ImportRow:
    """A named row of the file with its amounts in kronor (None: the cell is empty)."""

    number: int
    name: str
    values: dict[int, int | None]  # column position -> kronor


@dataclass
class ParsedTable:
    """The file as read, before it is compared with the database."""

    unit: str
    header_row: int = 1
    name_column: str = "A"  # how problems name the first column
    columns: list[ImportColumn] = field(default_factory=list)
    rows: list[ImportRow] = field(default_factory=list)
    sum_row: ImportRow | None = None
    problems: list[ImportProblem] = field(default_factory=list)
    # (row, column position) -> the text of a cell that is no amount
    invalid_cells: dict[tuple[int, int], str] = field(default_factory=dict)


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
class ImportTarget:
    """Where the table goes. The objects are None when the command line creates them."""

    organisation_name: str
    package_name: str
    organisation: Organisation | None = None
    package: Package | None = None

    @classmethod
    def for_package(cls, package: Package) -> "ImportTarget":
        return cls(
            organisation_name=package.organisation.name,
            package_name=package.name,
            organisation=package.organisation,
            package=package,
        )


@dataclass
class ImportPreview:
    """The resulting table and every problem: what `allocation_import_apply` would store."""

    table: ParsedTable
    target: ImportTarget
    mapping: dict[int, int | None]
    frames: dict[int, int]
    create_years: bool
    create_lines: bool
    unit: str  # the unit the preview is shown in: the organisation's
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
    problems: list[ImportProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def columns(self) -> list[ImportColumn]:
        return self.table.columns

    @property
    def unmapped_rows(self) -> list[PreviewRow]:
        return [row for row in self.rows if row.needs_mapping]

    @property
    def all_rows(self) -> list[PreviewRow]:
        return self.rows + self.other_rows

    def rebuilt(self) -> "ImportPreview":
        """The same import checked again against the database as it is now."""
        return build_preview(
            table=self.table,
            target=self.target,
            mapping=self.mapping,
            frames=self.frames,
            create_years=self.create_years,
            create_lines=self.create_lines,
        )


def file_unit(organisation_unit: str) -> str:
    """The unit a file's bare numbers are in by default: the organisation's (mnkr is mkr)."""
    return "mkr" if organisation_unit == "mnkr" else organisation_unit


# Reading files


def read_table(content: bytes) -> list[list[Cell]]:
    """The rows of an XLSX (first sheet) or CSV file; cells are text, or Decimal for
    numbers in XLSX cells. Recognised by content, not by the file's name."""
    if not content.strip():
        raise ImportFileError("Filen är tom.")
    if content.startswith(b"PK\x03\x04"):
        rows = _read_xlsx(content)
    elif content.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            "Filen är i Excels gamla format (.xls). Spara den som .xlsx eller CSV och försök igen."
        )
    elif content.startswith(b"%PDF"):
        raise ImportFileError(
            "Filen är en PDF. Skriv av tabellen i Excel och spara den som .xlsx eller CSV."
        )
    else:
        rows = _read_csv(content)
    while rows and not any(_cell_text(cell) for cell in rows[-1]):
        rows.pop()
    if not rows:
        raise ImportFileError("Filen är tom.")
    if len(rows) > MAX_ROWS:
        raise ImportFileError(
            f"Filen har {len(rows)} rader. En importfil får ha högst {MAX_ROWS} rader."
        )
    return rows


def _read_xlsx(content: bytes) -> list[list[Cell]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
        raise ImportFileError(
            "Filen kunde inte läsas som XLSX. Spara den i Excel som .xlsx eller CSV och "
            "försök igen."
        ) from error
    try:
        sheet = workbook.worksheets[0]
        return [[_xlsx_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _xlsx_cell(value) -> Cell:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return _EXCEL_PRECISION.create_decimal(str(value))
    if isinstance(value, Decimal):
        return value
    return str(value)


def _read_csv(content: bytes) -> list[list[Cell]]:
    text = _decode(content)
    if any(ord(char) < 32 and char not in "\t\r\n" for char in text):
        raise ImportFileError(NOT_A_TABLE)
    delimiter = _delimiter(text)
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise ImportFileError(f"Filen kunde inte läsas som CSV: {error}.") from error


def _decode(content: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 as Excel's "Unicode text", else Windows-1252
    as older Swedish Excel saves CSV."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError as error:
            raise ImportFileError(NOT_A_TABLE) from error
    if b"\x00" in content:
        raise ImportFileError(NOT_A_TABLE)
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError as error:
        raise ImportFileError(NOT_A_TABLE) from error


def _delimiter(text: str) -> str:
    """The separator of the header line: tab, semicolon or comma, whichever it has most of.

    Only the header line is counted: amounts with a decimal comma make commas in the
    other lines unreliable.
    """
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = dict.fromkeys("\t;,", 0)
    quoted = False
    for char in header:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    # Ties go to the first: a tab or a semicolon is never part of an amount.
    return max(counts, key=lambda char: counts[char]) if any(counts.values()) else ";"


def _cell_text(cell: Cell) -> str:
    if isinstance(cell, Decimal):
        return format_plain(cell)
    return " ".join((cell or "").split())


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


def _row_name(cell: Cell) -> str:
    return _BULLET.sub("", _cell_text(cell)).strip()


def _header_column(text: str, position: int) -> ImportColumn | None:
    match = _HEADER.match(text.casefold())
    if not match:
        return None
    year = int(match.group("year"))
    if not 1900 <= year <= 2199:
        return None
    kind = _KINDS[match.group("kind")] if match.group("kind") else AmountKind.BUDGET
    return ImportColumn(position=position, header=text, kind=kind, year=year)


def _find_header_row(rows: list[list[Cell]]) -> int:
    """The first row with an amount header; title rows above it are skipped. Without any,
    the first non-empty row, so that its headers are reported."""
    for index, cells in enumerate(rows):
        if any(
            _header_column(_cell_text(cell), position)
            for position, cell in enumerate(cells[1:], start=1)
        ):
            return index
    return next(index for index, cells in enumerate(rows) if any(map(_cell_text, cells)))


def parse_table(rows: list[list[Cell]], *, unit: str) -> ParsedTable:
    """Read headers, names and amounts; bare numbers are in `unit`. Touches no database."""
    if not any(_cell_text(cell) for cells in rows for cell in cells):
        return ParsedTable(unit=unit, problems=[ImportProblem("Filen är tom.")])
    header_index = _find_header_row(rows)
    header = rows[header_index]
    table = ParsedTable(unit=unit, header_row=header_index + 1)
    name_header = _cell_text(header[0]) if header else ""
    table.name_column = f"”{name_header}”" if name_header else "A"
    body = rows[header_index + 1 :]
    width = max(len(cells) for cells in rows)

    seen: dict[tuple[int, str], ImportColumn] = {}
    for position in range(1, width):
        text = _cell_text(header[position]) if position < len(header) else ""
        if not text:
            if any(position < len(cells) and _cell_text(cells[position]) for cells in body):
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
            table.problems.append(
                ImportProblem(
                    f"rubriken känns inte igen. {HEADER_ROW_HINT}",
                    row=table.header_row,
                    column=f"”{text}”",
                    code="header",
                )
            )
            continue
        earlier = seen.get((column.year, column.kind))
        if earlier:
            table.problems.append(
                ImportProblem(
                    f"samma år och slag som kolumnen {earlier.label}.",
                    row=table.header_row,
                    column=column.label,
                    code="header",
                )
            )
            continue
        seen[column.year, column.kind] = column
        table.columns.append(column)

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
    _check_sum_row(table)
    return table


def _read_row(table: ParsedTable, number: int, cells: list[Cell], names: dict[str, int]) -> None:
    name = _row_name(cells[0]) if cells else ""
    texts = {
        column.position: cells[column.position] if column.position < len(cells) else ""
        for column in table.columns
    }
    if not name and not any(_cell_text(cell) for cell in texts.values()):
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
        text = _cell_text(texts[column.position])
        values[column.position] = None
        if not text:
            continue
        try:
            values[column.position] = parse_amount(text, default_unit=table.unit)
        except AmountError as error:
            table.problems.append(ImportProblem(str(error), row=number, column=column.label))
            table.invalid_cells[number, column.position] = text
    row = ImportRow(number=number, name=name, values=values)

    if _SUM_ROW.match(name.casefold()):
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


def _check_sum_row(table: ParsedTable) -> None:
    if table.sum_row is None:
        return
    for column in table.columns:
        declared = table.sum_row.values[column.position]
        if declared is None or any(
            position == column.position for _, position in table.invalid_cells
        ):
            continue
        actual = column_sum(table, column)
        if declared != actual:
            table.problems.append(
                ImportProblem(
                    f"Summa-raden {format_amount(declared, table.unit)} stämmer inte med "
                    f"radernas summa {format_amount(actual, table.unit)}.",
                    row=table.sum_row.number,
                    column=column.label,
                    code="sum",
                )
            )


def column_sum(table: ParsedTable, column: ImportColumn) -> int:
    return sum(row.values[column.position] or 0 for row in table.rows)


# Comparing with the package


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
    table: ParsedTable,
    target: ImportTarget,
    mapping: Mapping[int, int | None] | None = None,
    frames: Mapping[int, int] | None = None,
    create_years: bool = False,
    create_lines: bool = False,
) -> ImportPreview:
    """Compare a read table with the package: match names to lines, check years,
    statuses and frames, and lay out the resulting table.

    `mapping` sends a file row (by number) to a line pk, or to None for a new line.
    `frames` are frames in kronor the user gave for years (--frame). `create_years`
    creates missing years with the file's sum as frame; `create_lines` creates a line
    for every name that matches none. Reads in a fixed number of queries.
    """
    organisation = target.organisation
    if organisation is not None:
        unit = organisation.amount_unit
    else:
        unit = table.unit if table.unit in ("tkr", "mkr") else "mkr"
    preview = ImportPreview(
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
    _load_package(preview)
    _match_rows(preview)
    _check_years(preview)
    _check_line_years(preview)
    _lay_out(preview)
    _check_frames(preview)
    # File order: the problems of a row together, as the user reads the file.
    preview.problems.sort(key=lambda problem: problem.row or 0)
    return preview


def _load_package(preview: ImportPreview) -> None:
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
    # Read afresh, not from a prefetch: the service rebuilds the preview under its locks.
    preview.years = {
        package_year.year: package_year
        for package_year in PackageYear.objects.filter(package=package)
    }
    for package_year in preview.years.values():
        package_year.package = package  # ensure_year_editable names the package
    column_keys = {(column.year, column.kind) for column in preview.columns}
    amounts = Amount.objects.filter(
        line__package=package, year__in={year for year, _ in column_keys}
    )
    preview.existing = {
        (amount.line_id, amount.year, amount.kind): amount
        for amount in amounts
        if (amount.year, amount.kind) in column_keys
    }


def _match_rows(preview: ImportPreview) -> None:
    table = preview.table
    matcher = _LineMatcher(preview.lines)
    lines_by_pk = {line.pk: line for line in preview.lines}
    package_name = preview.target.package_name
    used: dict[int, int] = {}  # line pk -> the file row that has it
    for row in table.rows:
        line, candidates = matcher.match(row.name)
        preview_row = PreviewRow(number=row.number, name=row.name, values=row.values)
        if row.number in preview.mapping:
            choice = preview.mapping[row.number]
            if choice is None:
                preview_row.new = True
            elif choice in lines_by_pk:
                preview_row.line = lines_by_pk[choice]
            else:
                preview.problems.append(
                    ImportProblem(
                        f"den valda budgetposten finns inte i {package_name}.",
                        row=row.number,
                        column=table.name_column,
                    )
                )
        elif line is not None:
            preview_row.line = line
        elif len(candidates) > 1:
            preview_row.needs_mapping = True
            names = ", ".join(candidate.name for candidate in candidates)
            preview.problems.append(
                ImportProblem(
                    f"”{row.name}” kan vara flera budgetposter: {names}. Välj vilken.",
                    row=row.number,
                    column=table.name_column,
                    code="ambiguous",
                )
            )
        elif preview.create_lines:
            preview_row.new = True
        else:
            preview_row.needs_mapping = True
            preview.problems.append(
                ImportProblem(
                    f"”{row.name}” matchar ingen budgetpost i {package_name}.",
                    row=row.number,
                    column=table.name_column,
                    code="unmatched",
                )
            )
        if preview_row.line is not None:
            first = used.setdefault(preview_row.line.pk, row.number)
            if first != row.number:
                preview.problems.append(
                    ImportProblem(
                        f"samma budgetpost som rad {first}: {preview_row.line.name}.",
                        row=row.number,
                        column=table.name_column,
                        code="duplicate",
                    )
                )
        preview.rows.append(preview_row)


def _writes(preview: ImportPreview, column: ImportColumn):
    """(row, stored amount or None) for every file value of `column` that changes something.

    A row still to be mapped is left out: what it changes is known once it is mapped.
    """
    for row in preview.rows:
        value = row.values[column.position]
        if value is None or row.needs_mapping:
            continue
        stored = (
            preview.existing.get((row.line.pk, column.year, column.kind))
            if row.line is not None
            else None
        )
        if stored is None or stored.amount != value:
            yield row, stored


def _check_years(preview: ImportPreview) -> None:
    table = preview.table
    years_in_file = {column.year for column in preview.columns}
    for year in sorted(set(preview.frames) - years_in_file):
        preview.problems.append(
            ImportProblem(f"ramen för {year} gäller ett år som filen inte har någon kolumn för.")
        )
    for year in sorted(years_in_file):
        columns = [column for column in preview.columns if column.year == year]
        package_year = preview.years.get(year)
        given = preview.frames.get(year)
        if package_year is not None:
            if (
                given is not None
                and given != package_year.frame
                and _editable(preview, package_year, None, row=None, column=columns[0])
            ):
                preview.frame_changes[year] = given
                preview.notes.append(
                    f"Ramen för {year} ändras från "
                    f"{format_amount_with_unit(package_year.frame, preview.unit)} till "
                    f"{format_amount_with_unit(given, preview.unit)}."
                )
            for column in columns:
                changes = next(_writes(preview, column), None)
                if changes is not None:
                    row = changes[0].number
                    if (
                        _editable(preview, package_year, column.kind, row=row, column=column)
                        and column.kind == AmountKind.PROPOSAL
                        and package_year.status == YearStatus.PROPOSAL
                    ):
                        # As when a proposal is edited by hand (allocation_save).
                        preview.notes.append(
                            f"Förslaget för {year} ändras, så året blir utkast igen. Markera "
                            "det som förslag när summan stämmer med ramen."
                        )
                elif (
                    package_year.is_decided
                    and column.kind != AmountKind.OUTCOME
                    and any(row.values[column.position] is not None for row in preview.rows)
                ):
                    preview.notes.append(
                        f"Kolumnen {column.label} gäller det beslutade året {year}; beloppen är "
                        "desamma som de sparade och lämnas orörda."
                    )
        elif given is not None:
            preview.new_years[year] = NewYear(frame=given, source="angiven ram")
        elif preview.create_years:
            column = min(columns, key=lambda column: _FRAME_KINDS.index(column.kind))
            declared = table.sum_row.values[column.position] if table.sum_row else None
            if declared is not None:
                source = f"summaraden i kolumnen {column.label}"
                frame = declared
            else:
                source = f"summan av kolumnen {column.label}"
                frame = column_sum(table, column)
            preview.new_years[year] = NewYear(frame=frame, source=source)
        else:
            preview.problems.append(
                ImportProblem(
                    f"året {year} finns inte i {preview.target.package_name} och har ingen ram.",
                    row=table.header_row,
                    column=columns[0].label,
                    code="missing_year",
                    year=year,
                )
            )
    for year, new_year in sorted(preview.new_years.items()):
        preview.notes.append(
            f"Nytt år {year} med ramen {format_amount_with_unit(new_year.frame, preview.unit)} "
            f"({new_year.source})."
        )


def _editable(
    preview: ImportPreview, package_year, kind: str | None, *, row: int | None, column
) -> bool:
    """Whether `kind` amounts (the frame when None) of the year may change; if not, a
    problem names the year."""
    try:
        if kind is None:
            ensure_year_editable(package_year)
        else:
            ensure_amounts_editable(package_year, kind)
    except ValidationError as error:
        preview.problems.append(
            ImportProblem(
                error.messages[0],
                row=row or preview.table.header_row,
                column=column.label,
                code="decided",
            )
        )
        return False
    return True


def _check_line_years(preview: ImportPreview) -> None:
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
    new_rows = [row for row in preview.rows if row.new]
    first_column = min(preview.columns, key=lambda column: column.year)
    for row in new_rows:
        # A new line starts the first year it has a value in, which must be open.
        column = next(
            (
                column
                for column in sorted(preview.columns, key=lambda column: column.year)
                if row.values[column.position] is not None
            ),
            first_column,
        )
        row.active_from = column.year
        package_year = preview.years.get(column.year)
        if package_year is not None:
            _editable(preview, package_year, None, row=row.number, column=column)
    if new_rows:
        names = ", ".join(row.name for row in new_rows)
        preview.notes.append(f"Nya budgetposter: {names}.")


def _lay_out(preview: ImportPreview) -> None:
    """Cells of the resulting table: the file's amount, or the stored one where the file's
    cell is empty; and the stored lines the file does not name, where they have amounts."""
    invalid = preview.table.invalid_cells
    for row in preview.rows:
        for column in preview.columns:
            value = row.values[column.position]
            stored = (
                preview.existing.get((row.line.pk, column.year, column.kind))
                if row.line is not None
                else None
            )
            if value is None:
                row.cells.append(
                    PreviewCell(
                        kronor=stored.amount if stored else None,
                        invalid=invalid.get((row.number, column.position), ""),
                    )
                )
            else:
                row.cells.append(
                    PreviewCell(
                        kronor=value,
                        from_file=True,
                        previous=stored.amount if stored and stored.amount != value else None,
                    )
                )
    named = {row.line.pk for row in preview.rows if row.line is not None}
    for line in preview.lines:
        if line.pk in named:
            continue
        cells = []
        for column in preview.columns:
            stored = preview.existing.get((line.pk, column.year, column.kind))
            cells.append(PreviewCell(kronor=stored.amount if stored else None))
        if any(cell.kronor is not None for cell in cells):
            preview.other_rows.append(
                PreviewRow(number=None, name=line.name, line=line, cells=cells)
            )
    for index, _column in enumerate(preview.columns):
        values = [row.cells[index].kronor for row in preview.all_rows]
        present = [value for value in values if value is not None]
        preview.totals.append(sum(present) if present else None)


def _check_frames(preview: ImportPreview) -> None:
    """A column over its year's frame is stored but warned about."""
    for index, column in enumerate(preview.columns):
        package_year = preview.years.get(column.year)
        if column.year in preview.frames:
            frame = preview.frames[column.year]
        elif package_year is not None:
            frame = package_year.frame
        elif column.year in preview.new_years:
            frame = preview.new_years[column.year].frame
        else:
            frame = None
        preview.column_frames.append(frame)
        total = preview.totals[index]
        if frame is not None and total is not None and total > frame:
            message = frame_difference_message(total=total, frame=frame, unit=preview.unit)
            preview.warnings.append(f"Kolumnen {column.label}: {message}.")


def preview_file(
    *,
    content: bytes,
    unit: str,
    target: ImportTarget,
    mapping: Mapping[int, int | None] | None = None,
    frames: Mapping[int, int] | None = None,
    create_years: bool = False,
    create_lines: bool = False,
) -> ImportPreview:
    """Read `content` and compare it with the package; raises ImportFileError when the
    file is no table at all."""
    table = parse_table(read_table(content), unit=unit)
    return build_preview(
        table=table,
        target=target,
        mapping=mapping,
        frames=frames,
        create_years=create_years,
        create_lines=create_lines,
    )
