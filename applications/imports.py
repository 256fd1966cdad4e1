"""Importing a round's applications (CSV or XLSX), with the central office's proposals.

The table has the columns `Nämnd; Titel; Plats; Fokusområde; Sökt belopp` and, when the
central office has assessed the applications, `Föreslaget belopp; Motivering`. Headers
are matched ignoring case, in any order. A row whose Nämnd is Summa/Totalt is checked
against the rows, never stored.

`parse_applications` reads the file; `build_preview` matches committees, focus areas and
stored applications and writes them, rolled back unless the import is stored.
"""

import copy
import datetime
from dataclasses import dataclass, field, replace

from django.core.exceptions import ValidationError
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from allocations.rules import frame_difference_message
from applications.models import Application, ApplicationStatus, Assessment, Round, RoundStatus
from applications.rules import assessment_errors
from applications.selectors import round_summary
from applications.services import round_save
from applications.summary import applications_count, round_summary_sentences
from trygghet.amounts import AmountError, format_amount_with_unit, parse_amount
from trygghet.imports import reader
from trygghet.imports.flow import ImportFailed, ImportFlow, ImportPreview, count, create
from trygghet.imports.reader import ImportProblem, Problems
from trygghet.locks import ensure_editable
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

_HEADERS = {reader.match_key(header): key for key, header in COLUMNS.items()}
_COMMITTEE_LENGTH = Committee._meta.get_field("name").max_length
# Checked when the rows were matched (under the round's lock) and by the database's
# foreign keys; validating them again costs a query per row.
_MATCHED = ["round", "committee", "focus_area", "consulted_committee", "application", "assessor"]


def committee_kind(name: str) -> str:
    """The kind of a committee the import creates: a stadsdelsnämnd by its name, else a
    facknämnd."""
    if "stadsdelsnämnd" in name.casefold():
        return CommitteeKind.STADSDELSNAMND
    return CommitteeKind.FACKNAMND


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


@dataclass
class ApplicationTable:
    """The file as read, before it is compared with the database."""

    unit: str  # the unit of the file's bare numbers
    header_row: int = 1
    columns: dict[str, tuple[int, str]] = field(default_factory=dict)  # key -> position, header
    rows: list[ApplicationRow] = field(default_factory=list)
    sum_row: ApplicationRow | None = None
    problems: Problems = field(default_factory=Problems)

    def label(self, key: str) -> str:
        """How problems name a column: as the file heads it, or by its usual name."""
        return f"”{self.columns[key][1] if key in self.columns else COLUMNS[key]}”"

    def total(self, key: str) -> int:
        return sum(getattr(row, key) or 0 for row in self.rows)


@dataclass(kw_only=True)
class ApplicationPreview(ImportPreview):
    """The applications as the import writes them, the round's totals after it (as
    `round_summary` counts them) and every problem."""

    table: ApplicationTable
    create: bool = False  # unknown committees are created (the command's --create)
    frame: int | None = None  # in kronor: the frame of a round to create, or a new one
    committees: dict[str, Committee] = field(default_factory=dict)  # match key -> committee
    new_committees: dict[str, str] = field(default_factory=dict)  # match key -> name
    rows: list[ApplicationRow] = field(default_factory=list)
    round: Round | None = None  # once written
    created: list[Application] = field(default_factory=list)
    updated: list[Application] = field(default_factory=list)
    assessments: int = 0
    summary_sentences: list[str] = field(default_factory=list)

    @property
    def has_assessments(self) -> bool:
        return PROPOSED in self.table.columns or MOTIVATION in self.table.columns

    @property
    def totals(self) -> list[int | None]:
        """The file's applied and proposed totals; None when no row has a proposal."""
        proposed = any(row.proposed is not None for row in self.rows)
        return [self.table.total(APPLIED), self.table.total(PROPOSED) if proposed else None]

    def summary(self) -> str:
        """In Swedish: "5 nya ansökningar, 0 uppdaterade ansökningar och 4 bedömningar"."""
        return count(
            (len(self.created), "ny ansökan", "nya ansökningar", True),
            (len(self.updated), "uppdaterad ansökan", "uppdaterade ansökningar", True),
            (self.assessments, "bedömning", "bedömningar", True),
            (len(self.new_committees), "ny nämnd", "nya nämnder"),
        )


# Reading the table


