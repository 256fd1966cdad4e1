from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView

from trygghet import views
from trygghet.forms import LoginForm

urlpatterns = [
    path("", views.start, name="start"),
    path("organisation/<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path(
        "logga-in/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("tillganglighet/", views.accessibility, name="accessibility"),
    path("paket/", include("allocations.urls")),
    path("", include("applications.urls")),
    path("dokument/", include("documents.urls")),
    path("admin/", admin.site.urls),
    # Browsers ask for /favicon.ico before any page says where the icon is.
    path(
        "favicon.ico",
        login_not_required(RedirectView.as_view(url="/static/favicon.svg", permanent=True)),
    ),
]
