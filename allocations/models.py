"""Packages, their yearly frames, budget lines and amounts.

All amounts are integer kronor. A budget line keeps its identity across years; its
label for a given year comes from `BudgetLineLabel`, so renaming it keeps its history.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from trygghet.models import (
    Committee,
    Decision,
    FocusArea,
    Organisation,
    OrganisationScopedQuerySet,
)


class Package(models.Model):
    """A recurring pot of money (trygghetspaket) with a frame each year."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="packages",
        verbose_name="organisation",
    )
    name = models.CharField("namn", max_length=200)
    description = models.TextField("beskrivning", blank=True)

    objects = OrganisationScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "trygghetspaket"
        verbose_name_plural = "trygghetspaket"
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="package_unique_name_per_organisation"
            )
        ]

    def __str__(self):
        return self.name


class YearStatus(models.TextChoices):
    DRAFT = "utkast", "Utkast"
    PROPOSAL = "forslag", "Förslag"
    DECIDED = "beslutad", "Beslutad"


class PackageYear(models.Model):
    """A package's frame (ram) for one year: the amount to distribute, who decides it,
    and how far the year has come (utkast → förslag → beslutad)."""

    package = models.ForeignKey(
        Package, on_delete=models.CASCADE, related_name="years", verbose_name="trygghetspaket"
    )
    year = models.PositiveSmallIntegerField("år")
    # Integer kronor; the frame is what the year's proposal must sum to.
    frame = models.BigIntegerField("ram (kr)")
    deciding_body = models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decided_package_years",
        verbose_name="beslutande organ",
    )
    status = models.CharField(
        "status", max_length=10, choices=YearStatus.choices, default=YearStatus.DRAFT
    )
    # Optimistic locking: every save of the year's amounts increases it, so a save based on
    # an older version is refused instead of silently overwriting someone else's change.
    version = models.PositiveIntegerField("version", default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "år och ram"
        verbose_name_plural = "år och ramar"
        ordering = ["package", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["package", "year"], name="package_year_unique"),
            models.CheckConstraint(
                condition=Q(frame__gte=0), name="package_year_frame_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.package} {self.year}"

    @property
    def is_decided(self) -> bool:
        return self.status == YearStatus.DECIDED

    def clean(self):
        if (
            self.deciding_body_id
            and self.package_id
            and self.deciding_body.organisation_id != self.package.organisation_id
        ):
            raise ValidationError(
                {"deciding_body": "Det beslutande organet måste höra till paketets organisation."}
            )


class YearDecision(Decision):
    """The decision on a package year's proposal; at most one is in force at a time."""

    package_year = models.ForeignKey(
        PackageYear, on_delete=models.CASCADE, related_name="decisions", verbose_name="år"
    )

    class Meta(Decision.Meta):
        verbose_name = "beslut om fördelning"
        verbose_name_plural = "beslut om fördelning"
        permissions = [("reopen_yeardecision", "Kan återöppna beslutade år")]
        constraints = [
            models.UniqueConstraint(
                fields=["package_year"],
                condition=Q(reopened_at__isnull=True),
                name="year_decision_one_in_force",
            )
        ]


class BudgetLineQuerySet(models.QuerySet):
    def active_in(self, year: int):
        return self.filter(
            Q(active_from__lte=year), Q(active_to__isnull=True) | Q(active_to__gte=year)
        )


class BudgetLine(models.Model):
    """One row of the allocation table (insats, budgetpost), the same line every year."""

    package = models.ForeignKey(
        Package, on_delete=models.CASCADE, related_name="lines", verbose_name="trygghetspaket"
    )
    name = models.CharField(
        "namn",
        max_length=200,
        help_text="Nuvarande namn; tidigare års namn finns i namnhistoriken.",
    )
    description = models.TextField("beskrivning", blank=True)
    recipient = models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="received_lines",
        verbose_name="mottagande nämnd",
    )
    focus_area = models.ForeignKey(
        FocusArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="budget_lines",
        verbose_name="fokusområde",
    )
    order = models.PositiveSmallIntegerField("ordning", default=0)
    active_from = models.PositiveSmallIntegerField("gäller från år")
    active_to = models.PositiveSmallIntegerField(
        "gäller till och med år", null=True, blank=True, help_text="Tomt: gäller tills vidare."
    )

    objects = BudgetLineQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        verbose_name = "budgetpost"
        verbose_name_plural = "budgetposter"
        ordering = ["package", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(active_to__isnull=True) | Q(active_to__gte=F("active_from")),
                name="budget_line_years_in_order",
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.active_to is not None and self.active_from and self.active_to < self.active_from:
            errors["active_to"] = "Sista år kan inte vara före första år."
        organisation_id = self.package.organisation_id if self.package_id else None
        if self.recipient_id and self.recipient.organisation_id != organisation_id:
            errors["recipient"] = "Den mottagande nämnden måste höra till paketets organisation."
        if self.focus_area_id and self.focus_area.programme.organisation_id != organisation_id:
            errors["focus_area"] = "Fokusområdet måste höra till paketets organisation."
        if errors:
            raise ValidationError(errors)

    def is_active_in(self, year: int) -> bool:
        return self.active_from <= year and (self.active_to is None or year <= self.active_to)

    def label_for(self, year: int) -> str:
        """The line's name as it was written in `year`.

        Uses prefetched `labels` when present, so a table of many lines makes no
        query per line.
        """
        label = self.name
        for entry in sorted(self.labels.all(), key=lambda entry: entry.from_year):
            if entry.from_year <= year:
                label = entry.label
        return label

    def label_periods(self) -> list[tuple[int, int | None, str]]:
        """The line's names with the years each was used: [(2020, 2022, "…"), (2023, None, "…")]."""
        labels = sorted(self.labels.all(), key=lambda entry: entry.from_year)
        periods = []
        for index, entry in enumerate(labels):
            until = labels[index + 1].from_year - 1 if index + 1 < len(labels) else self.active_to
            periods.append((entry.from_year, until, entry.label))
        return periods


class BudgetLineLabel(models.Model):
    """What a line was called from a given year on (until the next label)."""

    line = models.ForeignKey(
        BudgetLine, on_delete=models.CASCADE, related_name="labels", verbose_name="budgetpost"
    )
    from_year = models.PositiveSmallIntegerField("från år")
    label = models.CharField("namn", max_length=200)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "namn för år"
        verbose_name_plural = "namnhistorik"
        ordering = ["line", "from_year"]
        constraints = [
            models.UniqueConstraint(fields=["line", "from_year"], name="budget_line_label_unique")
        ]

    def __str__(self):
        return f"{self.label} (från {self.from_year})"


class BudgetLinePosition(models.Model):
    """Where a line stands in one year's table. Order, like a name, belongs to each year:
    moving a line in an open year writes that year's positions and never reorders a decided
    or finalised year. A year without positions uses the lines' `order`."""

    line = models.ForeignKey(
        BudgetLine, on_delete=models.CASCADE, related_name="positions", verbose_name="budgetpost"
    )
    year = models.PositiveSmallIntegerField("år")
    position = models.PositiveSmallIntegerField("plats")

    class Meta:
        verbose_name = "plats för år"
        verbose_name_plural = "platser för år"
        ordering = ["year", "position"]
        constraints = [
            models.UniqueConstraint(fields=["line", "year"], name="budget_line_position_unique")
        ]

    def __str__(self):
        return f"{self.line} {self.year}: {self.position}"


class AmountKind(models.TextChoices):
    PROPOSAL = "forslag", "Förslag"
    BUDGET = "budget", "Budget"
    OUTCOME = "utfall", "Utfall"


class Amount(models.Model):
    """The amount of one line, one year and one kind (förslag, budget, utfall)."""

    line = models.ForeignKey(
        BudgetLine, on_delete=models.CASCADE, related_name="amounts", verbose_name="budgetpost"
    )
    year = models.PositiveSmallIntegerField("år")
    kind = models.CharField("slag", max_length=10, choices=AmountKind.choices)
    # Integer kronor, never negative: an outcome below budget is a smaller amount,
    # not a negative one.
    amount = models.BigIntegerField("belopp (kr)")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "belopp"
        verbose_name_plural = "belopp"
        ordering = ["line", "year", "kind"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="amount_not_negative"),
            models.UniqueConstraint(
                fields=["line", "year", "kind"], name="amount_unique_per_line_year_kind"
            ),
        ]

    def __str__(self):
        return f"{self.line} {self.get_kind_display().lower()} {self.year}"

    def clean(self):
        if self.amount is not None and self.amount < 0:
            raise ValidationError({"amount": "Beloppet kan inte vara negativt."})
