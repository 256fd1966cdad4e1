"""import_allocations FILE --organisation NAME --package NAME [--unit] [--frame] [--create]
[--dry-run]: the browser's import, for scripts. Exit 0 on success, 1 on any error (and
then nothing is stored)."""

from pathlib import Path

from allocations.imports.parsing import (
    FILE_UNITS,
    ImportFileError,
    ImportPreview,
    ImportProblem,
    ImportTarget,
    file_unit,
    preview_file,
)
from allocations.imports.services import ImportFailed, allocation_import_apply
from allocations.models import Package
from trygghet.amounts import AmountError, format_amount, parse_amount
from trygghet.import_command import ImportCommand, ImportRefused, plain
from trygghet.models import Organisation


class Command(ImportCommand):
    help = (
        "Läser in en fördelningstabell (CSV eller XLSX) i ett trygghetspaket: första kolumnen "
        "är budgetpostens namn, övriga kolumner Förslag 2024, Budget 2023, Utfall 2023 eller "
        "bara ett år (beslutad budget). Skriver ut tabellen och summorna per kolumn. Inget "
        "sparas om något är fel."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="CSV- eller XLSX-fil")
        parser.add_argument("--organisation", required=True, metavar="NAME", help="kommunens namn")
        parser.add_argument("--package", required=True, metavar="NAME", help="paketets namn")
        parser.add_argument(
            "--unit",
            choices=FILE_UNITS,
            help="enhet för tal utan enhet i filen (standard: organisationens enhet)",
        )
        parser.add_argument(
            "--frame",
            action="append",
            default=[],
            metavar="YEAR=AMOUNT",
            help="ram i kronor för ett år, t.ex. 2024=5000000; kan upprepas",
        )
        parser.add_argument(
            "--create",
            action="store_true",
            help="skapa organisation, paket, år och budgetposter som saknas",
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
        frames = _frames(options["frame"])
        target = _target(options["organisation"], options["package"], create=options["create"])
        if target.organisation is not None:
            unit = options["unit"] or file_unit(target.organisation.amount_unit)
        else:
            unit = options["unit"] or "mkr"
        try:
            preview = preview_file(
                content=content,
                unit=unit,
                target=target,
                frames=frames,
                create_years=options["create"],
                create_lines=options["create"],
            )
        except ImportFileError as error:
            raise ImportRefused(str(error)) from error
        self.apply_and_report(
            preview=preview,
            apply=allocation_import_apply,
            failed=ImportFailed,
            hint=_with_hint,
            dry_run=options["dry_run"],
        )

    def print_preview(self, preview: ImportPreview) -> None:
        target = preview.target
        self.stdout.write(
            f"{target.organisation_name}, {target.package_name}. Belopp i {preview.unit}."
        )
        for note in preview.notes:
            self.stdout.write(plain(note))
        self.stdout.write("")
        for line in table_lines(preview):
            self.stdout.write(line)
        if any(row.new for row in preview.rows):
            self.stdout.write("* ny budgetpost")
        self.stdout.write("")
        for warning in preview.warnings:
            self.stdout.write(f"Varning: {plain(warning)}")


def table_lines(preview: ImportPreview) -> list[str]:
    """The resulting table as aligned text, with the sums and frames per column."""

    def amount(kronor: int | None) -> str:
        return plain(format_amount(kronor, preview.unit)) if kronor is not None else "–"

    rows = [["Rad", "Budgetpost", *(column.header for column in preview.columns)]]
    for row in preview.rows:
        name = row.line_name + (" *" if row.new else "")
        rows.append([str(row.number), name, *(amount(cell.kronor) for cell in row.cells)])
    for row in preview.other_rows:
        rows.append(
            ["", f"{row.name} (finns inte i filen)", *(amount(c.kronor) for c in row.cells)]
        )
    rows.append(["", "Summa", *(amount(total) for total in preview.totals)])
    rows.append(["", "Ram", *(amount(frame) for frame in preview.column_frames)])
    widths = [max(len(row[index]) for row in rows) for index in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [
            cell.ljust(widths[index]) if index == 1 else cell.rjust(widths[index])
            for index, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
    return lines


def _with_hint(problem: ImportProblem) -> str:
    if problem.code == "missing_year":
        return f"{problem} Ange ramen med --frame {problem.year}=BELOPP eller använd --create."
    if problem.code == "unmatched":
        return f"{problem} Använd --create för att skapa budgetposten."
    if problem.code == "ambiguous":
        return f"{problem} Skriv budgetpostens hela namn i filen."
    return str(problem)


def _frames(values: list[str]) -> dict[int, int]:
    frames = {}
    for value in values:
        year_text, separator, amount_text = value.partition("=")
        if not separator or not year_text.strip().isdigit() or len(year_text.strip()) != 4:
            raise ImportRefused(
                f"--frame {value}: skriv ÅR=BELOPP i kronor, till exempel 2024=5000000."
            )
        try:
            frames[int(year_text)] = parse_amount(amount_text, default_unit="kr")
        except AmountError as error:
            raise ImportRefused(f"--frame {value}: {error}") from error
    return frames


def _target(organisation_name: str, package_name: str, *, create: bool) -> ImportTarget:
    organisation = (
        Organisation.objects.filter(name=organisation_name).first()
        or Organisation.objects.filter(name__iexact=organisation_name).first()
    )
    if organisation is None and not create:
        raise ImportRefused(
            f"Organisationen ”{organisation_name}” finns inte. Använd --create för att skapa den."
        )
    package = None
    if organisation is not None:
        packages = Package.objects.filter(organisation=organisation).select_related("organisation")
        package = (
            packages.filter(name=package_name).first()
            or packages.filter(name__iexact=package_name).first()
        )
    if package is None and not create:
        raise ImportRefused(
            f"Paketet ”{package_name}” finns inte hos {organisation.name}. "
            "Använd --create för att skapa det."
        )
    return ImportTarget(
        organisation_name=organisation.name if organisation else organisation_name,
        package_name=package.name if package else package_name,
        organisation=organisation,
        package=package,
    )