def parse_applications(rows: list[list[reader.Cell]], *, unit: str) -> ApplicationTable:
    """Read headers, texts and amounts; bare numbers are in `unit`. Touches no database."""
    header_index = reader.find_header_row(rows, lambda _, text: reader.match_key(text) in _HEADERS)
    table = ApplicationTable(unit=unit, header_row=header_index + 1)
    problems, header_row = table.problems, header_index + 1
    if not any(reader.match_key(reader.cell_text(cell)) in _HEADERS for cell in rows[header_index]):
        problems.add(f"Rubrikraden saknas. {COLUMNS_HINT}", header_row)
        return table
    unheaded = "Kolumnen har innehåll men ingen rubrik."
    for position, text in reader.headers(rows, header_index, problems, unheaded=unheaded):
        key = _HEADERS.get(reader.match_key(text))
        if key is None:
            problems.add(
                f"Rubriken känns inte igen. {COLUMNS_HINT}", header_row, f"”{text}”", "header"
            )
        elif key in table.columns:
            message = f"Samma rubrik som kolumnen {table.label(key)}."
            problems.add(message, header_row, f"”{text}”", "header")
        else:
            table.columns[key] = (position, text)
    missing = [key for key in REQUIRED if key not in table.columns]
    for key in missing:
        problems.add(f"Kolumnen ”{COLUMNS[key]}” saknas. {COLUMNS_HINT}", header_row, code="header")
    if missing:
        return table

    for number, cells in enumerate(rows[header_index + 1 :], start=header_index + 2):
        _read_row(table, number, cells)
    if not table.rows:
        problems.add("Filen har inga ansökningar under rubrikraden.")
    for key in AMOUNT_COLUMNS:
        sum_row = table.sum_row
        if sum_row is not None and not any(key in row.invalid for row in table.rows):
            declared, actual = getattr(sum_row, key), table.total(key)
            reader.check_sum(problems, sum_row.number, table.label(key), declared, actual, unit)
    return table


def _read_row(table: ApplicationTable, number: int, cells: list[reader.Cell]) -> None:
    def cell(key: str) -> reader.Cell:
        position, _ = table.columns.get(key, (len(cells), ""))
        return cells[position] if position < len(cells) else ""  # "" for a missing column

    if not any(reader.cell_text(cell(key)) for key in table.columns):
        return  # a blank line
    row = ApplicationRow(
        number,
        *(reader.cell_text(cell(key)) for key in (COMMITTEE, TITLE, PLACE, FOCUS_AREA)),
        motivation=reader.long_text(cell(MOTIVATION)),
    )
    problems, sum_row = table.problems, reader.is_sum_row(row.committee_name)
    for key in AMOUNT_COLUMNS:
        text = reader.cell_text(cell(key))
        if not text and (key == PROPOSED or sum_row):
            continue  # no proposal yet; a sum row may leave a sum out
        try:
            setattr(row, key, parse_amount(text, default_unit=table.unit))
        except AmountError as error:
            problems.add(str(error), number, table.label(key))
            row.invalid[key] = text

    if sum_row:
        if table.sum_row is not None:
            message = f"Filen har redan en summarad på rad {table.sum_row.number}."
            problems.add(message, number, table.label(COMMITTEE))
        table.sum_row = table.sum_row or row
        return
    for key, value, missing in (
        (COMMITTEE, row.committee_name, "Nämnden saknas."),
        (TITLE, row.title, "Titeln saknas."),
        (PLACE, row.place, "Platsen saknas."),
    ):
        limit = None if key == COMMITTEE else Application._meta.get_field(key).max_length
        if not value:
            problems.add(missing, number, table.label(key))
        elif limit and len(value) > limit:
            message = f"Texten är {len(value)} tecken lång; högst {limit} får plats."
            problems.add(message, number, table.label(key))
    table.rows.append(row)


# Comparing with the round and writing


def _write(preview: ApplicationPreview, by) -> None:
    """The round, its committees, applications and assessments, written under a lock on
    the round; the rules of a round (locks, assessments) are the applications app's."""
    target, unit = preview.target, preview.unit
    round_ = target.instance
    if round_ is not None:
        # Under a lock on the round, what is stored is what the database allowed then.
        round_ = Round.objects.select_for_update().filter(pk=round_.pk).first()
        if round_ is None:
            raise ImportFailed([ImportProblem("Omgången finns inte längre.")])
        round_.organisation = target.organisation
        try:
            ensure_editable(round_)
        except ValidationError as error:
            preview.problems.add(error.messages[0], code="decided")
            return
    if not preview.table.rows:
        return
    _match_rows(preview)
    organisation = target.organisation
    if organisation is None:
        organisation = create(Organisation(name=target.organisation_name, amount_unit=unit))
        preview.notes.append(f"Ny organisation: {target.organisation_name}.")
    if round_ is None and preview.frame is None:
        message = f"Omgången ”{target.name}” finns inte och har ingen ram."
        preview.problems.add(message, code="missing_frame")
        return
    if round_ is None:
        round_ = _round_create(organisation=organisation, target=target, frame=preview.frame)
        preview.notes.append(
            f"Ny omgång: {target.name} ({target.year}) med ramen "
            f"{format_amount_with_unit(preview.frame, unit)}."
        )
    elif preview.frame is not None and preview.frame != round_.frame:
        preview.notes.append(
            f"Ramen för {round_.name} ändras från {format_amount_with_unit(round_.frame, unit)} "
            f"till {format_amount_with_unit(preview.frame, unit)}."
        )
        round_.frame = preview.frame
        round_.full_clean()
        round_.save(update_fields=["frame"])
    preview.round = round_
    _write_applications(preview, organisation, by)
    _sum_up(preview, round_)


