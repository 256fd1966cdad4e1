"""import_applications FILE --organisation NAME --round NAME --year YEAR [--frame AMOUNT]
[--unit kr|tkr|mkr] [--create] [--dry-run]: the browser's import, for scripts. Exit 0 on
success, 1 on any error (and then nothing is stored)."""

from applications.imports import RoundTarget, preview_file
from applications.models import Round
from trygghet.amounts import AmountError, parse_amount
from trygghet.imports.command import ImportCommand, ImportRefused, find_by_name, plain


class Command(ImportCommand):
    help = (
        "Läser in ansökningar (CSV eller XLSX) i en ansökningsomgång: kolumnerna Nämnd, Titel, "
        "Plats, Fokusområde och Sökt belopp, och för bedömda ansökningar Föreslaget belopp och "
        "Motivering. Skriver ut tabellen, summorna och omgångens sammanfattning. Inget sparas "
        "om något är fel."
    )
    target_help = "skapa organisation, omgång och nämnder som saknas"

    def add_target_arguments(self, parser):
        parser.add_argument("--round", required=True, metavar="NAME", help="omgångens namn")
        parser.add_argument("--year", required=True, metavar="YEAR", help="omgångens år")
        parser.add_argument(
            "--frame",
            metavar="AMOUNT",
            help="omgångens ram i kronor, t.ex. 60100000; krävs när omgången skapas",
        )

    def run_import(self, *, content, organisation, options):
        year, frame, name = _year(options["year"]), _frame(options["frame"]), options["round"]
        round_ = None
        if organisation is not None:
            round_ = find_by_name(
                Round.objects.filter(organisation=organisation).select_related("organisation"),
                name,
            )
            if round_ is None and not options["create"]:
                raise ImportRefused(
                    f"Omgången ”{name}” finns inte hos {organisation.name}. "
                    "Använd --create för att skapa den."
                )
        if round_ is not None and round_.year != year:
            raise ImportRefused(f"Omgången ”{round_.name}” gäller {round_.year}, inte {year}.")
        if round_ is not None:
            target = RoundTarget.for_round(round_)
        else:
            organisation_name = organisation.name if organisation else options["organisation"]
            target = RoundTarget(organisation_name, name, year, organisation)
        return preview_file(
            content=content,
            unit=options["unit"],
            target=target,
            create=options["create"],
            frame=frame,
            dry_run=options["dry_run"],
        )

    def print_preview(self, preview) -> None:
        target = preview.target
        self.write_notes(f"{target.organisation_name}, {target.name} ({target.year})", preview)
        unit = preview.unit
        rows = [["Rad", "Nämnd", "Titel", "Sökt", "Föreslaget"]]
        for row in preview.rows:
            title = row.title + (" *" if row.application is not None else "")
            rows.append(
                [
                    str(row.number),
                    row.committee_label,
                    title,
                    self.amount(row.applied, unit),
                    self.amount(row.proposed, unit),
                ]
            )
        rows.append(
            [
                "",
                "Summa",
                "",
                self.amount(preview.file_applied_total, unit),
                self.amount(preview.file_proposed_total, unit),
            ]
        )
        self.write_table(rows, left=(1, 2))
        if preview.updated_rows:
            self.stdout.write("* finns redan i omgången och uppdateras")
        self.stdout.write("")
        for sentence in preview.summary_sentences:
            self.stdout.write(plain(sentence))
        for warning in preview.warnings:
            self.stdout.write(f"Varning: {plain(warning)}")

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


def _frame(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return parse_amount(value, default_unit="kr")
    except AmountError as error:
        raise ImportRefused(f"--frame {value}: {error}") from error
