"""Read a table of applications into a preview: what would be stored, and every problem.

The table has the columns `Nämnd; Titel; Plats; Fokusområde; Sökt belopp` and, when the
central office has assessed the applications, `Föreslaget belopp; Motivering`. Headers
are matched ignoring case, in any order. A row whose Nämnd is Summa/Totalt is checked
against the rows, never stored.

As in the allocation import, whose file reading and problem format this reuses:
`parse_applications` reads headers, texts and amounts (no database), `build_preview`
matches committees, focus areas and stored applications and applies the assessment
rules. Nothing here writes; `applications.imports.services.application_import_apply`
stores a preview.
"""

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.core.exceptions import ValidationError
from openpyxl.utils import get_column_letter

from allocations.imports.parsing import Cell, ImportProblem, read_table
from allocations.rules import frame_difference_message
from applications.models import Application, ApplicationStatus, Assessment, Round
from applications.rules import assessment_errors, ensure_round_editable
from applications.summary import applications_count, round_summary_sentences
from trygghet.amounts import (
    AmountError,
    format_amount,
    format_amount_with_unit,
    format_plain,
    parse_amount,
)
from trygghet.models import Committee, CommitteeKind, FocusArea, Organisation

COMMITTEE = "committee"
TITLE = "title"
PLACE = "place"
FOCUS_AREA = "focus_area"
APPLIED = "applied"
PROPOSED = "proposed"
MOTIVATION = "motivation"
# The file's columns as the central office's appendix heads them, in their usual order.
COLUMNS = {
    COMMITTEE: "Nämnd",
    TITLE: "Titel",
    PLACE: "Plats",
    FOCUS_AREA: "Fokusområde",
    APPLIED: "Sökt belopp",
    PROPOSED: "Föreslaget belopp",
    MOTIVATION: "Motivering",
}
REQUIRED = (COMMITTEE, TITLE, PLACE, FOCUS_AREA, APPLIED)
AMOUNT_COLUMNS = (APPLIED, PROPOSED)
COLUMNS_HINT = (
    "Filen ska ha kolumnerna Nämnd, Titel, Plats, Fokusområde och Sökt belopp, och kan ha "
    "Föreslaget belopp och Motivering."
)

_HEADERS = {" ".join(header.casefold().split()): key for key, header in COLUMNS.items()}
# Applications the central office has received (as applications.selectors.RECEIVED):
# drafts stay with the applicant and are not counted.
_RECEIVED = {ApplicationStatus.SUBMITTED, ApplicationStatus.RETURNED}
_SUM_ROW = re.compile(r"^(summa|totalt)\b")
_TITLE_LENGTH = Application._meta.get_field("title").max_length
_PLACE_LENGTH = Application._meta.get_field("place").max_length
_COMMITTEE_LENGTH = Committee._meta.get_field("name").max_length


def match_key(text: str) -> str:
    """A name as matched: case and spacing ignored."""
    return " ".join(text.casefold().split())


def committee_kind(name: str) -> str:
    """The kind of a committee the import creates: a stadsdelsnämnd by its name, else a
    facknämnd."""
    if "stadsdelsnämnd" in name.casefold():
        return CommitteeKind.STADSDELSNAMND
    return CommitteeKind.FACKNAMND


@dataclass(frozen=True)
class FileColumn:
    key: str
    header: str  # as written in the file
    position: int  # 0-based

    @property
    def label(self) -> str:
        return f"”{self.header}”"


@dataclass
class ApplicationRow:
    """One application of the file; amounts in kronor, None when the cell is empty or
    no amount. The fields after `invalid` are set when the row is matched."""

    number: int
    committee_name: str = ""
    title: str = ""
    place: str = ""
    focus_area_name: str = ""
    motivation: str = ""
    applied: int | None = None
    proposed: int | None = None
    invalid: dict[str, str] = field(default_factory=dict)  # column key -> the cell's text
    committee: Committee | None = None
    new_committee: bool = False
    focus_area: FocusArea | None = None
    application: Application | None = None  # the stored application the row updates
    assessment: Assessment | None = None  # its stored assessment

    @property
    def committee_label(self) -> str:
        return self.committee.name if self.committee is not None else self.committee_name

    @property
    def focus_area_label(self) -> str:
        return self.focus_area.name if self.focus_area is not None else self.focus_area_name