def _match_rows(preview: ApplicationPreview) -> None:
    """Match committees, focus areas and stored applications: three queries, whatever
    the number of rows."""
    organisation, table, problems = preview.target.organisation, preview.table, preview.problems
    focus_areas: dict[str, list[FocusArea]] = {}
    stored: dict[tuple[int, str], Application] = {}
    if organisation is not None:
        committees = Committee.objects.filter(organisation=organisation)
        preview.committees = {
            reader.match_key(committee.name): committee for committee in committees
        }
        for focus_area in (
            FocusArea.objects.filter(programme__organisation=organisation)
            .select_related("programme")
            .order_by("programme__first_year", "order", "pk")
        ):
            focus_areas.setdefault(reader.match_key(focus_area.name), []).append(focus_area)
    if preview.target.instance is not None:
        applications = Application.objects.filter(round=preview.target.instance)
        for application in applications.select_related("assessment").order_by("pk"):
            stored.setdefault(
                (application.committee_id, reader.match_key(application.title)), application
            )
    seen: dict[tuple[str, str], int] = {}  # (committee, title) -> the file row that has them
    for row in map(replace, table.rows):
        preview.rows.append(row)
        committee_key = reader.match_key(row.committee_name)
        row.committee = preview.committees.get(committee_key)
        if row.committee_name and row.committee is None and preview.create:
            row.new_committee = True
            preview.new_committees.setdefault(committee_key, row.committee_name)
            if len(row.committee_name) > _COMMITTEE_LENGTH:
                message = (
                    f"Namnet är {len(row.committee_name)} tecken långt; högst "
                    f"{_COMMITTEE_LENGTH} får plats."
                )
                problems.add(message, row.number, table.label(COMMITTEE))
        elif row.committee_name and row.committee is None:
            message = (
                f"”{row.committee_name}” matchar ingen nämnd hos "
                f"{preview.target.organisation_name}."
            )
            problems.add(message, row.number, table.label(COMMITTEE), "unmatched_committee")
        if row.focus_area_name:
            _match_focus_area(preview, row, focus_areas)
        key = (committee_key, reader.match_key(row.title))
        if row.committee_name and row.title and seen.setdefault(key, row.number) != row.number:
            message = f"Samma nämnd och titel som rad {seen[key]}."
            problems.add(message, row.number, table.label(TITLE), "duplicate")
        if row.committee is not None:
            row.application = stored.get((row.committee.pk, key[1]))
            # None where there is none: a missing one-to-one is also an AttributeError.
            row.assessment = getattr(row.application, "assessment", None)
        _check_assessment(preview, row)


def _match_focus_area(preview: ApplicationPreview, row: ApplicationRow, focus_areas: dict) -> None:
    candidates = focus_areas.get(reader.match_key(row.focus_area_name), [])
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
        organisation = preview.target.organisation_name
        message = f"”{row.focus_area_name}” matchar inget fokusområde hos {organisation}."
        if known:
            message += f" Fokusområdena är {', '.join(known)}."
        message += " Lämna cellen tom om ansökan inte gäller något fokusområde."
    preview.problems.add(message, row.number, preview.table.label(FOCUS_AREA))


def _check_assessment(preview: ApplicationPreview, row: ApplicationRow) -> None:
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
        preview.problems.add(message, row.number, preview.table.label(key))


