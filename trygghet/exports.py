"""Exports of any BaseTable to XLSX and CSV.

XLSX: numbers as numbers, amounts in kronor with "(kr)" in the header.
CSV: semicolon-separated with a decimal comma, as Swedish Excel opens it; UTF-8 with BOM
so Excel reads å, ä and ö.
"""

import csv
import io
from decimal import Decimal

from django.http import HttpResponse
from django.utils.encoding import force_str
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Font

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("xlsx", "csv")


def table_rows(table, *, footer_label: str = "SUMMA") -> list[list]:
    """Header, body rows and footer of `table` as plain values (kronor for amounts)."""
    columns = [
        column for column in table.columns.iterall() if not column.column.exclude_from_export
    ]
    header = []
    for column in columns:
        text = force_str(column.header)
        if getattr(column.column, "exports_in_kronor", False):
            text = f"{text} (kr)"
        elif getattr(column.column, "exports_in_kronor", None) is False:
            text = f"{text} (%)"
        header.append(text)
    rows = [header]
    for row in table.rows:
        rows.append([_plain(row.get_cell_value(column.name)) for column in columns])
    footer_values = [
        column.column.footer_value() if hasattr(column.column, "footer_value") else None
        for column in columns
    ]
    if any(value is not None for value in footer_values):
        footer_values[0] = footer_label
        rows.append(footer_values)
    return rows


# A text cell starting with one of these is run as a formula by Excel (CSV/XLSX injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _plain(value):
    """An exported cell: numbers stay numbers (negative ones too); text that a spreadsheet
    would read as a formula gets a leading apostrophe, so it is shown, never run."""
    if value is None:
        return None
    if isinstance(value, int | Decimal):
        return value
    text = force_str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def export_response(table, *, export_format: str, filename: str, title: str) -> HttpResponse:
    rows = table_rows(table)
    name = slugify(filename) or "export"
    if export_format == "xlsx":
        response = HttpResponse(_xlsx(rows, title=title), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{export_format}"'
    return response


def _xlsx(rows: list[list], *, title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31] or "Tabell"
    for row in rows:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    if len(rows) > 2 and rows[-1] and rows[-1][0] == "SUMMA":
        for cell in sheet[len(rows)]:
            cell.font = Font(bold=True)
    for column_cells in sheet.columns:
        width = max(len(str(cell.value or "")) for cell in column_cells)
        sheet.column_dimensions[column_cells[0].column_letter].width = min(max(width + 2, 10), 60)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, int):
                cell.number_format = "#,##0"
            elif isinstance(cell.value, Decimal):
                cell.number_format = "0.0"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv(rows: list[list]) -> str:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if value is None else _csv_cell(value) for value in row])
    return buffer.getvalue()


def _csv_cell(value) -> str:
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")
    return str(value)