@dataclass
class ApplicationTable:
    """The file as read, before it is compared with the database."""

    unit: str  # the unit of the file's bare numbers
    header_row: int = 1
    columns: dict[str, FileColumn] = field(default_factory=dict)
    rows: list[ApplicationRow] = field(default_factory=list)
    sum_row: ApplicationRow | None = None
    problems: list[ImportProblem] = field(default_factory=list)

    def label(self, key: str) -> str:
        """How problems name a column: as the file heads it, or by its usual name."""
        column = self.columns.get(key)
        return column.label if column else f"”{COLUMNS[key]}”"

    def total(self, key: str) -> int:
        return sum(getattr(row, key) or 0 for row in self.rows)


@dataclass(frozen=True)
class RoundTarget:
    """Where the applications go. The objects are None when the command line creates them."""

    organisation_name: str
    round_name: str
    year: int
    organisation: Organisation | None = None
    round: Round | None = None

    @classmethod
    def for_round(cls, round_: Round) -> "RoundTarget":
        return cls(
            organisation_name=round_.organisation.name,
            round_name=round_.name,
            year=round_.year,
            organisation=round_.organisation,
            round=round_,
        )


@dataclass
class ApplicationImportPreview:
    """The applications as they would be stored, the round's totals after the import and
    every problem: what `application_import_apply` would do."""

    table: ApplicationTable
    target: RoundTarget
    create: bool
    frame: int | None  # a frame given in kronor: the new round's, or a new one for the round
    unit: str  # the unit the preview is shown in: the organisation's
    committees: dict[str, Committee] = field(default_factory=dict)  # match key -> committee
    new_committees: dict[str, str] = field(default_factory=dict)  # match key -> name
    rows: list[ApplicationRow] = field(default_factory=list)
    other_applications: list[Application] = field(default_factory=list)
    frame_change: int | None = None
    application_count: int = 0
    applied_total: int = 0
    proposed_count: int = 0
    proposed_total: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def has_assessments(self) -> bool:
        return PROPOSED in self.table.columns or MOTIVATION in self.table.columns

    @property
    def file_applied_total(self) -> int:
        return self.table.total(APPLIED)

    @property
    def file_proposed_total(self) -> int | None:
        if not any(row.proposed is not None for row in self.rows):
            return None
        return self.table.total(PROPOSED)

    @property
    def updated_rows(self) -> list[ApplicationRow]:
        return [row for row in self.rows if row.application is not None]

    @property
    def summary_sentences(self) -> list[str]:
        """The round after the import, in the documents' words."""
        return round_summary_sentences(
            application_count=self.application_count,
            applied_total=self.applied_total,
            proposed_count=self.proposed_count,
            proposed_total=self.proposed_total,
            unit=self.unit,
        )

    def rebuilt(self, *, target: RoundTarget | None = None) -> "ApplicationImportPreview":
        """The same import checked again against the database as it is now."""
        return build_preview(
            table=self.table, target=target or self.target, create=self.create, frame=self.frame
        )


# Reading the table


def _text(cell: Cell) -> str:
    if isinstance(cell, Decimal):
        return format_plain(cell)
    return " ".join((cell or "").split())


def _long_text(cell: Cell) -> str:
    """A free text such as a motivation: its own line breaks kept."""
    if isinstance(cell, Decimal):
        return format_plain(cell)
    return "\n".join(line.strip() for line in (cell or "").strip().splitlines())


def _cell(cells: list[Cell], column: FileColumn | None) -> Cell:
    if column is None or column.position >= len(cells):
        return ""
    return cells[column.position]


def _find_header_row(rows: list[list[Cell]]) -> int:
    """The first row with a known header; title rows above it are skipped. Without any,
    the first non-empty row."""
    for index, cells in enumerate(rows):
        if any(match_key(_text(cell)) in _HEADERS for cell in cells):
            return index
    return next(index for index, cells in enumerate(rows) if any(map(_text, cells)))


