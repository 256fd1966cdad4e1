"""Reads for the project-wide pages. Each returns everything its page shows,
in a fixed number of queries."""

from django.db.models import Count, Prefetch, QuerySet

from allocations.models import Package, PackageYear
from trygghet.models import Committee, FocusArea, Organisation, Programme


def organisations_for_start(*, user) -> QuerySet[Organisation]:
    """The user's organisation (all of them for a superuser) with its packages and
    each package's years, newest first."""
    packages = Package.objects.order_by("name").prefetch_related(
        Prefetch("years", queryset=PackageYear.objects.order_by("-year"))
    )
    return (
        Organisation.objects.for_user(user)
        .annotate(committee_count=Count("committees", distinct=True))
        .prefetch_related(Prefetch("packages", queryset=packages))
        .order_by("name")
    )


def organisation_for_detail(*, user, pk: int) -> QuerySet[Organisation]:
    """One organisation with its committees and programmes (with focus areas)."""
    programmes = Programme.objects.order_by("-first_year", "name").prefetch_related(
        Prefetch("focus_areas", queryset=FocusArea.objects.order_by("order", "name"))
    )
    return (
        Organisation.objects.for_user(user)
        .filter(pk=pk)
        .prefetch_related(
            Prefetch("committees", queryset=Committee.objects.order_by("kind", "name")),
            Prefetch("programmes", queryset=programmes),
        )
    )
