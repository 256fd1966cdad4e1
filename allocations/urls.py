from django.urls import path

from allocations import views

app_name = "allocations"

urlpatterns = [
    path("<int:pk>/", views.package_detail, name="package-detail"),
]