def parse_applications(rows: list[list[Cell]], *, unit: str) -> ApplicationTable:
    """Read headers, texts and amounts; bare numbers are in `unit`. Touches no database."""
    if not any(_text(cell) for cells in rows for cell in cells):
        return ApplicationTable(unit=unit, problems=[ImportProblem("Filen är tom.")])
    header_index = _find_header_row(rows)
    header = rows[header_index]
    table = ApplicationTable(unit=unit, header_row=header_index + 1)
    body = rows[header_index + 1 :]
    if not any(match_key(_text(cell)) in _HEADERS for cell in header):
        table.problems.append(
            ImportProblem(f"Rubrikraden saknas. {COLUMNS_HINT}", row=table.header_row)
        )
        return table

    width = max(len(cells) for cells in rows)
    for position in range(width):
        text = _text(header[position]) if position < len(header) else ""
        if not text:
            if any(position < len(cells) and _text(cells[position]) for cells in body):
                table.problems.append(
                    ImportProblem(
                        "Kolumnen har innehåll men ingen rubrik.",
                        row=table.header_row,
                        column=get_column_letter(position + 1),
                        code="header",
                    )
                )
            continue
        key = _HEADERS.get(match_key(text))
        column = FileColumn(key=key or "", header=text, position=position)
        if key is None:
            problem = f"Rubriken känns inte igen. {COLUMNS_HINT}"
        elif key in table.columns:
            problem = f"Samma rubrik som kolumnen {table.columns[key].label}."
        else:
            table.columns[key] = column
            continue
        table.problems.append(
            ImportProblem(problem, row=table.header_row, column=column.label, code="header")
        )
    missing = [key for key in REQUIRED if key not in table.columns]
    for key in missing:
        table.problems.append(
            ImportProblem(
                f"Kolumnen ”{COLUMNS[key]}” saknas. {COLUMNS_HINT}",
                row=table.header_row,
                code="header",
            )
        )
    if missing:
        return table

    for number, cells in enumerate(body, start=header_index + 2):
        _read_row(table, number, cells)
    if not table.rows:
        table.problems.append(ImportProblem("Filen har inga ansökningar under rubrikraden."))
    _check_sum_row(table)
    return table


def _read_row(table: ApplicationTable, number: int, cells: list[Cell]) -> None:
    columns = table.columns
    if not any(_text(_cell(cells, column)) for column in columns.values()):
        return  # a blank line
    row = ApplicationRow(
        number=number,
        committee_name=_text(_cell(cells, columns[COMMITTEE])),
        title=_text(_cell(cells, columns[TITLE])),
        place=_text(_cell(cells, columns[PLACE])),
        focus_area_name=_text(_cell(cells, columns[FOCUS_AREA])),
        motivation=_long_text(_cell(cells, columns.get(MOTIVATION))),
    )
    is_sum_row = bool(_SUM_ROW.match(row.committee_name.casefold()))
    for key in AMOUNT_COLUMNS:
        text = _text(_cell(cells, columns.get(key)))
        if not text and (key == PROPOSED or is_sum_row):
            continue  # no proposal yet; a sum row may leave a sum out
        try:
            setattr(row, key, parse_amount(text, default_unit=table.unit))
        except AmountError as error:
            table.problems.append(ImportProblem(str(error), row=number, column=table.label(key)))
            row.invalid[key] = text

    if is_sum_row:
        if table.sum_row is not None:
            table.problems.append(
                ImportProblem(
                    f"Filen har redan en summarad på rad {table.sum_row.number}.",
                    row=number,
                    column=table.label(COMMITTEE),
                )
            )
        else:
            table.sum_row = row
        return

    for key, value, missing, limit in (
        (COMMITTEE, row.committee_name, "Nämnden saknas.", None),
        (TITLE, row.title, "Titeln saknas.", _TITLE_LENGTH),
        (PLACE, row.place, "Platsen saknas.", _PLACE_LENGTH),
    ):
        if not value:
            table.problems.append(ImportProblem(missing, row=number, column=table.label(key)))
        elif limit and len(value) > limit:
            table.problems.append(
                ImportProblem(
                    f"Texten är {len(value)} tecken lång; högst {limit} får plats.",
                    row=number,
                    column=table.label(key),
                )
            )
    table.rows.append(row)


def _check_sum_row(table: ApplicationTable) -> None:
    if table.sum_row is None:
        return
    for key in AMOUNT_COLUMNS:
        declared = getattr(table.sum_row, key)
        if declared is None or any(key in row.invalid for row in table.rows):
            continue
        actual = table.total(key)
        if declared != actual:
            table.problems.append(
                ImportProblem(
                    f"Summa-raden {format_amount(declared, table.unit)} stämmer inte med "
                    f"radernas summa {format_amount(actual, table.unit)}.",
                    row=table.sum_row.number,
                    column=table.label(key),
                    code="sum",
                )
            )


# Comparing with the round


def build_preview(
    *,
    table: ApplicationTable,
    target: RoundTarget,
    create: bool = False,
    frame: int | None = None,
) -> ApplicationImportPreview:
    """Compare a read table with the round: match committees, focus areas and stored
    applications, check the assessments and sum up the round after the import.

    `create` makes unknown committees new ones (the command's --create); `frame` in
    kronor is the frame of a round to create, or a new frame for the round. Reads in a
    fixed number of queries.
    """
    organisation = target.organisation
    if organisation is not None:
        unit = organisation.amount_unit
    else:
        unit = table.unit if table.unit in ("tkr", "mkr") else "mkr"
    preview = ApplicationImportPreview(
        table=table,
        target=target,
        create=create,
        frame=frame,
        unit=unit,
        problems=list(table.problems),
    )
    _check_round(preview)
    if table.rows:
        existing, focus_areas = _load(preview)
        _match_rows(preview, existing, focus_areas)
        _sum_up(preview, existing)
    # File order: the problems of a row together, as the user reads the file.
    preview.problems.sort(key=lambda problem: problem.row or 0)
    return preview


