"""What the import commands (import_allocations, import_applications) share: every problem
to stderr as "Fel: …" and exit 1 with nothing stored; the write in one transaction,
rolled back again for --dry-run; the same closing line."""

import sys

from django.core.management.base import BaseCommand
from django.db import transaction

from trygghet.amounts import NBSP


class ImportRefused(Exception):
    """Stops an import command; each message is printed as one "Fel:" line."""

    def __init__(self, *messages: str):
        self.messages = messages


def plain(text: str) -> str:
    """Terminal text: non-breaking spaces as plain spaces."""
    return str(text).replace(NBSP, " ")


class ImportCommand(BaseCommand):
    """Subclasses implement `run_import(options)` and `print_preview(preview)`."""

    def handle(self, *args, **options):
        try:
            self.run_import(options)
        except ImportRefused as refusal:
            for message in refusal.messages:
                self.stderr.write(f"Fel: {plain(message)}")
            self.stderr.write("Inget har sparats.")
            sys.exit(1)

    def run_import(self, options) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def print_preview(self, preview) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def apply_and_report(self, *, preview, apply, failed, hint, dry_run: bool) -> None:
        """Store the checked preview with `apply(preview=..., by=None)` in one transaction
        (rolled back for a dry run), print the result, or refuse with every problem."""
        if preview.problems:
            raise ImportRefused(*(hint(problem) for problem in preview.problems))
        try:
            with transaction.atomic():
                result = apply(preview=preview, by=None)
                if dry_run:
                    transaction.set_rollback(True)
        except failed as failure:
            raise ImportRefused(*(hint(problem) for problem in failure.problems)) from failure
        self.print_preview(result.preview)
        if dry_run:
            self.stdout.write(
                f"Provkörning, inget har sparats. Importen skulle ge {result.summary()}."
            )
        else:
            self.stdout.write(f"Sparat: {result.summary()}.")
