"""import_applications FILE --organisation NAME --round NAME --year YEAR [--frame AMOUNT]
[--unit kr|tkr|mkr] [--create] [--dry-run]: the browser's import, for scripts. Exit 0 on
success, 1 on any error (and then nothing is stored)."""

from pathlib import Path

from allocations.imports.parsing import FILE_UNITS, ImportFileError, ImportProblem, file_unit
from allocations.imports.services import ImportFailed
from applications.imports.parsing import ApplicationImportPreview, RoundTarget, preview_file
from applications.imports.services import application_import_apply
from applications.models import Round
from trygghet.amounts import AmountError, format_amount, parse_amount
from trygghet.import_command import ImportCommand, ImportRefused, plain
from trygghet.models import Organisation


class Command(ImportCommand):
    help = (
        "Läser in ansökningar (CSV eller XLSX) i en ansökningsomgång: kolumnerna Nämnd, Titel, "
        "Plats, Fokusområde och Sökt belopp, och för bedömda ansökningar Föreslaget belopp och "
        "Motivering. Skriver ut tabellen, summorna och omgångens sammanfattning. Inget sparas "
        "om något är fel."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="CSV- eller XLSX-fil")
        parser.add_argument("--organisation", required=True, metavar="NAME", help="kommunens namn")
        parser.add_argument("--round", required=True, metavar="NAME", help="omgångens namn")
        parser.add_argument("--year", required=True, metavar="YEAR", help="omgångens år")
        parser.add_argument(
            "--frame",
            metavar="AMOUNT",
            help="omgångens ram i kronor, t.ex. 60100000; krävs när omgången skapas",
        )
        parser.add_argument(
            "--unit",
            choices=FILE_UNITS,
            help="enhet för tal utan enhet i filen (standard: organisationens enhet)",
        )
        parser.add_argument(
            "--create",
            action="store_true",
            help="skapa organisation, omgång och nämnder som saknas",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="kontrollera och skriv ut, men spara inget"
        )

    def run_import(self, options) -> None:
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as error:
            raise ImportRefused(f"Filen {path} kan inte läsas ({error.strerror}).") from error
        year = _year(options["year"])
        frame = _frame(options["frame"])
        target = _target(options["organisation"], options["round"], year, create=options["create"])
        if target.organisation is not None:
            unit = options["unit"] or file_unit(target.organisation.amount_unit)
        else:
            unit = options["unit"] or "mkr"
        try:
            preview = preview_file(
                content=content, unit=unit, target=target, create=options["create"], frame=frame
            )
        except ImportFileError as error:
            raise ImportRefused(str(error)) from error
        self.apply_and_report(
            preview=preview,
            apply=application_import_apply,
            failed=ImportFailed,
            hint=_with_hint,
            dry_run=options["dry_run"],
        )

    def print_preview(self, preview: ApplicationImportPreview) -> None:
        target = preview.target
        self.stdout.write(
            f"{target.organisation_name}, {target.round_name} ({target.year}). "
            f"Belopp i {preview.unit}."
        )
        for note in preview.notes:
            self.stdout.write(plain(note))
        self.stdout.write("")
        for line in table_lines(preview):
            self.stdout.write(line)
        if preview.updated_rows:
            self.stdout.write("* finns redan i omgången och uppdateras")
        self.stdout.write("")
        for sentence in preview.summary_sentences:
            self.stdout.write(plain(sentence))
        for warning in preview.warnings:
            self.stdout.write(f"Varning: {plain(warning)}")


def table_lines(preview: ApplicationImportPreview) -> list[str]:
    """The file's applications as aligned text, with the sums of the amount columns."""

    def amount(kronor: int | None) -> str:
        return plain(format_amount(kronor, preview.unit)) if kronor is not None else "–"

    rows = [["Rad", "Nämnd", "Titel", "Sökt", "Föreslaget"]]
    for row in preview.rows:
        title = row.title + (" *" if row.application is not None else "")
        rows.append(
            [str(row.number), row.committee_label, title, amount(row.applied), amount(row.proposed)]
        )
    rows.append(
        ["", "Summa", "", amount(preview.file_applied_total), amount(preview.file_proposed_total)]
    )
    widths = [max(len(row[index]) for row in rows) for index in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [
            cell.ljust(widths[index]) if index in (1, 2) else cell.rjust(widths[index])
            for index, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
    return lines


def _with_hint(problem: ImportProblem) -> str:
    if problem.code == "unmatched_committee":
        return f"{problem} Använd --create för att skapa nämnden."
    if problem.code == "missing_frame":
        return f"{problem} Ange ramen i kronor med --frame BELOPP, till exempel --frame 60100000."
    return str(problem)


def _year(value: str) -> int:
    text = value.strip()
    if not (text.isdigit() and len(text) == 4):
        raise ImportRefused(f"--year {value}: skriv året med fyra siffror, till exempel 2024.")
    return int(text)


def _frame(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return parse_amount(value, default_unit="kr")
    except AmountError as error:
        raise ImportRefused(f"--frame {value}: {error}") from error


def _target(organisation_name: str, round_name: str, year: int, *, create: bool) -> RoundTarget:
    organisation = (
        Organisation.objects.filter(name=organisation_name).first()
        or Organisation.objects.filter(name__iexact=organisation_name).first()
    )
    if organisation is None and not create:
        raise ImportRefused(
            f"Organisationen ”{organisation_name}” finns inte. Använd --create för att skapa den."
        )
    round_ = None
    if organisation is not None:
        rounds = Round.objects.filter(organisation=organisation).select_related("organisation")
        round_ = (
            rounds.filter(name=round_name).first() or rounds.filter(name__iexact=round_name).first()
        )
    if round_ is None and not create:
        raise ImportRefused(
            f"Omgången ”{round_name}” finns inte hos {organisation.name}. "
            "Använd --create för att skapa den."
        )
    if round_ is not None and round_.year != year:
        raise ImportRefused(f"Omgången ”{round_.name}” gäller {round_.year}, inte {year}.")
    return RoundTarget(
        organisation_name=organisation.name if organisation else organisation_name,
        round_name=round_.name if round_ else round_name,
        year=year,
        organisation=organisation,
        round=round_,
    )