def _check_round(preview: ApplicationImportPreview) -> None:
    target = preview.target
    if target.organisation is None:
        preview.notes.append(f"Ny organisation: {target.organisation_name}.")
    round_ = target.round
    if round_ is None:
        if preview.frame is None:
            preview.problems.append(
                ImportProblem(
                    f"Omgången ”{target.round_name}” finns inte och har ingen ram.",
                    code="missing_frame",
                )
            )
        else:
            preview.notes.append(
                f"Ny omgång: {target.round_name} ({target.year}) med ramen "
                f"{format_amount_with_unit(preview.frame, preview.unit)}."
            )
        return
    try:
        ensure_round_editable(round_)
    except ValidationError as error:
        preview.problems.append(ImportProblem(error.messages[0], code="decided"))
        return
    if preview.frame is not None and preview.frame != round_.frame:
        preview.frame_change = preview.frame
        preview.notes.append(
            f"Ramen för {round_.name} ändras från "
            f"{format_amount_with_unit(round_.frame, preview.unit)} till "
            f"{format_amount_with_unit(preview.frame, preview.unit)}."
        )


def _load(preview: ApplicationImportPreview):
    """The organisation's committees and focus areas and the round's applications (with
    their assessments): three queries, whatever the number of rows."""
    organisation = preview.target.organisation
    focus_areas: dict[str, list[FocusArea]] = {}
    if organisation is not None:
        preview.committees = {
            match_key(committee.name): committee
            for committee in Committee.objects.filter(organisation=organisation)
        }
        for focus_area in (
            FocusArea.objects.filter(programme__organisation=organisation)
            .select_related("programme")
            .order_by("programme__first_year", "order", "pk")
        ):
            focus_areas.setdefault(match_key(focus_area.name), []).append(focus_area)
    existing: list[Application] = []
    if preview.target.round is not None:
        existing = list(
            Application.objects.filter(round=preview.target.round)
            .select_related("assessment")
            .order_by("pk")
        )
    return existing, focus_areas


def _stored_assessment(application: Application) -> Assessment | None:
    try:
        return application.assessment
    except Assessment.DoesNotExist:
        return None


def _match_rows(
    preview: ApplicationImportPreview,
    existing: list[Application],
    focus_areas: dict[str, list[FocusArea]],
) -> None:
    table = preview.table
    organisation_name = preview.target.organisation_name
    stored: dict[tuple[int, str], Application] = {}
    for application in existing:
        stored.setdefault((application.committee_id, match_key(application.title)), application)
    seen: dict[tuple[str, str], int] = {}  # (committee, title) -> the file row that has them
    for file_row in table.rows:
        row = replace(file_row)
        preview.rows.append(row)
        committee_key = match_key(row.committee_name)
        if row.committee_name:
            row.committee = preview.committees.get(committee_key)
            if row.committee is None and preview.create:
                row.new_committee = True
                if len(row.committee_name) > _COMMITTEE_LENGTH:
                    preview.problems.append(
                        ImportProblem(
                            f"Namnet är {len(row.committee_name)} tecken långt; högst "
                            f"{_COMMITTEE_LENGTH} får plats.",
                            row=row.number,
                            column=table.label(COMMITTEE),
                        )
                    )
                preview.new_committees.setdefault(committee_key, row.committee_name)
            elif row.committee is None:
                preview.problems.append(
                    ImportProblem(
                        f"”{row.committee_name}” matchar ingen nämnd hos {organisation_name}.",
                        row=row.number,
                        column=table.label(COMMITTEE),
                        code="unmatched_committee",
                    )
                )
        if row.focus_area_name:
            _match_focus_area(preview, row, focus_areas)

        key = (committee_key, match_key(row.title))
        if row.committee_name and row.title:
            first = seen.setdefault(key, row.number)
            if first != row.number:
                preview.problems.append(
                    ImportProblem(
                        f"Samma nämnd och titel som rad {first}.",
                        row=row.number,
                        column=table.label(TITLE),
                        code="duplicate",
                    )
                )
        if row.committee is not None:
            row.application = stored.get((row.committee.pk, key[1]))
            if row.application is not None:
                row.assessment = _stored_assessment(row.application)
        _check_assessment(preview, row)


