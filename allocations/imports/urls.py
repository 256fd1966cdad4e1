"""Import URLs, included by allocations/urls.py under the "allocations" namespace."""

from django.urls import path

from allocations.imports import views

urlpatterns = [
    path("<int:pk>/importera/", views.import_upload, name="import-upload"),
    path("<int:pk>/importera/granska/", views.import_preview, name="import-preview"),
    path("<int:pk>/importera/spara/", views.import_confirm, name="import-confirm"),
    path("<int:pk>/importera/avbryt/", views.import_cancel, name="import-cancel"),
]
