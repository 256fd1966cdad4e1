from django.contrib import admin

from applications import models
from trygghet.admin import RecordOnlyAdmin
from trygghet.locks import lock_of


class ReadOnlyWhenLockedMixin:
    """A locked round (decided or finalised), and everything in it, is read-only here as
    everywhere else."""

    def _round_of(self, obj):
        return obj

    def _locked(self, obj) -> bool:
        return obj is not None and lock_of(self._round_of(obj)) is not None

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._locked(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._locked(obj)


class CriterionInline(admin.TabularInline):
    model = models.Criterion
    extra = 0
    fields = ["order", "text"]


@admin.register(models.Round)
class RoundAdmin(ReadOnlyWhenLockedMixin, admin.ModelAdmin):
    list_display = ["name", "organisation", "year_shown", "frame", "status", "closes_on"]
    list_filter = ["organisation", "status", "year"]
    search_fields = ["name"]
    list_select_related = ["organisation"]
    inlines = [CriterionInline]

    @admin.display(description="år", ordering="year")
    def year_shown(self, obj):
        return str(obj.year)

    def get_readonly_fields(self, request, obj=None):
        # Decided only by recording the decision, reopened only with a recorded reason.
        return ["status"] if obj is not None else []


@admin.register(models.RoundDecision)
class RoundDecisionAdmin(RecordOnlyAdmin):
    """Recorded decisions can be read here; they are written and reopened only in the app."""

    list_display = ["round", "body", "decided_on", "paragraph", "outcome", "reopened_at"]
    list_filter = ["outcome", "round__organisation"]
    list_select_related = ["round"]


class EvidenceInline(admin.TabularInline):
    model = models.Evidence
    extra = 0


class CostItemInline(admin.TabularInline):
    model = models.CostItem
    extra = 0


class AttachmentInline(admin.TabularInline):
    model = models.Attachment
    extra = 0
    fields = ["original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields


@admin.register(models.Application)
class ApplicationAdmin(ReadOnlyWhenLockedMixin, admin.ModelAdmin):
    list_display = ["title", "committee", "round", "applied_amount", "status"]
    list_filter = ["round__organisation", "round", "status", "committee__kind", "focus_area"]
    search_fields = ["title", "place", "committee__name"]
    list_select_related = ["committee", "round"]
    inlines = [EvidenceInline, CostItemInline, AttachmentInline]
    # Granted only by the round's recorded decision.
    readonly_fields = ["granted_amount"]

    def _round_of(self, obj):
        return obj.round


class CriterionAssessmentInline(admin.TabularInline):
    model = models.CriterionAssessment
    extra = 0


@admin.register(models.Assessment)
class AssessmentAdmin(ReadOnlyWhenLockedMixin, admin.ModelAdmin):
    list_display = ["application", "proposed_amount", "assessor", "assessed_at"]
    list_filter = ["application__round"]
    search_fields = ["application__title", "motivation"]
    list_select_related = ["application", "assessor"]
    inlines = [CriterionAssessmentInline]

    def _round_of(self, obj):
        return obj.application.round