def _match_focus_area(
    preview: ApplicationImportPreview, row: ApplicationRow, focus_areas: dict
) -> None:
    candidates = focus_areas.get(match_key(row.focus_area_name), [])
    if len(candidates) > 1:
        # The same focus area in two programmes: the one in force the round's year.
        year = preview.target.year
        candidates = [
            focus_area
            for focus_area in candidates
            if focus_area.programme.first_year <= year <= focus_area.programme.last_year
        ] or candidates
    if len(candidates) == 1:
        row.focus_area = candidates[0]
        return
    if candidates:
        programmes = ", ".join(focus_area.programme.name for focus_area in candidates)
        message = f"”{row.focus_area_name}” finns i flera program: {programmes}."
    else:
        known = sorted({area.name for areas in focus_areas.values() for area in areas})
        message = (
            f"”{row.focus_area_name}” matchar inget fokusområde hos "
            f"{preview.target.organisation_name}."
        )
        if known:
            message += f" Fokusområdena är {', '.join(known)}."
        message += " Lämna cellen tom om ansökan inte gäller något fokusområde."
    preview.problems.append(
        ImportProblem(message, row=row.number, column=preview.table.label(FOCUS_AREA))
    )


def _check_assessment(preview: ApplicationImportPreview, row: ApplicationRow) -> None:
    """A proposed amount (or a motivation) makes an assessment, under the same rule as
    the assessment form: between 0 and the applied amount, motivated when reduced."""
    if row.applied is None or PROPOSED in row.invalid:
        return
    if row.proposed is None and not row.motivation:
        return
    errors = assessment_errors(
        applied=row.applied, proposed=row.proposed, motivation=row.motivation, unit=preview.unit
    )
    for field_name, message in errors.items():
        key = PROPOSED if field_name == "proposed_amount" else MOTIVATION
        preview.problems.append(
            ImportProblem(message, row=row.number, column=preview.table.label(key))
        )


def _sum_up(preview: ApplicationImportPreview, existing: list[Application]) -> None:
    """The round's totals after the import, counted as the round overview counts them:
    the file's rows and the received applications the file leaves alone."""
    in_file = {row.application.pk for row in preview.rows if row.application is not None}
    preview.other_applications = [
        application
        for application in existing
        if application.pk not in in_file and application.status in _RECEIVED
    ]
    proposals = []
    for row in preview.rows:
        if row.proposed is not None:
            proposals.append(row.proposed)
        elif row.assessment is not None:
            proposals.append(row.assessment.proposed_amount)
    for application in preview.other_applications:
        assessment = _stored_assessment(application)
        if assessment is not None:
            proposals.append(assessment.proposed_amount)
    preview.application_count = len(preview.rows) + len(preview.other_applications)
    preview.applied_total = preview.file_applied_total + sum(
        application.applied_amount for application in preview.other_applications
    )
    preview.proposed_count = sum(1 for amount in proposals if amount > 0)
    preview.proposed_total = sum(proposals)

    if preview.new_committees:
        names = ", ".join(
            f"{name} ({CommitteeKind(committee_kind(name)).label.lower()})"
            for name in preview.new_committees.values()
        )
        preview.notes.append(f"Nya nämnder: {names}.")
    if preview.updated_rows:
        preview.notes.append(
            f"{applications_count(len(preview.updated_rows))} finns redan i omgången och "
            "uppdateras."
        )
    if preview.other_applications:
        preview.notes.append(
            f"Omgången har {applications_count(len(preview.other_applications))} som inte "
            "finns i filen; de lämnas orörda och räknas med i summeringen."
        )
    frame = preview.frame if preview.frame is not None else _round_frame(preview)
    if frame is not None and preview.proposed_total > frame:
        message = frame_difference_message(
            total=preview.proposed_total, frame=frame, unit=preview.unit
        )
        preview.warnings.append(f"Föreslagna belopp: {message}.")


def _round_frame(preview: ApplicationImportPreview) -> int | None:
    round_ = preview.target.round
    return round_.frame if round_ is not None else None


def preview_file(
    *,
    content: bytes,
    unit: str,
    target: RoundTarget,
    create: bool = False,
    frame: int | None = None,
) -> ApplicationImportPreview:
    """Read `content` and compare it with the round; raises ImportFileError when the
    file is no table at all."""
    table = parse_applications(read_table(content), unit=unit)
    return build_preview(table=table, target=target, create=create, frame=frame)
