"""Importing an allocation table (CSV or XLSX) into a package.

The table is the one officials keep: the first column names the budget line, the other
columns are headed `Förslag 2024`, `Budget 2023`, `Utfall 2023` or a bare year (`2022`,
that year's decided budget). A row named Summa/Totalt is checked, never stored.

`parse_table` reads the file; `build_preview` matches its names to the package's lines
and writes years, lines and amounts, rolled back unless the import is stored.
"""

import re
from dataclasses import dataclass, field, replace

from django import forms
from django.core.exceptions import ValidationError

from allocations.models import Amount, AmountKind, BudgetLine, Package, PackageYear, YearStatus
from allocations.rules import ensure_amounts_editable, frame_difference_message
from allocations.services import allocation_save, budget_line_add, package_year_start
from trygghet.amounts import AmountError, format_amount_with_unit, parse_amount
from trygghet.imports import reader
from trygghet.imports.flow import ImportFailed, ImportFlow, ImportPreview, count, create
from trygghet.imports.reader import ImportProblem, Problems
from trygghet.imports.views import NEW
from trygghet.locks import ensure_editable
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
class PreviewCell:
    """One amount of the resulting table."""

    kronor: int | None
    from_file: bool = False
    previous: int | None = None  # the stored amount the file replaces, if it differs
    invalid: str = ""  # the cell's text when it is no amount


@dataclass
class PreviewRow:
    """A row of the file with its amounts in kronor (None: the cell is empty), or a
    stored line the file leaves alone; and the cells of the resulting table."""

    number: int | None  # the file's row; None for a stored line that is not in the file
    name: str  # as written in the file, or the line's name
    values: dict[int, int | None] = field(default_factory=dict)  # column position -> kronor
    line: BudgetLine | None = None
    new: bool = False  # the import creates a line named `name`
    needs_mapping: bool = False
    cells: list[PreviewCell] = field(default_factory=list)

    @property
    def line_name(self) -> str:
        if self.line is not None:
            return self.line.name
        return self.name if self.new else ""


@dataclass
class AllocationTable:
    """The file as read, before it is compared with the database."""

    unit: str
    header_row: int = 1
    name_column: str = "A"  # how problems name the first column
    columns: list[AmountColumn] = field(default_factory=list)
    rows: list[PreviewRow] = field(default_factory=list)
    sum_row: PreviewRow | None = None
    problems: Problems = field(default_factory=Problems)
    # (row, column position) -> the text of a cell that is no amount
    invalid_cells: dict[tuple[int, int], str] = field(default_factory=dict)

    def total(self, column: AmountColumn) -> int:
        return sum(row.values[column.position] or 0 for row in self.rows)


@dataclass(frozen=True)
class NewYear:
    frame: int
    source: str


@dataclass(kw_only=True)
class AllocationPreview(ImportPreview):
    """The resulting table, what the import writes and every problem."""

    table: AllocationTable
    # A file row (by number) to a line pk, or to None for a new line.
    mapping: dict[int, int | None] = field(default_factory=dict)
    frames: dict[int, int] = field(default_factory=dict)  # year -> frame given (--frame)
    create_years: bool = False  # missing years are created with the file's sum as frame
    create_lines: bool = False  # every name that matches no line makes a new one
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
        return count(
            (self.created, "nytt belopp", "nya belopp", True),
            (self.changed, "ändrat belopp", "ändrade belopp", True),
            (self.unchanged, "oförändrat belopp", "oförändrade belopp"),
            (len(self.new_lines), "ny budgetpost", "nya budgetposter"),
            (len(self.new_years), "nytt år", "nya år"),
            (len(self.frame_changes), "ändrad ram", "ändrade ramar"),
        )


# Reading the table


def normalise_name(name: str) -> str:
    """A line name as matched: no bullet, case or surrounding space, and no trailing
    parenthesised suffix ("SSPF (skola, socialtjänst, polis, fritid)" → "sspf")."""
    name = _BULLET.sub("", " ".join(name.split()))
    return _SUFFIX.sub("", name.casefold().translate(_DASHES)).strip()


def _header_column(text: str, position: int) -> AmountColumn | None:
    match = _HEADER.match(text.casefold())
    if not match or not 1900 <= int(match.group("year")) <= 2199:
        return None
    kind = _KINDS[match.group("kind")] if match.group("kind") else AmountKind.BUDGET
    return AmountColumn(position, text, kind, int(match.group("year")))


