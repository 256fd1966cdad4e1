"""render_decision: write the current decision document of a package year or a round."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from allocations.models import PackageYear
from applications.models import Round
from documents import services
from documents.pdf import render_pdf
from documents.rendering import render_html
from trygghet.models import Organisation


class Command(BaseCommand):
    help = (
        "Skriver det aktuella beslutsdokumentet för ett paketår eller en omgång till en fil, "
        "som PDF (PDF/A-2a) eller HTML. Saknas dokumentet skapas det med förifyllda texter. "
        "Ett fastställt dokument skrivs byte för byte som det sparades."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, metavar="NAMN")
        parser.add_argument("--package", metavar="NAMN", help="paketets namn (kräver --year)")
        parser.add_argument("--year", type=int, metavar="ÅR")
        parser.add_argument("--round", metavar="NAMN", help="omgångens namn")
        parser.add_argument("--format", choices=["pdf", "html"], default="pdf")
        parser.add_argument("-o", "--output", required=True, metavar="FIL")

    def handle(self, *args, **options):
        try:
            self._handle(options)
        except CommandError:
            raise
        except Exception as error:  # any failure is exit 1 with a message, never a traceback
            raise CommandError(f"Dokumentet kunde inte skrivas: {error}") from error

    def _handle(self, options):
        organisation = Organisation.objects.filter(name=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"Organisationen ”{options['organisation']}” finns inte.")
        if bool(options["package"]) == bool(options["round"]):
            raise CommandError("Ange antingen --package NAMN --year ÅR eller --round NAMN.")
        if options["package"]:
            if options["year"] is None:
                raise CommandError("--package kräver --year.")
            package_year = PackageYear.objects.filter(
                package__organisation=organisation,
                package__name=options["package"],
                year=options["year"],
            ).first()
            if package_year is None:
                name, year = options["package"], options["year"]
                raise CommandError(f"{organisation} har inget paket ”{name}” med året {year}.")
            document = services.document_get_or_create(package_year=package_year)
        else:
            round_ = Round.objects.filter(organisation=organisation, name=options["round"]).first()
            if round_ is None:
                raise CommandError(f"{organisation} har ingen omgång ”{options['round']}”.")
            document = services.document_get_or_create(round_=round_)

        output = Path(options["output"])
        if options["format"] == "html":
            output.write_text(render_html(document), encoding="utf-8")
        elif document.finalised:
            version = document.versions.order_by("-number").first()
            with version.file.open("rb") as stored:
                output.write_bytes(stored.read())
        else:
            output.write_bytes(render_pdf(html=render_html(document)))
        state = "fastställt" if document.finalised else "utkast"
        self.stdout.write(f"Skrev {document.title} ({state}) till {output}.")
