from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("paket/<int:pk>/ar/<int:year>/", views.for_package_year, name="for-package-year"),
    path("omgang/<int:pk>/", views.for_round, name="for-round"),
    path("<int:pk>/", views.document_detail, name="document-detail"),
    path("<int:pk>/forhandsgranskning/", views.document_preview, name="document-preview"),
    path("<int:pk>/historik/", views.document_history, name="document-history"),
    path("<int:pk>/utkast.pdf", views.document_draft_pdf, name="document-draft-pdf"),
    path("<int:pk>/faststall/", views.document_finalise, name="document-finalise"),
    path("<int:pk>/ny-version/", views.document_new_version, name="document-new-version"),
    path("version/<int:pk>.pdf", views.version_download, name="version-download"),
]
