"""Import URLs, included by the applications URLs under the "applications" namespace."""

from django.urls import path

from applications.imports import views

urlpatterns = [
    path("omgang/<int:pk>/importera/", views.import_upload, name="import-upload"),
    path("omgang/<int:pk>/importera/granska/", views.import_preview, name="import-preview"),
    path("omgang/<int:pk>/importera/spara/", views.import_confirm, name="import-confirm"),
    path("omgang/<int:pk>/importera/avbryt/", views.import_cancel, name="import-cancel"),
]
