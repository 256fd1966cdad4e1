"""Investment rounds (ansökningsomgångar), the committees' applications and the central
office's assessments. Amounts are integer kronor."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from trygghet.models import (
    Committee,
    CommitteeKind,
    Decision,
    FocusArea,
    Organisation,
    OrganisationScopedQuerySet,
)
from trygghet.roles import is_applicant

# The assessment criteria of Stockholm's Trygghetsinvesteringar (002_…), the default
# list of a new round.
DEFAULT_CRITERIA = [
    "Platsspecifik problembeskrivning med dokumenterad otrygghet",
    "Logiskt kopplad åtgärd som förväntas minska otryggheten",
    "Rimliga kostnader i förhållande till åtgärden",
    "Formaliakrav uppfyllda",
]


class RoundStatus(models.TextChoices):
    DRAFT = "utkast", "Utkast"
    OPEN = "oppen", "Öppen för ansökningar"
    ASSESSMENT = "bedomning", "Bedömning"
    PROPOSAL = "forslag", "Förslag"
    DECIDED = "beslutad", "Beslutad"


# What an official sets on a round (besides its criteria), in the order of its form; the
# form and the save service read this one list.
ROUND_FIELDS = (
    "name",
    "year",
    "frame",
    "opens_on",
    "closes_on",
    "deciding_body",
    "instructions",
)

# What an applicant writes in an application, in the order of its form; the form, the save
# service and the history read this one list.
APPLICATION_CONTENT_FIELDS = (
    "title",
    "place",
    "latitude",
    "longitude",
    "problem",
    "measure",
    "expected_effect",
    "focus_area",
    "applied_amount",
    "contact_name",
    "contact_email",
    "contact_phone",
    "consulted",
    "consulted_committee",
)


class Round(models.Model):
    """A call for applications with its own frame, e.g. Trygghetsinvesteringar 2024."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="rounds", verbose_name="organisation"
    )
    name = models.CharField("namn", max_length=200)
    year = models.PositiveSmallIntegerField("år")
    # Integer kronor available to grant in the round.
    frame = models.BigIntegerField("ram (kr)")
    opens_on = models.DateField("öppnar")
    closes_on = models.DateField("stänger")
    instructions = models.TextField("anvisningar", blank=True)
    deciding_body = models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decided_rounds",
        verbose_name="beslutande organ",
    )
    status = models.CharField(
        "status", max_length=10, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    illustrative_note = models.TextField(
        "om exempeldata",
        blank=True,
        help_text="Visas överst i omgången när ansökningarna är påhittade exempel.",
    )

    objects = OrganisationScopedQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = "ansökningsomgång"
        verbose_name_plural = "ansökningsomgångar"
        ordering = ["organisation__name", "-year", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="round_unique_name_per_organisation"
            ),
            models.CheckConstraint(condition=Q(frame__gte=0), name="round_frame_not_negative"),
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="round_dates_in_order"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": "Omgången kan inte stänga innan den öppnar."})

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN

    @property
    def is_decided(self) -> bool:
        return self.status == RoundStatus.DECIDED


class RoundDecision(Decision):
    """The decision on a round's distribution; at most one is in force at a time."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="decisions", verbose_name="omgång"
    )

    class Meta(Decision.Meta):
        verbose_name = "beslut om fördelning"
        verbose_name_plural = "beslut om fördelning"
        permissions = [("reopen_rounddecision", "Kan återöppna beslutade omgångar")]
        constraints = [
            models.UniqueConstraint(
                fields=["round"],
                condition=Q(reopened_at__isnull=True),
                name="round_decision_one_in_force",
            )
        ]


class Criterion(models.Model):
    """One published assessment criterion of a round."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="criteria", verbose_name="omgång"
    )
    text = models.CharField("kriterium", max_length=300)
    order = models.PositiveSmallIntegerField("ordning", default=0)

    class Meta:
        verbose_name = "bedömningskriterium"
        verbose_name_plural = "bedömningskriterier"
        ordering = ["round", "order", "pk"]

    def __str__(self):
        return self.text


