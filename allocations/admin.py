from django.contrib import admin

from allocations.models import Amount, BudgetLine, BudgetLineLabel, Package, PackageYear


class PackageYearInline(admin.TabularInline):
    model = PackageYear
    extra = 0
    fields = ["year", "frame", "deciding_body", "status"]


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0
    fields = ["order", "name", "recipient", "focus_area", "active_from", "active_to"]
    show_change_link = True


@admin.register(Package)
class PackageAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["name", "description"]
    list_select_related = ["organisation"]
    inlines = [PackageYearInline, BudgetLineInline]


@admin.register(PackageYear)
class PackageYearAdmin(admin.ModelAdmin):
    list_display = ["package", "year", "frame", "deciding_body", "status"]
    list_filter = ["status", "year", "package__organisation"]
    search_fields = ["package__name"]
    list_select_related = ["package", "deciding_body"]


class BudgetLineLabelInline(admin.TabularInline):
    model = BudgetLineLabel
    extra = 0


class AmountInline(admin.TabularInline):
    model = Amount
    extra = 0
    fields = ["year", "kind", "amount"]


@admin.register(BudgetLine)
class BudgetLineAdmin(admin.ModelAdmin):
    list_display = ["name", "package", "order", "recipient", "active_from", "active_to"]
    list_filter = ["package__organisation", "package"]
    search_fields = ["name", "labels__label", "description"]
    list_select_related = ["package", "recipient"]
    inlines = [BudgetLineLabelInline, AmountInline]


@admin.register(Amount)
class AmountAdmin(admin.ModelAdmin):
    list_display = ["line", "year", "kind", "amount"]
    list_filter = ["kind", "year", "line__package__organisation", "line__package"]
    search_fields = ["line__name"]
    list_select_related = ["line"]
