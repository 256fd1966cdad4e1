from types import SimpleNamespace

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from allocations import models
from trygghet.admin import RecordOnlyAdmin
from trygghet.locks import lock_of, state_word, with_lock

LOCKED_MESSAGE = "{year} är {reason}: förslag och budget kan inte ändras."


def locked_years(package_id: int) -> dict[int, str]:
    """The locked years of a package and why (one query): trygghet.locks for every year."""
    rows = with_lock(models.PackageYear.objects.filter(package_id=package_id)).filter(
        lock__isnull=False
    )
    return {
        year: state_word(models.PackageYear, lock)
        for year, lock in rows.values_list("year", "lock")
    }


def amount_is_locked(*, package_id: int, year: int, kind: str, locked=None) -> bool:
    """A proposal or budget of a locked year; outcomes are reported after the decision."""
    if kind == models.AmountKind.OUTCOME:
        return False
    return year in (locked_years(package_id) if locked is None else locked)


class DecidedYearsFormSet(BaseInlineFormSet):
    """Refuses any change to a locked year, or to the proposal or budget of one."""

    def clean(self):
        super().clean()
        package_id = self._package_id()
        if package_id is None:
            return
        locked = locked_years(package_id)
        for form in self.forms:
            if not (form.has_changed() or self._should_delete_form(form)):
                continue
            # An existing row may not leave a locked year, and no row may enter one.
            rows = [form.instance] if form.instance.pk else []
            if hasattr(form, "cleaned_data") and form.cleaned_data.get("year"):
                rows.append(SimpleNamespace(**form.cleaned_data))
            for row in rows:
                if self._is_locked(row, locked):
                    raise ValidationError(
                        LOCKED_MESSAGE.format(year=row.year, reason=locked[row.year])
                    )

    def _package_id(self):
        instance = self.instance
        return getattr(instance, "package_id", None) or (
            instance.pk if isinstance(instance, models.Package) else None
        )

    def _is_locked(self, row, locked) -> bool:
        if self.model is models.PackageYear:
            return row.year in locked and bool(getattr(row, "pk", None))
        return amount_is_locked(
            package_id=self._package_id(), year=row.year, kind=row.kind, locked=locked
        )


class PackageYearInline(admin.TabularInline):
    model = models.PackageYear
    formset = DecidedYearsFormSet
    extra = 0
    fields = ["year", "frame", "deciding_body", "status"]


class BudgetLineInline(admin.TabularInline):
    model = models.BudgetLine
    extra = 0
    fields = ["order", "name", "recipient", "focus_area", "active_from", "active_to"]
    show_change_link = True


@admin.register(models.Package)
class PackageAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["name", "description"]
    list_select_related = ["organisation"]
    inlines = [PackageYearInline, BudgetLineInline]


@admin.register(models.PackageYear)
class PackageYearAdmin(admin.ModelAdmin):
    """A locked year (decided or finalised) is read-only here as everywhere else."""

    def has_change_permission(self, request, obj=None):
        locked = obj is not None and lock_of(obj)
        return super().has_change_permission(request, obj) and not locked

    def has_delete_permission(self, request, obj=None):
        locked = obj is not None and lock_of(obj)
        return super().has_delete_permission(request, obj) and not locked

    list_display = ["package", "year_shown", "frame", "deciding_body", "status"]

    @admin.display(description="år", ordering="year")
    def year_shown(self, obj):
        return str(obj.year)

    list_filter = ["status", "year", "package__organisation"]
    search_fields = ["package__name"]
    list_select_related = ["package", "deciding_body"]

    def get_readonly_fields(self, request, obj=None):
        # A year becomes decided only by recording the decision, and is reopened only
        # with a recorded reason: never by editing the status here.
        return ["status"] if obj is not None else []


@admin.register(models.YearDecision)
class YearDecisionAdmin(RecordOnlyAdmin):
    """Recorded decisions can be read here; they are written and reopened only in the app,
    where the rules and the reason are enforced."""

    list_display = ["package_year", "body", "decided_on", "paragraph", "outcome", "reopened_at"]
    list_filter = ["outcome", "package_year__package__organisation"]
    list_select_related = ["package_year__package"]


class BudgetLineLabelInline(admin.TabularInline):
    model = models.BudgetLineLabel
    extra = 0


class AmountInline(admin.TabularInline):
    model = models.Amount
    formset = DecidedYearsFormSet
    extra = 0
    fields = ["year", "kind", "amount"]


@admin.register(models.BudgetLine)
class BudgetLineAdmin(admin.ModelAdmin):
    list_display = ["name", "package", "order", "recipient", "years_active"]

    @admin.display(description="gäller")
    def years_active(self, obj):
        return f"{obj.active_from}–{obj.active_to or ''}"

    list_filter = ["package__organisation", "package"]
    search_fields = ["name", "labels__label", "description"]
    list_select_related = ["package", "recipient"]
    inlines = [BudgetLineLabelInline, AmountInline]


class AmountAdminForm(forms.ModelForm):
    """Refuses to add a proposal or budget to a decided year."""

    class Meta:
        model = models.Amount
        fields = ["line", "year", "kind", "amount"]

    def clean(self):
        cleaned = super().clean()
        line, year, kind = cleaned.get("line"), cleaned.get("year"), cleaned.get("kind")
        if line and year and kind:
            locked = locked_years(line.package_id)
            if amount_is_locked(package_id=line.package_id, year=year, kind=kind, locked=locked):
                raise ValidationError(LOCKED_MESSAGE.format(year=year, reason=locked[year]))
        return cleaned


@admin.register(models.Amount)
class AmountAdmin(admin.ModelAdmin):
    """A proposal or budget of a decided year is read-only here as everywhere else."""

    form = AmountAdminForm

    def _locked(self, obj) -> bool:
        return obj is not None and amount_is_locked(
            package_id=obj.line.package_id, year=obj.year, kind=obj.kind
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._locked(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._locked(obj)

    list_display = ["line", "year_shown", "kind", "amount"]

    @admin.display(description="år", ordering="year")
    def year_shown(self, obj):
        return str(obj.year)

    list_filter = ["kind", "year", "line__package__organisation", "line__package"]
    search_fields = ["line__name"]
    list_select_related = ["line"]
