"""Decision documents (tjänsteskrivelse / tjänsteutlåtande) and their finalised versions.

A document's texts are pre-filled from the data and edited by an official. Finalising
renders the PDF once, stores it with its SHA-256 and serves it byte for byte from then on;
while a finalised version is in force, the package year or round it decides is read-only.
"""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from allocations.models import PackageYear
from applications.models import Round
from trygghet.models import Organisation, OrganisationScopedQuerySet


class DocumentKind(models.TextChoices):
    PACKAGE_YEAR = "paketar", "Fördelning av ett trygghetspakets år"
    DISTRIBUTION = "fordelning", "Fördelning till nämnder"
    ROUND = "omgang", "Ansökningsomgång"


class DecisionDocument(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name="organisation",
    )
    kind = models.CharField("slag", max_length=12, choices=DocumentKind.choices)
    package_year = models.OneToOneField(
        PackageYear,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="document",
        verbose_name="paketår",
    )
    round = models.OneToOneField(
        Round,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="document",
        verbose_name="omgång",
    )
    # While True, the latest version is in force and the decided subject is read-only.
    finalised = models.BooleanField("fastställd", default=False)

    reference = models.CharField("diarienummer", max_length=60, blank=True)
    date = models.DateField("datum")
    title = models.CharField("rubrik", max_length=300)
    proposer = models.CharField(
        "inledning till förslaget",
        max_length=500,
        blank=True,
        help_text=(
            "T.ex. ”Kommunstyrelsens trygghetsutskott föreslår att kommunstyrelsen fattar "
            "följande beslut.”"
        ),
    )
    decision_points = models.TextField(
        "förslag till beslut", help_text="En beslutspunkt per stycke (tom rad mellan punkterna)."
    )
    summary = models.TextField("sammanfattning", blank=True)
    background = models.TextField("ärendet och bakgrund", blank=True)
    assessment = models.TextField("bedömning", blank=True)
    economy = models.TextField("ekonomiska konsekvenser", blank=True)
    children = models.TextField("konsekvenser för barn", blank=True)
    gender_equality = models.TextField("jämställdhet", blank=True)
    consultation = models.TextField("samråd", blank=True)
    municipal_goals = models.TextField("kommunala mål", blank=True)
    mbl = models.TextField("information enligt MBL", blank=True)
    documents_list = models.TextField(
        "handlingar i ärendet och bilagor", blank=True, help_text="En handling per rad."
    )
    signatory_name = models.CharField("undertecknare", max_length=200, blank=True)
    signatory_title = models.CharField("titel", max_length=200, blank=True)
    second_signatory_name = models.CharField("andra undertecknare", max_length=200, blank=True)
    second_signatory_title = models.CharField(
        "andra undertecknarens titel", max_length=200, blank=True
    )
    send_to = models.TextField(
        "beslutet skickas till", blank=True, help_text="En mottagare per rad."
    )

    updated_at = models.DateTimeField("ändrad", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # One more on every save, finalising and reopening included: a form opened at an older
    # version is refused instead of overwriting someone else's texts (optimistic locking).
    version = models.PositiveIntegerField("version", default=1, editable=False)

    objects = OrganisationScopedQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = "beslutsdokument"
        verbose_name_plural = "beslutsdokument"
        ordering = ["organisation", "-date"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(package_year__isnull=False) & Q(round__isnull=True))
                | (Q(package_year__isnull=True) & Q(round__isnull=False)),
                name="document_decides_one_thing",
            )
        ]

    def __str__(self):
        return self.title

    def clean(self):
        subject = self.package_year.package if self.package_year_id else self.round
        if subject is not None and subject.organisation_id != self.organisation_id:
            raise ValidationError("Dokumentet måste höra till samma organisation som ärendet.")

    @property
    def subject_name(self) -> str:
        if self.package_year_id:
            return f"{self.package_year.package.name} {self.package_year.year}"
        return self.round.name

    # What the print base shows in every page's header and footer and in the PDF metadata.
    @property
    def document_type(self) -> str:
        return self.organisation.document_type

    @property
    def author(self) -> str:
        return self.signatory_name or self.organisation.name

    @property
    def subject(self) -> str:
        return f"{self.get_kind_display()}: {self.subject_name}"

    @property
    def address_lines(self) -> list[str]:
        return self.organisation.address_line_list()

    @property
    def logo_url(self) -> str:
        """The organisation's logo inlined as a data: URL (the PDF fetches nothing else)."""
        logo = self.organisation.logo
        if not logo:
            return ""
        from documents.pdf import image_data_url

        with logo.open("rb") as file:
            data = file.read()
        content_type = "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"
        return image_data_url(data=data, content_type=content_type)

    def paragraphs(self, field: str) -> list[str]:
        """A text field split into paragraphs at blank lines."""
        text = getattr(self, field).replace("\r\n", "\n")
        return [paragraph.strip() for paragraph in text.split("\n\n") if paragraph.strip()]

    def lines(self, field: str) -> list[str]:
        return [line.strip() for line in getattr(self, field).splitlines() if line.strip()]


def version_path(instance, filename: str) -> str:
    document = instance.document
    return f"beslut/{document.organisation_id}/{document.pk}/version-{instance.number}.pdf"


class DocumentVersion(models.Model):
    """A finalised PDF: stored once, served byte for byte, never re-rendered."""

    document = models.ForeignKey(
        DecisionDocument, on_delete=models.PROTECT, related_name="versions", verbose_name="dokument"
    )
    number = models.PositiveSmallIntegerField("version")
    file = models.FileField("PDF", upload_to=version_path)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveIntegerField("storlek (byte)")
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="fastställd av",
    )
    finalised_at = models.DateTimeField("fastställd")

    class Meta:
        verbose_name = "fastställd version"
        verbose_name_plural = "fastställda versioner"
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_unique")
        ]

    def __str__(self):
        return f"{self.document} version {self.number}"

    def verified_pdf(self) -> bytes:
        """The stored PDF, byte for byte, if it still matches the SHA-256 taken when it was
        finalised; StoredFileProblem (in Swedish) if the file is missing or has changed."""
        try:
            with self.file.open("rb") as file:
                pdf = file.read()
        except (FileNotFoundError, ValueError) as missing:
            raise StoredFileProblem(
                f"Filen för {self} saknas i lagringen.", reason="missing"
            ) from missing
        if hashlib.sha256(pdf).hexdigest() != self.sha256:
            raise StoredFileProblem(
                f"Filen för {self} har ändrats sedan den fastställdes: dess SHA-256 stämmer "
                "inte med den som sparades vid fastställandet.",
                reason="changed",
            )
        return pdf


class StoredFileProblem(Exception):
    """A finalised version's file cannot be served as it was finalised."""

    def __init__(self, message: str, *, reason: str):
        super().__init__(message)
        self.reason = reason