def parse_table(rows: list[list[reader.Cell]], *, unit: str) -> AllocationTable:
    """Read headers, names and amounts; bare numbers are in `unit`. Touches no database."""
    header_index = reader.find_header_row(rows, lambda at, text: at and _header_column(text, at))
    table = AllocationTable(unit=unit, header_row=header_index + 1)
    name_header = reader.cell_text(rows[header_index][0]) if rows[header_index] else ""
    table.name_column = f"”{name_header}”" if name_header else "A"
    problems, seen = table.problems, {}

    def at_header(message: str, column: str | None = None) -> None:
        problems.add(f"{message} {HEADER_ROW_HINT}".strip(), header_index + 1, column, "header")

    unheaded = f"kolumnen har belopp men ingen rubrik. {HEADER_ROW_HINT}"
    for position, text in reader.headers(rows, header_index, problems, unheaded=unheaded, start=1):
        column = _header_column(text, position)
        if column is None:
            at_header("rubriken känns inte igen.", f"”{text}”")
        elif (column.year, column.kind) in seen:
            earlier = seen[column.year, column.kind].label
            problems.add(
                f"samma år och slag som kolumnen {earlier}.",
                header_index + 1,
                column.label,
                "header",
            )
        else:
            table.columns.append(seen.setdefault((column.year, column.kind), column))
    if not table.columns:
        if not problems:
            at_header("Filen har inga kolumner med belopp.")
        return table

    names: dict[str, int] = {}
    for number, cells in enumerate(rows[header_index + 1 :], start=header_index + 2):
        _read_row(table, number, cells, names)
    if not table.rows:
        problems.add("Filen har inga budgetposter under rubrikraden.")
    invalid_columns = {position for _, position in table.invalid_cells}
    for column in table.columns:
        if table.sum_row is not None and column.position not in invalid_columns:
            declared, actual = table.sum_row.values[column.position], table.total(column)
            reader.check_sum(problems, table.sum_row.number, column.label, declared, actual, unit)
    return table


def _read_row(table: AllocationTable, number: int, cells: list[reader.Cell], names: dict) -> None:
    name = _BULLET.sub("", reader.cell_text(cells[0])).strip() if cells else ""
    texts = {
        column.position: reader.cell_text(cells[column.position])
        if column.position < len(cells)
        else ""
        for column in table.columns
    }
    problems, name_column = table.problems, table.name_column
    if not name:
        if any(texts.values()):  # else a blank line
            problems.add("namnet saknas.", number, name_column)
        return
    if len(name) > BudgetLine._meta.get_field("name").max_length:
        problems.add("namnet är längre än 200 tecken.", number, name_column)
    row = PreviewRow(number, name, values=dict.fromkeys(texts))
    for column in table.columns:
        text = texts[column.position]
        try:
            row.values[column.position] = (
                parse_amount(text, default_unit=table.unit) if text else None
            )
        except AmountError as error:
            problems.add(str(error), number, column.label)
            table.invalid_cells[number, column.position] = text

    if reader.is_sum_row(name):
        if table.sum_row is not None:
            problems.add(
                f"filen har redan en summarad på rad {table.sum_row.number}.", number, name_column
            )
        table.sum_row = table.sum_row or row
        return
    # The same name twice; names that differ only in their suffix may be different lines
    # ("Trygghetsvärdar (Orminge)", "Trygghetsvärdar (Fisksätra)").
    first = names.setdefault(reader.match_key(name), number)
    if first != number:
        problems.add(f"”{name}” står redan på rad {first}.", number, name_column, "duplicate")
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
                    (self.by_exact, reader.match_key(name)),
                ):
                    if line not in index.setdefault(key, []):
                        index[key].append(line)

    def match(self, name: str) -> tuple[BudgetLine | None, list[BudgetLine]]:
        """The one line `name` means, or None and the lines it could mean."""
        candidates = self.by_name.get(normalise_name(name), [])
        exact = self.by_exact.get(reader.match_key(name), [])
        for lines in (candidates, exact):
            if len(lines) == 1:
                return lines[0], lines
        return None, candidates


