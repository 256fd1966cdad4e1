"""Reads for the project-wide pages. Each returns everything its page shows,
in a fixed number of queries."""

from django.db.models import Count, Prefetch, Q, QuerySet

from allocations.models import Package, PackageYear
from applications.models import RECEIVED_STATUSES, Round
from trygghet.models import Committee, FocusArea, Organisation, Programme


def organisations_for_start(*, user) -> QuerySet[Organisation]:
    """The user's organisation (all of them for a superuser) with its packages (each
    with its years, newest first) and its investment rounds."""
    packages = Package.objects.order_by("name").prefetch_related(
        Prefetch("years", queryset=PackageYear.objects.order_by("-year"))
    )
    rounds = Round.objects.annotate(
        received_count=Count("applications", filter=Q(applications__status__in=RECEIVED_STATUSES))
    ).order_by("-year", "name")
    return (
        Organisation.objects.for_user(user)
        .annotate(committee_count=Count("committees", distinct=True))
        .prefetch_related(
            Prefetch("packages", queryset=packages), Prefetch("rounds", queryset=rounds)
        )
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
