"""import_applications FILE --organisation NAME --round NAME --year YEAR [--frame AMOUNT]
[--unit kr|tkr|mkr] [--create] [--dry-run]: the browser's import, for scripts. Exit 0 on
success, 1 on any error (and then nothing is stored)."""

from dataclasses import replace

from applications.imports import FLOW
from trygghet.imports.command import ImportCommand, ImportRefused, kronor, plain


class Command(ImportCommand):
    help = (
        "Läser in ansökningar (CSV eller XLSX) i en ansökningsomgång: kolumnerna Nämnd, Titel, "
        "Plats, Fokusområde och Sökt belopp, och för bedömda ansökningar Föreslaget belopp och "
        "Motivering. Skriver ut tabellen, summorna och omgångens sammanfattning. Inget sparas "
        "om något är fel."
    )
    flow, target_names = FLOW, ("Omgången", "den")
    create_help = "skapa organisation, omgång och nämnder som saknas"

    def add_target_arguments(self, parser):
        parser.add_argument("--year", required=True, metavar="YEAR", help="omgångens år")
        parser.add_argument(
            "--frame",
            metavar="AMOUNT",
            help="omgångens ram i kronor, t.ex. 60100000; krävs när omgången skapas",
        )

    def run_import(self, content, target, options):
        year, frame = _year(options["year"]), options["frame"]
        frame = kronor(f"--frame {frame}", frame) if frame is not None else None
        if target.instance is None:
            target = replace(target, year=year)
        elif target.year != year:
            raise ImportRefused(f"Omgången ”{target.name}” gäller {target.year}, inte {year}.")
        return self.flow.read(
            content=content,
            unit=options["unit"],
            target=target,
            create=options["create"],
            frame=frame,
            dry_run=options["dry_run"],
        )

    def heading(self, preview) -> str:
        target = preview.target
        return f"{target.organisation_name}, {target.name} ({target.year})"

    def print_table(self, preview) -> None:
        rows = [["Rad", "Nämnd", "Titel", "Sökt", "Föreslaget"]]
        for row in preview.rows:
            title = row.title + (" *" if row.application is not None else "")
            amounts = self.amounts(preview.unit, row.applied, row.proposed)
            rows.append([str(row.number), row.committee_label, title, *amounts])
        rows.append(["", "Summa", "", *self.amounts(preview.unit, *preview.totals)])
        self.write_table(rows, left=(1, 2))
        if any(row.application is not None for row in preview.rows):
            self.stdout.write("* finns redan i omgången och uppdateras")
        self.stdout.write("")
        for sentence in preview.summary_sentences:
            self.stdout.write(plain(sentence))

    def hint(self, problem) -> str:
        if problem.code == "unmatched_committee":
            return f"{problem} Använd --create för att skapa nämnden."
        if problem.code == "missing_frame":
            return (
                f"{problem} Ange ramen i kronor med --frame BELOPP, till exempel --frame 60100000."
            )
        return str(problem)


def _year(value: str) -> int:
    text = value.strip()
    if not (text.isdigit() and len(text) == 4):
        raise ImportRefused(f"--year {value}: skriv året med fyra siffror, till exempel 2024.")
    return int(text)