def _write_applications(preview: ApplicationPreview, organisation: Organisation, by) -> None:
    committees = {
        key: create(Committee(organisation=organisation, name=name, kind=committee_kind(name)))
        for key, name in preview.new_committees.items()
    }
    if preview.new_committees:
        names = ", ".join(
            f"{name} ({CommitteeKind(committee_kind(name)).label.lower()})"
            for name in preview.new_committees.values()
        )
        preview.notes.append(f"Nya nämnder: {names}.")
    refused = {problem.row for problem in preview.problems}  # shown, not written
    now = timezone.now()
    written = []
    for row in preview.rows:
        if row.number in refused:
            continue
        committee = row.committee or committees[reader.match_key(row.committee_name)]
        application = row.application
        if application is None:
            application = Application(round=preview.round, committee=committee, title=row.title)
            preview.created.append(application)
        else:
            # The round and committee it was matched by; set so that clean() loads neither.
            application.round, application.committee = preview.round, committee
            application.version += 1  # an open form of it is out of date now
            preview.updated.append(application)
        application.place = row.place
        application.focus_area = row.focus_area
        application.applied_amount = row.applied
        application.status = ApplicationStatus.SUBMITTED
        # A stored application keeps the time it was first sent in.
        application.submitted_at = application.submitted_at or now
        application.full_clean(exclude=_MATCHED, validate_constraints=False)
        written.append((row, application))
    # In bulk, and with history: the Ändringshistorik names the importing user.
    bulk_create_with_history(preview.created, Application, default_user=by)
    fields = ["place", "focus_area", "applied_amount", "status", "submitted_at", "version"]
    bulk_update_with_history(preview.updated, Application, fields, default_user=by)

    new, changed = [], []
    for row, application in written:
        if row.proposed is None:
            continue  # an empty cell leaves a stored assessment alone
        # A copy: the preview shows the stored proposal next to the new one.
        assessment = copy.copy(row.assessment) if row.assessment else Assessment()
        assessment.application = application
        assessment.proposed_amount = row.proposed
        assessment.motivation = row.motivation
        assessment.assessor = by
        assessment.assessed_at = now
        if assessment.pk:
            assessment.version += 1
        assessment.full_clean(exclude=_MATCHED, validate_constraints=False)
        (changed if assessment.pk else new).append(assessment)
    bulk_create_with_history(new, Assessment, default_user=by)
    fields = ["proposed_amount", "motivation", "assessor", "assessed_at", "version"]
    bulk_update_with_history(changed, Assessment, fields, default_user=by)
    preview.assessments = len(new) + len(changed)


def _sum_up(preview: ApplicationPreview, round_: Round) -> None:
    """The round after the import, summed up as its own page sums it."""
    summary = round_summary(round_=round_)
    preview.summary_sentences = round_summary_sentences(
        application_count=summary.application_count,
        applied_total=summary.applied_total,
        proposed_count=summary.proposed_count,
        proposed_total=summary.proposed_total,
        unit=preview.unit,
    )
    if preview.updated:
        updated = applications_count(len(preview.updated))
        preview.notes.append(f"{updated} finns redan i omgången och uppdateras.")
    others = summary.application_count - len(preview.created) - len(preview.updated)
    if others:
        preview.notes.append(
            f"Omgången har {applications_count(others)} som inte finns i filen; de lämnas "
            "orörda och räknas med i summeringen."
        )
    if summary.proposed_total > round_.frame:
        message = frame_difference_message(
            total=summary.proposed_total, frame=round_.frame, unit=preview.unit
        )
        preview.warnings.append(f"Föreslagna belopp: {message}.")


def _round_create(*, organisation: Organisation, target, frame: int) -> Round:
    """A round the command line creates for the file: the whole year, with the default
    criteria, and in assessment, since the file brings the applications."""
    round_ = round_save(
        organisation=organisation,
        name=target.name,
        year=target.year,
        frame=frame,
        opens_on=datetime.date(target.year, 1, 1),
        closes_on=datetime.date(target.year, 12, 31),
    )
    round_.status = RoundStatus.ASSESSMENT
    round_.save(update_fields=["status"])
    return round_


class ApplicationImportFlow(ImportFlow):
    preview_class = ApplicationPreview
    parse = staticmethod(parse_applications)
    write = staticmethod(_write)
    model, done_url_name, namespace = Round, "applications:round-detail", "applications"
    permission = "applications.change_round"
    locked_whole = True
    concurrent_change = (
        "Omgången ändrades av någon annan medan importen sparades. Inget har sparats; försök igen."
    )
    title = "Importera ansökningar"
    lead = "Läs in ansökningar, och gärna stadsledningskontorets förslag, till"
    file_help = (
        "CSV eller XLSX, högst 2 MB. Kolumnerna Nämnd, Titel, Plats, Fokusområde och Sökt "
        "belopp, och för bedömda ansökningar Föreslaget belopp och Motivering."
    )
    saved_anyway = "Ansökningarna sparas ändå."


FLOW = ApplicationImportFlow()
build_preview, preview_file, application_import_apply = FLOW.build, FLOW.read, FLOW.apply
