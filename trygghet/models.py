"""The organisations that own the data, their committees, users and programmes.

These live in the project package because every app builds on them: an allocation
package and an investment round both belong to an organisation and name committees.
"""

import re

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from trygghet.amounts import UNIT_FACTORS


class AmountUnit(models.TextChoices):
    MKR = "mkr", "mkr (miljoner kronor)"
    MNKR = "mnkr", "mnkr (miljoner kronor)"
    TKR = "tkr", "tkr (tusen kronor)"


class DocumentType(models.TextChoices):
    TJANSTESKRIVELSE = "TJÄNSTESKRIVELSE", "Tjänsteskrivelse"
    TJANSTEUTLATANDE = "TJÄNSTEUTLÅTANDE", "Tjänsteutlåtande"


class OrganisationScopedQuerySet(models.QuerySet):
    """Rows the user may see: their own organisation's (every row for a superuser)."""

    # The lookup from this model to its organisation's id.
    organisation_lookup = "organisation_id"

    def for_user(self, user):
        if user.is_superuser:
            return self
        return self.filter(**{self.organisation_lookup: user.organisation_id})


class OrganisationQuerySet(OrganisationScopedQuerySet):
    organisation_lookup = "pk"


class Organisation(models.Model):
    """A municipality (kommun): it owns every package, round and user below it."""

    name = models.CharField("namn", max_length=200, unique=True)
    inhabitants = models.PositiveIntegerField(
        "antal invånare",
        null=True,
        blank=True,
        help_text="Används för det statliga bidraget (23 kr per invånare, lag 2023:196).",
    )
    amount_unit = models.CharField(
        "beloppsenhet", max_length=4, choices=AmountUnit.choices, default=AmountUnit.MKR
    )
    reference_pattern = models.CharField(
        "diarienummerformat",
        max_length=60,
        blank=True,
        help_text="ÅÅÅÅ står för året och N för löpnumret; antalet N anger minsta antal "
        "siffror. Exempel: KFKS-ÅÅÅÅ-NNNNN ger KFKS-2024-00430.",
    )
    document_type = models.CharField(
        "dokumenttyp",
        max_length=20,
        choices=DocumentType.choices,
        default=DocumentType.TJANSTESKRIVELSE,
    )
    address_lines = models.TextField(
        "adress i dokumentens sidfot", blank=True, help_text="En rad per rad i sidfoten."
    )
    logo = models.FileField(
        "logotyp",
        upload_to="logotyper/",
        blank=True,
        help_text="PNG eller JPEG som visas i beslutsdokumentens sidhuvud.",
    )
    optional_sections = models.JSONField(
        "valfria avsnitt i beslutsdokument",
        default=list,
        blank=True,
        help_text="Avsnitt som organisationen tar med: jamstalldhet, samrad, kommunala_mal, mbl.",
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = "organisation"
        verbose_name_plural = "organisationer"
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def unit_factor(self) -> int:
        return UNIT_FACTORS[self.amount_unit]

    @property
    def government_grant(self) -> int | None:
        """The yearly state grant for crime prevention: 23 kr per inhabitant (lag 2023:196)."""
        if self.inhabitants is None:
            return None
        return self.inhabitants * 23

    def format_reference(self, *, year: int, number: int) -> str:
        """Write a case number (dnr) in this organisation's pattern."""
        if not self.reference_pattern:
            return f"{year}-{number}"

        def number_part(match: re.Match) -> str:
            return str(number).zfill(len(match.group(0)))

        return re.sub(r"N+", number_part, self.reference_pattern.replace("ÅÅÅÅ", str(year)))

    def address_line_list(self) -> list[str]:
        return [line.strip() for line in self.address_lines.splitlines() if line.strip()]


class CommitteeKind(models.TextChoices):
    KOMMUNFULLMAKTIGE = "kommunfullmaktige", "Kommunfullmäktige"
    KOMMUNSTYRELSE = "kommunstyrelse", "Kommunstyrelse"
    UTSKOTT = "utskott", "Utskott"
    FACKNAMND = "facknamnd", "Facknämnd"
    STADSDELSNAMND = "stadsdelsnamnd", "Stadsdelsnämnd"
    BOLAG = "bolag", "Bolag"
    FORVALTNING = "forvaltning", "Förvaltning"


class Committee(models.Model):
    """A body inside the municipality (nämnd, förvaltning, bolag, utskott).

    It applies for money, receives money or decides.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="committees",
        verbose_name="organisation",
    )
    name = models.CharField("namn", max_length=200)
    kind = models.CharField("typ", max_length=20, choices=CommitteeKind.choices)

    objects = OrganisationScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "nämnd"
        verbose_name_plural = "nämnder"
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="committee_unique_name_per_organisation"
            )
        ]

    def __str__(self):
        return self.name


class UserManager(BaseUserManager):
    def get_queryset(self):
        # Every page shows the user's organisation: load it with the user.
        return super().get_queryset().select_related("organisation", "committee")


class User(AbstractUser):
    """A person who logs in. Officials and members belong to an organisation;
    an applicant also to the committee they apply for."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name="organisation",
    )
    committee = models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name="nämnd",
        help_text="För sökande: den nämnd användaren söker medel för.",
    )

    objects = UserManager()

    class Meta(AbstractUser.Meta):
        verbose_name = "användare"
        verbose_name_plural = "användare"
        constraints = [
            models.CheckConstraint(
                condition=Q(committee__isnull=True) | Q(organisation__isnull=False),
                name="user_committee_needs_organisation",
            )
        ]

    def clean(self):
        super().clean()
        if self.committee_id and self.committee.organisation_id != self.organisation_id:
            raise ValidationError(
                {"committee": "Nämnden måste höra till användarens organisation."}
            )

    @property
    def role_names(self) -> list[str]:
        return [group.name for group in self.groups.all()]


