from django.urls import path

from applications import views
from applications.imports import FLOW as IMPORT_FLOW
from trygghet.imports.views import urls as import_urls

app_name = "applications"

urlpatterns = [
    *import_urls(IMPORT_FLOW, "omgang/<int:pk>/importera/"),
    path("omgang/ny/", views.round_edit, name="round-create"),
    path("omgang/<int:pk>/", views.round_detail, name="round-detail"),
    path("omgang/<int:pk>/andra/", views.round_edit, name="round-edit"),
    path("omgang/<int:pk>/status/", views.round_status, name="round-status"),
    path("omgang/<int:pk>/beslut/", views.round_decide, name="round-decide"),
    path("omgang/<int:pk>/ateroppna/", views.round_reopen, name="round-reopen"),
    path(
        "omgang/<int:pk>/<str:table_name>.<str:export_format>",
        views.round_export,
        name="round-export",
    ),
    path("omgang/<int:round_pk>/ny-ansokan/", views.application_edit, name="application-create"),
    path("ansokan/<int:pk>/", views.application_detail, name="application-detail"),
    path("ansokan/<int:pk>/andra/", views.application_edit, name="application-edit"),
    path("ansokan/<int:pk>/historik/", views.application_history, name="application-history"),
    path("ansokan/<int:pk>/skicka-in/", views.application_submit, name="application-submit"),
    path("ansokan/<int:pk>/atersand/", views.application_return, name="application-return"),
    path("ansokan/<int:pk>/bedomning/", views.application_assess, name="application-assess"),
    path("ansokan/<int:pk>/bilagor/", views.attachment_upload, name="attachment-upload"),
    path("bilaga/<int:pk>/", views.attachment_download, name="attachment-download"),
    path("bilaga/<int:pk>/ta-bort/", views.attachment_remove, name="attachment-remove"),
]