def _write(preview: AllocationPreview, by) -> None:
    """Years, lines and amounts are written by the same services as the pages that edit
    them, so their rules (locks, deciding body, order, a changed proposal becomes a
    draft) hold and are checked nowhere else."""
    target = preview.target
    if not preview.columns:
        return  # the file's headers are the problem
    if target.instance is not None:
        # Under a lock on the package, what is stored is what the database allowed then.
        if not Package.objects.select_for_update().filter(pk=target.instance.pk).exists():
            raise ImportFailed([ImportProblem("Paketet finns inte längre.")])
        list(PackageYear.objects.select_for_update().filter(package=target.instance))
        _load_package(preview, target.instance)
    _match_rows(preview)
    organisation = target.organisation or create(
        Organisation(name=target.organisation_name, amount_unit=preview.unit)
    )
    preview.package = target.instance or create(
        Package(organisation=organisation, name=target.name)
    )
    years = _write_years(preview, by)
    _write_line_years(preview)
    lines = _write_new_lines(preview, years, by)
    for column in preview.columns:
        if column.year in years:
            _write_column(preview, column, years[column.year], lines, by)


def _load_package(preview: AllocationPreview, package: Package) -> None:
    lines = BudgetLine.objects.filter(package=package).prefetch_related("labels")
    preview.lines = list(lines.order_by("order", "pk"))
    preview.years = {year.year: year for year in PackageYear.objects.filter(package=package)}
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
    matcher = _LineMatcher(preview.lines)
    lines_by_pk = {line.pk: line for line in preview.lines}
    used: dict[int, int] = {}  # line pk -> the file row that has it
    package, name_column = preview.target.name, preview.table.name_column
    for file_row in preview.table.rows:
        row, number = replace(file_row, cells=[]), file_row.number
        line, candidates = matcher.match(row.name)
        message = code = None
        if number in preview.mapping:
            choice = preview.mapping[number]
            row.new, row.line = choice is None, lines_by_pk.get(choice)
            if not row.new and row.line is None:
                message, code = f"den valda budgetposten finns inte i {package}.", "invalid"
        elif line is not None:
            row.line = line
        elif len(candidates) > 1:
            names = ", ".join(candidate.name for candidate in candidates)
            message = f"”{row.name}” kan vara flera budgetposter: {names}. Välj vilken."
            code = "ambiguous"
        elif preview.create_lines:
            row.new = True
        else:
            message, code = f"”{row.name}” matchar ingen budgetpost i {package}.", "unmatched"
        # The user chooses a line for a name that means none, or more than one.
        row.needs_mapping = code in ("ambiguous", "unmatched")
        if row.line is not None and used.setdefault(row.line.pk, number) != number:
            first = used[row.line.pk]
            message, code = f"samma budgetpost som rad {first}: {row.line.name}.", "duplicate"
        if message:
            preview.problems.add(message, number, name_column, code)
        preview.rows.append(row)


def _refused(preview: AllocationPreview, error: ValidationError, *, row: int, column) -> None:
    """A service's refusal of a whole year, shown at the cell that asked for the change."""
    preview.problems.add(error.messages[0], row, column.label, "decided")


