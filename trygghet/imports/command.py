"""What the import commands (import_allocations, import_applications) share: the file,
the organisation, --unit, --create and --dry-run; every problem to stderr as "Fel: …"
and exit 1 with nothing stored; the same closing line."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from trygghet.amounts import NBSP, format_amount
from trygghet.imports.reader import FILE_UNITS, ImportFileError, file_unit
from trygghet.models import Organisation


class ImportRefused(Exception):
    """Stops an import command; each message is printed as one "Fel:" line."""

    def __init__(self, *messages: str):
        self.messages = messages


def plain(text: str) -> str:
    """Terminal text: non-breaking spaces as plain spaces."""
    return str(text).replace(NBSP, " ")


def find_by_name(queryset, name: str):
    """The object named exactly `name`, else the one named so in other case, else None."""
    return queryset.filter(name=name).first() or queryset.filter(name__iexact=name).first()


class ImportCommand(BaseCommand):
    """Subclasses add their arguments and implement `run_import(content, unit, options)`,
    `print_preview(preview)` and `hint(problem)`."""

    target_help: str  # what --create creates

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="CSV- eller XLSX-fil")
        parser.add_argument("--organisation", required=True, metavar="NAME", help="kommunens namn")
        self.add_target_arguments(parser)
        parser.add_argument(
            "--unit",
            choices=FILE_UNITS,
            help="enhet för tal utan enhet i filen (standard: organisationens enhet)",
        )
        parser.add_argument("--create", action="store_true", help=self.target_help)
        parser.add_argument(
            "--dry-run", action="store_true", help="kontrollera och skriv ut, men spara inget"
        )

    def add_target_arguments(self, parser) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def run_import(self, *, content: bytes, organisation, options):  # pragma: no cover
        raise NotImplementedError

    def print_preview(self, preview) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

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
        name = options["organisation"]
        organisation = find_by_name(Organisation.objects.all(), name)
        if organisation is None and not options["create"]:
            raise ImportRefused(
                f"Organisationen ”{name}” finns inte. Använd --create för att skapa den."
            )
        if options["unit"] is None:
            options["unit"] = file_unit(organisation.amount_unit) if organisation else "mkr"
        try:
            preview = self.run_import(content=content, organisation=organisation, options=options)
        except ImportFileError as error:
            raise ImportRefused(str(error)) from error
        if preview.problems:
            raise ImportRefused(*(self.hint(problem) for problem in preview.problems))
        self.print_preview(preview)
        if options["dry_run"]:
            self.stdout.write(
                f"Provkörning, inget har sparats. Importen skulle ge {preview.summary()}."
            )
        else:
            self.stdout.write(f"Sparat: {preview.summary()}.")

    def write_table(self, rows: list[list[str]], *, left: tuple[int, ...]) -> None:
        """Rows of text as aligned columns; the `left` ones aligned left, the rest right."""
        widths = [max(len(row[index]) for row in rows) for index in range(len(rows[0]))]
        for row in rows:
            cells = [
                cell.ljust(widths[index]) if index in left else cell.rjust(widths[index])
                for index, cell in enumerate(row)
            ]
            self.stdout.write("  ".join(cells).rstrip())

    def write_notes(self, heading: str, preview) -> None:
        self.stdout.write(f"{heading}. Belopp i {preview.unit}.")
        for note in preview.notes:
            self.stdout.write(plain(note))
        self.stdout.write("")

    def amount(self, kronor: int | None, unit: str) -> str:
        return plain(format_amount(kronor, unit)) if kronor is not None else "–"