class ApplicationStatus(models.TextChoices):
    DRAFT = "utkast", "Utkast"
    SUBMITTED = "inskickad", "Inskickad"
    RETURNED = "returnerad", "Återsänd för komplettering"


# Applications the central office has received: drafts stay with the applicant.
RECEIVED_STATUSES = frozenset({ApplicationStatus.SUBMITTED, ApplicationStatus.RETURNED})


class ApplicationQuerySet(models.QuerySet):
    def received(self):
        return self.filter(status__in=RECEIVED_STATUSES)

    def for_user(self, user):
        """An applicant sees their own committee's applications, drafts included; an official
        or member every application of their organisation that has been sent in (as
        trygghet.permissions.application_in_reach)."""
        if user.is_superuser:
            return self
        queryset = self.filter(round__organisation_id=user.organisation_id)
        if is_applicant(user):
            return queryset.filter(committee_id=user.committee_id)
        return queryset.received()


class Application(models.Model):
    """A committee's application for money in a round."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="applications", verbose_name="omgång"
    )
    committee = models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name="sökande nämnd",
    )
    title = models.CharField("titel", max_length=300)
    place = models.CharField("plats", max_length=300, help_text="Platsens namn eller adress.")
    latitude = models.DecimalField("latitud", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        "longitud", max_digits=9, decimal_places=6, null=True, blank=True
    )
    problem = models.TextField("platsspecifik problembeskrivning", blank=True)
    measure = models.TextField("föreslagen åtgärd", blank=True)
    expected_effect = models.TextField("förväntad effekt", blank=True)
    focus_area = models.ForeignKey(
        FocusArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name="fokusområde",
    )
    # Integer kronor; the cost items, when given, sum to it.
    applied_amount = models.BigIntegerField("sökt belopp (kr)")
    # Integer kronor granted by the round's decision in force; empty until it is decided.
    granted_amount = models.BigIntegerField("beviljat belopp (kr)", null=True, blank=True)
    contact_name = models.CharField("kontaktperson", max_length=200, blank=True)
    contact_email = models.EmailField("e-post", blank=True)
    contact_phone = models.CharField("telefon", max_length=40, blank=True)
    # A facknämnd states whether it has consulted the stadsdelsnämnd of the place (002_…).
    consulted = models.BooleanField("samråd med stadsdelsnämnden", null=True, blank=True)
    consulted_committee = models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name="stadsdelsnämnd som har samråtts med",
    )
    status = models.CharField(
        "status", max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    return_message = models.TextField("meddelande vid återsändning", blank=True)
    submitted_at = models.DateTimeField("inskickad", null=True, blank=True)
    created_at = models.DateTimeField("skapad", auto_now_add=True)
    # One more on every save by a service: a form opened at an older version is refused
    # instead of silently overwriting someone else's change (optimistic locking).
    version = models.PositiveIntegerField("version", default=1, editable=False)

    objects = ApplicationQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = "ansökan"
        verbose_name_plural = "ansökningar"
        ordering = ["round", "committee__name", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(applied_amount__gte=0), name="application_applied_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(granted_amount__gte=0), name="application_granted_not_negative"
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        same_organisation = (
            not (self.round_id and self.committee_id)
            or self.committee.organisation_id == self.round.organisation_id
        )
        if not same_organisation:
            errors["committee"] = "Nämnden måste höra till omgångens organisation."
        consulted = self.consulted_committee if self.consulted_committee_id else None
        if consulted and consulted.kind != CommitteeKind.STADSDELSNAMND:
            errors["consulted_committee"] = "Välj en stadsdelsnämnd."
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = "Ange både latitud och longitud, eller ingen av dem."
        for name, limit, sweden in (("latitude", 90, "55–69"), ("longitude", 180, "11–24")):
            value = getattr(self, name)
            if value is not None and not -limit <= value <= limit:
                word = "Latituden" if name == "latitude" else "Longituden"
                errors[name] = (
                    f"{word} ska ligga mellan −{limit} och {limit} grader "
                    f"(i Sverige ungefär {sweden})."
                )
        if errors:
            raise ValidationError(errors)

    @property
    def is_editable_by_applicant(self) -> bool:
        return self.status in {ApplicationStatus.DRAFT, ApplicationStatus.RETURNED}


class EvidenceKind(models.TextChoices):
    WALK = "trygghetsvandring", "Trygghetsvandring"
    SURVEY = "matning", "Trygghetsmätning eller enkät"
    DIALOGUE = "dialog", "Dialog"
    SITUATION = "lagesbild", "Lägesbild"
    POLICE = "polisstatistik", "Polisens statistik"
    OTHER = "annat", "Annat"


class Evidence(models.Model):
    """Documented insecurity at the place: a walk, a survey, a dialogue, …"""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="evidence", verbose_name="ansökan"
    )
    kind = models.CharField("underlag", max_length=20, choices=EvidenceKind.choices)
    date = models.DateField("datum", null=True, blank=True)
    description = models.CharField("kort beskrivning", max_length=500)

    class Meta:
        verbose_name = "underlag om otrygghet"
        verbose_name_plural = "underlag om otrygghet"
        ordering = ["application", "date", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.description}"

    def clean(self):
        errors = evidence_date_errors(self.date)
        if errors:
            raise ValidationError({"date": errors})


def evidence_date_errors(when) -> list[str]:
    """Evidence is dated, and not in the future: it is what was found, not what will be."""
    if when is None:
        return ["Ange när underlaget togs fram (datum)."]
    if when > timezone.localdate():
        return ["Datumet ligger i framtiden: ange när underlaget togs fram."]
    return []


class CostItem(models.Model):
    """One row of an application's cost breakdown."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="costs", verbose_name="ansökan"
    )
    description = models.CharField("kostnad", max_length=300)
    amount = models.BigIntegerField("belopp (kr)")

    class Meta:
        verbose_name = "kostnadspost"
        verbose_name_plural = "kostnadsposter"
        ordering = ["application", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="cost_item_not_negative")
        ]

    def __str__(self):
        return self.description


