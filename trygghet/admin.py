from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from trygghet.models import Committee, FocusArea, Organisation, Programme, User

admin.site.site_header = "Trygghet – administration"
admin.site.site_title = "Trygghet"
admin.site.index_title = "Administration"


class CommitteeInline(admin.TabularInline):
    model = Committee
    extra = 0
    fields = ["name", "kind"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "inhabitants", "amount_unit", "reference_pattern", "document_type"]
    search_fields = ["name"]
    inlines = [CommitteeInline]


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organisation"]
    list_filter = ["organisation", "kind"]
    search_fields = ["name", "organisation__name"]
    list_select_related = ["organisation"]


class FocusAreaInline(admin.TabularInline):
    model = FocusArea
    extra = 0
    fields = ["order", "name"]


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "years"]
    list_filter = ["organisation"]
    search_fields = ["name"]
    list_select_related = ["organisation"]
    inlines = [FocusAreaInline]

    @admin.display(description="år")
    def years(self, obj):
        return f"{obj.first_year}–{obj.last_year}"


@admin.register(FocusArea)
class FocusAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "order"]
    list_filter = ["programme__organisation", "programme"]
    search_fields = ["name", "programme__name"]
    list_select_related = ["programme"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "organisation", "committee", "is_active"]
    list_filter = ["organisation", "groups", "is_active", "is_staff"]
    list_select_related = ["organisation", "committee"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("Organisation", {"fields": ["organisation", "committee"]}),
    ]

    @admin.display(description="namn")
    def full_name(self, obj):
        return obj.get_full_name()

    add_fieldsets = [
        *BaseUserAdmin.add_fieldsets,
        ("Organisation", {"fields": ["organisation", "committee", "groups"]}),
    ]


class RecordOnlyAdmin(admin.ModelAdmin):
    """Records that are written only through the app's services, where the rules hold
    (a recorded decision, say): the admin shows them and changes nothing."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
