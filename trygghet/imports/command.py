"""What the import commands (import_allocations, import_applications) share: the file,
the organisation and the target found by name, --unit, --create and --dry-run; every
problem to stderr as "Fel: …" and exit 1 with nothing stored; the closing line."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from trygghet.amounts import NBSP, AmountError, format_amount, parse_amount
from trygghet.imports.flow import ImportFlow, ImportTarget
from trygghet.imports.reader import FILE_UNITS, ImportFileError, file_unit
from trygghet.models import Organisation


class ImportRefused(Exception):
    """Stops an import command; each message is printed as one "Fel:" line."""

    def __init__(self, *messages: str):
        self.messages = messages


def plain(text: str) -> str:
    """Terminal text: non-breaking spaces as plain spaces."""
    return str(text).replace(NBSP, " ")


def kronor(option: str, text: str) -> int:
    """An amount option in kronor ("60100000", "60,1 mkr"); `option` names it when it is not."""
    try:
        return parse_amount(text, default_unit="kr")
    except AmountError as error:
        raise ImportRefused(f"{option}: {error}") from error


def find_by_name(queryset, name: str):
    """The object named exactly `name`, else the one named so in other case, else None."""
    return queryset.filter(name=name).first() or queryset.filter(name__iexact=name).first()


class ImportCommand(BaseCommand):
    """Subclasses give the ImportFlow they run and implement `add_target_arguments`,
    `run_import`, `print_table` and, for their own problems, `hint`."""

    flow: ImportFlow  # its model names the option of what is imported into: --package
    target_names: tuple[str, str]  # ("Paketet", "det"): what is imported into, and "it"
    create_help: str  # what --create creates

    @property
    def target(self) -> str:
        return self.flow.model._meta.model_name

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="CSV- eller XLSX-fil")
        parser.add_argument("--organisation", required=True, metavar="NAME", help="kommunens namn")
        parser.add_argument(
            f"--{self.target}",
            required=True,
            metavar="NAME",
            help=f"{self.target_names[0].lower()}s namn",
        )
        self.add_target_arguments(parser)
        parser.add_argument(
            "--unit",
            choices=FILE_UNITS,
            help="enhet för tal utan enhet i filen (standard: organisationens enhet)",
        )
        parser.add_argument("--create", action="store_true", help=self.create_help)
        parser.add_argument(
            "--dry-run", action="store_true", help="kontrollera och skriv ut, men spara inget"
        )

    def add_target_arguments(self, parser) -> None:
        pass

    def hint(self, problem) -> str:
        return str(problem)

    def handle(self, *args, **options):
        try:
            self.import_file(options)
        except ImportRefused as refusal:
            for message in refusal.messages:
                self.stderr.write(f"Fel: {plain(message)}")
            self.stderr.write("Inget har sparats.")
            sys.exit(1)

    def import_file(self, options) -> None:
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as error:
            raise ImportRefused(f"Filen {path} kan inte läsas ({error.strerror}).") from error
        name, create = options["organisation"], options["create"]
        organisation = find_by_name(Organisation.objects.all(), name)
        if organisation is None and not create:
            message = f"Organisationen ”{name}” finns inte. Använd --create för att skapa den."
            raise ImportRefused(message)
        obj, name = None, options[self.target]
        if organisation is not None:
            objects = self.flow.model.objects.filter(organisation=organisation)
            obj = find_by_name(objects.select_related("organisation"), name)
            if obj is None and not create:
                the, it = self.target_names
                raise ImportRefused(
                    f"{the} ”{name}” finns inte hos {organisation.name}. "
                    f"Använd --create för att skapa {it}."
                )
        if options["unit"] is None:
            options["unit"] = file_unit(organisation.amount_unit) if organisation else "mkr"
        if obj is not None:
            target = ImportTarget.of(obj)
        else:
            organisation_name = organisation.name if organisation else options["organisation"]
            target = ImportTarget(organisation_name, name, organisation)
        try:
            preview = self.run_import(content, target, options)
        except ImportFileError as error:
            raise ImportRefused(str(error)) from error
        if preview.problems:
            raise ImportRefused(*(self.hint(problem) for problem in preview.problems))

        self.stdout.write(f"{self.heading(preview)}. Belopp i {preview.unit}.")
        for note in preview.notes:
            self.stdout.write(plain(note))
        self.stdout.write("")
        self.print_table(preview)
        for warning in preview.warnings:
            self.stdout.write(f"Varning: {plain(warning)}")
        if options["dry_run"]:
            summary = f"Provkörning, inget har sparats. Importen skulle ge {preview.summary()}."
        else:
            summary = f"Sparat: {preview.summary()}."
        self.stdout.write(summary)

    def write_table(self, rows: list[list[str]], *, left: tuple[int, ...]) -> None:
        """Rows of text as aligned columns; the `left` ones aligned left, the rest right."""
        widths = [max(len(row[index]) for row in rows) for index in range(len(rows[0]))]
        for row in rows:
            cells = [
                cell.ljust(widths[index]) if index in left else cell.rjust(widths[index])
                for index, cell in enumerate(row)
            ]
            self.stdout.write("  ".join(cells).rstrip())

    def amounts(self, unit: str, *kronor: int | None) -> list[str]:
        return [plain(format_amount(value, unit)) if value is not None else "–" for value in kronor]
