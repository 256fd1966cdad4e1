from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from allocations import selectors


@require_GET
def package_detail(request, pk: int):
    package = get_object_or_404(selectors.package_for_detail(user=request.user, pk=pk))
    return render(
        request,
        "allocations/package_detail.html",
        {
            "package": package,
            "unit": package.organisation.amount_unit,
            "years": selectors.package_year_summaries(package=package),
        },
    )
