"""Reading an uploaded table: CSV (`,` `;` or tab, any encoding Excel saves) or XLSX into
rows of cells, the problems found in it, and the helpers both imports read rows with."""

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Context, Decimal

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from trygghet.amounts import format_amount, format_plain

# Uploads larger than this are refused before they are read.
MAX_FILE_SIZE = 2 * 1024 * 1024
# A table of budget lines or applications has tens of rows; more is not such a table.
MAX_ROWS = 1000
# The units a file's bare numbers can be in.
FILE_UNITS = ("kr", "tkr", "mkr")
NOT_A_TABLE = (
    "Filen är varken en CSV-fil eller en XLSX-fil. Spara tabellen i Excel som .xlsx eller "
    "CSV och försök igen."
)

# Excel keeps 15 significant digits; a cell computed as 0.3 + 0.8 is stored as
# 1.0999999999999999 and shown as 1,1. Reading at Excel's precision gives what it shows.
_EXCEL_PRECISION = Context(prec=15)
_SUM_ROW = re.compile(r"^(summa|totalt)\b")

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


class Problems(list):
    """The ImportProblems of a file, in the order they were found."""

    def add(self, message: str, row=None, column=None, code="invalid", **details) -> None:
        self.append(ImportProblem(message, row, column, code, **details))


def file_unit(organisation_unit: str) -> str:
    """The unit a file's bare numbers are in by default: the organisation's (mnkr is mkr)."""
    return "mkr" if organisation_unit == "mnkr" else organisation_unit


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
    while rows and not any(cell_text(cell) for cell in rows[-1]):
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


# Reading rows


def cell_text(cell: Cell) -> str:
    """A cell as one line of text: numbers as Excel shows them, spacing collapsed."""
    if isinstance(cell, Decimal):
        return format_plain(cell)
    return " ".join((cell or "").split())


def long_text(cell: Cell) -> str:
    """A free text such as a motivation: its own line breaks kept."""
    if isinstance(cell, Decimal):
        return format_plain(cell)
    return "\n".join(line.strip() for line in (cell or "").strip().splitlines())


def match_key(text: str) -> str:
    """A name as matched: case and spacing ignored."""
    return " ".join(text.casefold().split())


def is_sum_row(name: str) -> bool:
    """A row named Summa or Totalt is checked against the other rows, never stored."""
    return bool(_SUM_ROW.match(name.casefold()))


def find_header_row(rows: list[list[Cell]], is_header) -> int:
    """The first row with a cell that `is_header(position, text)`; title rows above it are
    skipped. Without any, the first non-empty row, so that its headers are reported."""
    for index, cells in enumerate(rows):
        if any(is_header(position, cell_text(cell)) for position, cell in enumerate(cells)):
            return index
    return next(index for index, cells in enumerate(rows) if any(map(cell_text, cells)))


def headers(rows, header_index: int, problems: Problems, *, unheaded: str, start: int = 0):
    """(position, text) of each headed column from `start`; a column with content but no
    header is a problem, named by its letter."""
    header, body = rows[header_index], rows[header_index + 1 :]
    for position in range(start, max(len(cells) for cells in rows)):
        text = cell_text(header[position]) if position < len(header) else ""
        if text:
            yield position, text
        elif any(position < len(cells) and cell_text(cells[position]) for cells in body):
            problems.add(unheaded, header_index + 1, get_column_letter(position + 1), "header")


def check_sum(problems: Problems, row: int, column: str, declared, actual: int, unit: str):
    """A Summa row's amount that disagrees with the sum of its rows is a problem."""
    if declared is not None and declared != actual:
        message = (
            f"Summa-raden {format_amount(declared, unit)} stämmer inte med "
            f"radernas summa {format_amount(actual, unit)}."
        )
        problems.add(message, row, column, "sum")


def preview_unit(organisation, file_unit: str) -> str:
    """The unit a preview is shown in: the organisation's, or for a new one the file's
    (mkr unless the file is in tkr)."""
    if organisation is not None:
        return organisation.amount_unit
    return file_unit if file_unit in ("tkr", "mkr") else "mkr"