def attachment_path(instance, filename: str) -> str:
    # Outside the static root; served only through a view that checks access.
    return f"bilagor/{instance.application.round_id}/{instance.application_id}/{filename}"


class Attachment(models.Model):
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments", verbose_name="ansökan"
    )
    file = models.FileField("fil", upload_to=attachment_path)
    original_name = models.CharField("filnamn", max_length=255)
    content_type = models.CharField("filtyp", max_length=100)
    size = models.PositiveIntegerField("storlek (byte)")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("uppladdad", auto_now_add=True)

    class Meta:
        verbose_name = "bilaga"
        verbose_name_plural = "bilagor"
        ordering = ["application", "uploaded_at"]

    def __str__(self):
        return self.original_name


class Assessment(models.Model):
    """The central office's assessment of one application; one per application, so
    officials assessing different applications never overwrite each other."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="assessment", verbose_name="ansökan"
    )
    # Integer kronor, from 0 up to the applied amount.
    proposed_amount = models.BigIntegerField("föreslaget belopp (kr)")
    motivation = models.TextField("motivering", blank=True)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
        verbose_name="bedömd av",
    )
    assessed_at = models.DateTimeField("bedömd", null=True, blank=True)
    # One more on every save, verdicts included: see Application.version.
    version = models.PositiveIntegerField("version", default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "bedömning"
        verbose_name_plural = "bedömningar"
        constraints = [
            models.CheckConstraint(
                condition=Q(proposed_amount__gte=0), name="assessment_proposed_not_negative"
            )
        ]

    def __str__(self):
        return f"Bedömning av {self.application}"


class Verdict(models.TextChoices):
    MET = "uppfyllt", "Uppfyllt"
    PARTLY = "delvis", "Delvis uppfyllt"
    NOT_MET = "ej", "Ej uppfyllt"


class CriterionAssessment(models.Model):
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="criteria", verbose_name="bedömning"
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="+", verbose_name="kriterium"
    )
    verdict = models.CharField("bedömning", max_length=10, choices=Verdict.choices)
    comment = models.TextField("kommentar", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "bedömning per kriterium"
        verbose_name_plural = "bedömningar per kriterium"
        ordering = ["assessment", "criterion__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="one_verdict_per_criterion"
            )
        ]

    def __str__(self):
        return f"{self.criterion}: {self.get_verdict_display()}"