def _write_years(preview: AllocationPreview, by) -> dict[int, PackageYear]:
    """The package's years, with the file's missing years created and frames changed."""
    table, unit = preview.table, preview.unit
    years = dict(preview.years)
    in_file = sorted({column.year for column in preview.columns})
    for year in sorted(set(preview.frames) - set(in_file)):
        preview.problems.add(f"ramen för {year} gäller ett år som filen inte har någon kolumn för.")
    for year in in_file:
        columns = [column for column in preview.columns if column.year == year]
        given, package_year = preview.frames.get(year), years.get(year)
        if package_year is not None:
            if given is None or given == package_year.frame:
                continue
            try:
                ensure_editable(package_year)
            except ValidationError as error:
                _refused(preview, error, row=table.header_row, column=columns[0])
                continue
            preview.notes.append(
                f"Ramen för {year} ändras från {format_amount_with_unit(package_year.frame, unit)} "
                f"till {format_amount_with_unit(given, unit)}."
            )
            package_year.frame = preview.frame_changes[year] = given
            package_year.full_clean()
            package_year.save(update_fields=["frame"])
            continue
        if given is not None:
            new_year = NewYear(given, "angiven ram")
        elif preview.create_years:
            column = min(columns, key=lambda column: _FRAME_KINDS.index(column.kind))
            declared = table.sum_row.values[column.position] if table.sum_row else None
            if declared is not None:
                new_year = NewYear(declared, f"summaraden i kolumnen {column.label}")
            else:
                new_year = NewYear(table.total(column), f"summan av kolumnen {column.label}")
        else:
            message = f"året {year} finns inte i {preview.target.name} och har ingen ram."
            preview.problems.add(
                message, table.header_row, columns[0].label, "missing_year", year=year
            )
            continue
        years[year] = package_year_start(
            package=preview.package, year=year, frame=new_year.frame, source_kind=None, by=by
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
                message = (
                    f"budgetposten {line.name} gäller bara {line.active_from}–{line.active_to}."
                )
                preview.problems.add(message, row.number, column.label, "inactive")
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
        valued = [column for column in by_year if row.values[column.position] is not None]
        column = (valued or by_year)[0]
        if column.year not in years:
            continue  # a missing year, already a problem
        try:
            line = budget_line_add(package_year=years[column.year], name=row.name, by=by)
        except ValidationError as error:
            _refused(preview, error, row=row.number, column=column)
            continue
        lines[row.number] = line
        preview.new_lines.append(line)
    if new_rows:
        preview.notes.append(f"Nya budgetposter: {', '.join(row.name for row in new_rows)}.")
    return lines


def _write_column(preview: AllocationPreview, column, package_year: PackageYear, lines, by):
    changes, first_row = {}, None
    for row in preview.rows:
        value = row.values[column.position]
        line = lines.get(row.number) if row.new else row.line
        if value is None or line is None:
            continue  # an empty cell, or a row still to be mapped
        stored = None if row.new else preview.existing.get((line.pk, column.year, column.kind))
        if stored is not None and stored.amount == value:
            preview.unchanged += 1
            continue
        if stored is None:
            preview.created += 1
        else:
            preview.changed += 1
        changes[line.pk] = value
        first_row = first_row or row.number
    if not changes:
        try:
            ensure_amounts_editable(package_year, column.kind)
        except ValidationError:
            if any(row.values[column.position] is not None for row in preview.rows):
                preview.notes.append(
                    f"Kolumnen {column.label} gäller det beslutade året {column.year}; beloppen "
                    "är desamma som de sparade och lämnas orörda."
                )
        return
    # Saving a proposal makes a year marked förslag a draft again.
    was_proposal = package_year.status == YearStatus.PROPOSAL
    try:
        allocation_save(package_year=package_year, kind=column.kind, amounts=changes, by=by)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise  # a field of one amount: no cell to show it at
        _refused(preview, error, row=first_row, column=column)
        return
    if was_proposal and column.kind == AmountKind.PROPOSAL:
        preview.notes.append(
            f"Förslaget för {column.year} ändras, så året blir utkast igen. Markera det som "
            "förslag när summan stämmer med ramen."
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
        cells = [row.cells[index].kronor for row in preview.rows + preview.other_rows]
        present = [kronor for kronor in cells if kronor is not None]
        total = sum(present) if present else None
        year = preview.years.get(column.year) or preview.new_years.get(column.year)
        frame = preview.frames.get(column.year, year.frame if year else None)
        preview.totals.append(total)
        preview.column_frames.append(frame)
        if frame is not None and total is not None and total > frame:
            message = frame_difference_message(total=total, frame=frame, unit=preview.unit)
            preview.warnings.append(f"Kolumnen {column.label}: {message}.")


class AllocationImportFlow(ImportFlow):
    preview_class = AllocationPreview
    parse = staticmethod(parse_table)
    write = staticmethod(_write)
    lay_out = staticmethod(_lay_out)
    model, done_url_name, namespace = Package, "allocations:package-detail", "allocations"
    permission = "allocations.change_amount"
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

    def upload_fields(self) -> dict:
        label = "Skapa år som saknas i paketet, med filens summarad som ram"
        return {"create_years": forms.BooleanField(label=label, required=False)}

    def upload_options(self, upload: dict, mapping) -> dict:
        return {"mapping": mapping or {}, "create_years": upload["create_years"]}

    def mapping_rows(self, preview) -> list:
        return preview.unmapped_rows

    def mapping_choices(self, preview) -> list:
        return [
            ("", "Välj budgetpost …"),
            ("Befintliga budgetposter", [(str(line.pk), line.name) for line in _offered(preview)]),
            (NEW, "Skapa ny budgetpost"),
        ]


def _offered(preview: AllocationPreview) -> list[BudgetLine]:
    """The lines a row can be mapped to: those in force in a year of the file (a line
    retired before them is not offered as a place for this year's amounts)."""
    years = {column.year for column in preview.columns}
    return [line for line in preview.lines if any(line.is_active_in(year) for year in years)]


FLOW = AllocationImportFlow()
build_preview, preview_file, allocation_import_apply = FLOW.build, FLOW.read, FLOW.apply
