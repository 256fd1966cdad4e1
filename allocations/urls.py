from django.urls import path

from allocations import views
from allocations.imports import FLOW as IMPORT_FLOW
from trygghet.imports.views import urls as import_urls

app_name = "allocations"

urlpatterns = [
    *import_urls(IMPORT_FLOW, "<int:pk>/importera/"),
    path("<int:pk>/", views.package_detail, name="package-detail"),
    path("<int:pk>/ar-for-ar/", views.multi_year, name="multi-year"),
    path(
        "<int:pk>/ar-for-ar/export.<str:export_format>",
        views.multi_year_export,
        name="multi-year-export",
    ),
    path("<int:pk>/nytt-ar/", views.year_start, name="year-start"),
    path("<int:pk>/ar/<int:year>/", views.year_detail, name="year-detail"),
    path(
        "<int:pk>/ar/<int:year>/<str:table_name>.<str:export_format>",
        views.year_export,
        name="year-export",
    ),
    path("<int:pk>/ar/<int:year>/historik/", views.year_history, name="year-history"),
    path("<int:pk>/ar/<int:year>/poster/", views.lines_manage, name="lines"),
    path("<int:pk>/ar/<int:year>/poster/ny/", views.line_add, name="line-add"),
    path(
        "<int:pk>/ar/<int:year>/poster/<int:line_pk>/namn/", views.line_rename, name="line-rename"
    ),
    path(
        "<int:pk>/ar/<int:year>/poster/<int:line_pk>/avsluta/",
        views.line_retire,
        name="line-retire",
    ),
    path(
        "<int:pk>/ar/<int:year>/poster/<int:line_pk>/flytta-<str:direction>/",
        views.line_move,
        name="line-move",
    ),
    path("<int:pk>/ar/<int:year>/beslut/", views.year_decide, name="year-decide"),
    path("<int:pk>/ar/<int:year>/ateroppna/", views.year_reopen, name="year-reopen"),
    path("<int:pk>/ar/<int:year>/<str:kind_slug>/", views.allocation_edit, name="allocation-edit"),
]
