from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from trygghet import selectors
from trygghet.models import CommitteeKind


@require_GET
def start(request):
    organisations = selectors.organisations_for_start(user=request.user)
    return render(request, "trygghet/start.html", {"organisations": organisations})


@require_GET
def organisation_detail(request, pk: int):
    organisation = get_object_or_404(selectors.organisation_for_detail(user=request.user, pk=pk))
    committees_by_kind = {}
    for committee in organisation.committees.all():
        committees_by_kind.setdefault(committee.kind, []).append(committee)
    kinds = [
        (label, committees_by_kind[value])
        for value, label in CommitteeKind.choices
        if value in committees_by_kind
    ]
    return render(
        request,
        "trygghet/organisation_detail.html",
        {"organisation": organisation, "committee_kinds": kinds},
    )


@login_not_required
@require_GET
def accessibility(request):
    """The accessibility statement (tillgänglighetsredogörelse) that DOS-lagen requires."""
    return render(
        request,
        "trygghet/accessibility.html",
        {"contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL},
    )
