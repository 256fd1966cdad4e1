"""import_allocations FILE --organisation NAME --package NAME [--unit] [--frame] [--create]
[--dry-run]: the browser's import, for scripts. Exit 0 on success, 1 on any error (and
then nothing is stored)."""

from allocations.imports import PackageTarget, preview_file
from allocations.models import Package
from trygghet.amounts import AmountError, parse_amount
from trygghet.imports.command import ImportCommand, ImportRefused, find_by_name, plain


class Command(ImportCommand):
    help = (
        "Läser in en fördelningstabell (CSV eller XLSX) i ett trygghetspaket: första kolumnen "
        "är budgetpostens namn, övriga kolumner Förslag 2024, Budget 2023, Utfall 2023 eller "
        "bara ett år (beslutad budget). Skriver ut tabellen och summorna per kolumn. Inget "
        "sparas om något är fel."
    )
    target_help = "skapa organisation, paket, år och budgetposter som saknas"

    def add_target_arguments(self, parser):
        parser.add_argument("--package", required=True, metavar="NAME", help="paketets namn")
        parser.add_argument(
            "--frame",
            action="append",
            default=[],
            metavar="YEAR=AMOUNT",
            help="ram i kronor för ett år, t.ex. 2024=5000000; kan upprepas",
        )

    def run_import(self, *, content, organisation, options):
        frames = _frames(options["frame"])
        name = options["package"]
        package = None
        if organisation is not None:
            package = find_by_name(Package.objects.filter(organisation=organisation), name)
            if package is None and not options["create"]:
                raise ImportRefused(
                    f"Paketet ”{name}” finns inte hos {organisation.name}. "
                    "Använd --create för att skapa det."
                )
        if package is not None:
            target = PackageTarget.for_package(package)
        else:
            target = PackageTarget(
                organisation.name if organisation else options["organisation"], name, organisation
            )
        return preview_file(
            content=content,
            unit=options["unit"],
            target=target,
            frames=frames,
            create_years=options["create"],
            create_lines=options["create"],
            dry_run=options["dry_run"],
        )

    def print_preview(self, preview) -> None:
        self.write_notes(f"{preview.target.organisation_name}, {preview.target.name}", preview)

        def amounts(cells):
            return [self.amount(cell.kronor, preview.unit) for cell in cells]

        rows = [["Rad", "Budgetpost", *(column.header for column in preview.columns)]]
        for row in preview.rows:
            name = row.line_name + (" *" if row.new else "")
            rows.append([str(row.number), name, *amounts(row.cells)])
        for row in preview.other_rows:
            rows.append(["", f"{row.name} (finns inte i filen)", *amounts(row.cells)])
        rows.append(["", "Summa", *(self.amount(total, preview.unit) for total in preview.totals)])
        rows.append(
            ["", "Ram", *(self.amount(frame, preview.unit) for frame in preview.column_frames)]
        )
        self.write_table(rows, left=(1,))
        if any(row.new for row in preview.rows):
            self.stdout.write("* ny budgetpost")
        self.stdout.write("")
        for warning in preview.warnings:
            self.stdout.write(f"Varning: {plain(warning)}")

    def hint(self, problem) -> str:
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