class Programme(models.Model):
    """A policy programme, e.g. Stockholms stads trygghetsprogram 2024–2027."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="programmes",
        verbose_name="organisation",
    )
    name = models.CharField("namn", max_length=200)
    first_year = models.PositiveSmallIntegerField("första år")
    last_year = models.PositiveSmallIntegerField("sista år")

    class Meta:
        verbose_name = "program"
        verbose_name_plural = "program"
        ordering = ["organisation__name", "-first_year", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="programme_unique_name_per_organisation"
            ),
            models.CheckConstraint(
                condition=Q(last_year__gte=models.F("first_year")),
                name="programme_years_in_order",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.first_year and self.last_year and self.last_year < self.first_year:
            raise ValidationError({"last_year": "Sista år kan inte vara före första år."})


class FocusArea(models.Model):
    """A focus area (fokusområde) of a programme; lines and applications serve one."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="focus_areas",
        verbose_name="program",
    )
    name = models.CharField("namn", max_length=200)
    order = models.PositiveSmallIntegerField("ordning", default=0)

    class Meta:
        verbose_name = "fokusområde"
        verbose_name_plural = "fokusområden"
        ordering = ["programme", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "name"], name="focus_area_unique_name_per_programme"
            )
        ]

    def __str__(self):
        return self.name


class DecisionOutcome(models.TextChoices):
    FOLLOWED = "enligt_forslag", "Enligt förslaget"
    CHANGED = "andrat", "Med ändringar"


class DecisionQuerySet(models.QuerySet):
    def in_force(self):
        """The decision not reopened (at most one per subject, by constraint), or None."""
        return self.filter(reopened_at__isnull=True).first()

    def in_record_order(self):
        """The one in force first, then reopened ones newest first, with who recorded and
        reopened them (one query)."""
        return self.select_related("recorded_by", "reopened_by").order_by(
            models.F("reopened_at").desc(nulls_first=True), "-recorded_at"
        )


class Decision(models.Model):
    """What a body decided on a proposal, as written in its protocol: who, when, which §,
    and whether the proposal was followed or changed. A reopened decision is kept, with
    who reopened it and why, so the record of every decision survives."""

    body = models.CharField("beslutande organ", max_length=200)
    decided_on = models.DateField("beslutsdatum")
    paragraph = models.CharField("paragraf", max_length=20, help_text="Till exempel § 241.")
    protocol_reference = models.CharField(
        "protokoll",
        max_length=200,
        blank=True,
        help_text="Protokollets beteckning eller diarienummer, t.ex. KS 2024-03-25.",
    )
    outcome = models.CharField("beslutet", max_length=20, choices=DecisionOutcome.choices)
    # [{"label": str, "proposed": int, "decided": int}] in integer kronor: the amounts the
    # decision changed, kept as decided even if lines are renamed or amounts later change.
    changes = models.JSONField("ändrade belopp", default=list, blank=True)
    note = models.TextField("kommentar", blank=True)
    recorded_by = models.ForeignKey(
        "trygghet.User",
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name="registrerat av",
    )
    recorded_at = models.DateTimeField("registrerat", auto_now_add=True)
    reopened_at = models.DateTimeField("återöppnat", null=True, blank=True)
    reopened_by = models.ForeignKey(
        "trygghet.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="återöppnat av",
    )
    reopen_reason = models.TextField("skäl för återöppning", blank=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-recorded_at", "-pk"]

    def __str__(self):
        return f"{self.body} {self.decided_on:%Y-%m-%d} {self.paragraph}"

    @property
    def is_in_force(self) -> bool:
        return self.reopened_at is None

    @property
    def followed_proposal(self) -> bool:
        return self.outcome == DecisionOutcome.FOLLOWED
