"""import_allocations FILE --organisation NAME --package NAME [--unit] [--frame] [--create]
[--dry-run]: the browser's import, for scripts. Exit 0 on success, 1 on any error (and
then nothing is stored)."""

from allocations.imports import FLOW
from trygghet.imports.command import ImportCommand, ImportRefused, kronor


class Command(ImportCommand):
    help = (
        "Läser in en fördelningstabell (CSV eller XLSX) i ett trygghetspaket: första kolumnen "
        "är budgetpostens namn, övriga kolumner Förslag 2024, Budget 2023, Utfall 2023 eller "
        "bara ett år (beslutad budget). Skriver ut tabellen och summorna per kolumn. Inget "
        "sparas om något är fel."
    )
    flow, target_names = FLOW, ("Paketet", "det")
    create_help = "skapa organisation, paket, år och budgetposter som saknas"

    def add_target_arguments(self, parser):
        parser.add_argument(
            "--frame",
            action="append",
            default=[],
            metavar="YEAR=AMOUNT",
            help="ram i kronor för ett år, t.ex. 2024=5000000; kan upprepas",
        )

    def run_import(self, content, target, options):
        return self.flow.read(
            content=content,
            unit=options["unit"],
            target=target,
            frames=_frames(options["frame"]),
            create_years=options["create"],
            create_lines=options["create"],
            dry_run=options["dry_run"],
        )

    def heading(self, preview) -> str:
        return f"{preview.target.organisation_name}, {preview.target.name}"

    def print_table(self, preview) -> None:
        unit = preview.unit
        rows = [["Rad", "Budgetpost", *(column.header for column in preview.columns)]]
        for row in preview.rows:
            name = row.line_name + (" *" if row.new else "")
            rows.append(
                [str(row.number), name, *self.amounts(unit, *(c.kronor for c in row.cells))]
            )
        for row in preview.other_rows:
            name = f"{row.name} (finns inte i filen)"
            rows.append(["", name, *self.amounts(unit, *(c.kronor for c in row.cells))])
        rows.append(["", "Summa", *self.amounts(unit, *preview.totals)])
        rows.append(["", "Ram", *self.amounts(unit, *preview.column_frames)])
        self.write_table(rows, left=(1,))
        if any(row.new for row in preview.rows):
            self.stdout.write("* ny budgetpost")
        self.stdout.write("")

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
        frames[int(year_text)] = kronor(f"--frame {value}", amount_text)
    return frames
