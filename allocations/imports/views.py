"""Import in the browser: upload → preview (map unknown names) → confirm.

The uploaded file waits in the session between the steps; nothing is stored until the
official confirms, and then everything in one transaction.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from allocations.imports.forms import ImportMappingForm, ImportUploadForm
from allocations.imports.parsing import (
    ImportFileError,
    ImportPreview,
    ImportTarget,
    preview_file,
)
from allocations.imports.services import (
    IMPORT_PERMISSION,
    ImportFailed,
    allocation_import_apply,
)
from allocations.models import Package
from trygghet.import_session import upload_discard, upload_keep, upload_read


def _package_for_import(request, pk: int) -> Package:
    """The user's own package (404 otherwise), if the user may import (403 otherwise)."""
    package = get_object_or_404(
        Package.objects.for_user(request.user).select_related("organisation"), pk=pk
    )
    if not request.user.has_perm(IMPORT_PERMISSION):
        raise PermissionDenied("Du har inte behörighet att importera belopp.")
    return package


def _session_key(package: Package) -> str:
    return f"allocations-import-{package.pk}"


def _stored_upload(request, package: Package) -> dict | None:
    return upload_read(request, _session_key(package))


def _preview(package: Package, upload: dict, mapping=None) -> ImportPreview:
    return preview_file(
        content=upload["content"],
        unit=upload["unit"],
        target=ImportTarget.for_package(package),
        mapping=mapping,
        create_years=upload["create_years"],
    )


def _start_again(request, package: Package, message: str):
    upload_discard(request, _session_key(package))
    messages.error(request, message)
    return redirect("allocations:import-upload", pk=package.pk)


@require_http_methods(["GET", "POST"])
def import_upload(request, pk: int):
    package = _package_for_import(request, pk)
    form = ImportUploadForm(
        request.POST or None, request.FILES or None, organisation=package.organisation
    )
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        upload_keep(
            request,
            _session_key(package),
            name=uploaded.name,
            content=uploaded.content,
            unit=form.cleaned_data["unit"],
            create_years=form.cleaned_data["create_years"],
        )
        return redirect("allocations:import-preview", pk=package.pk)
    return render(request, "allocations/import_upload.html", {"package": package, "form": form})


@require_http_methods(["GET"])
def import_preview(request, pk: int):
    package = _package_for_import(request, pk)
    upload = _stored_upload(request, package)
    if upload is None:
        messages.info(request, "Välj en fil att importera.")
        return redirect("allocations:import-upload", pk=package.pk)
    try:
        preview = _preview(package, upload)
    except ImportFileError as error:
        return _start_again(request, package, str(error))
    form = ImportMappingForm(rows=preview.unmapped_rows, lines=preview.lines)
    return _render_preview(request, package, upload, preview, form)


@require_POST
def import_confirm(request, pk: int):
    package = _package_for_import(request, pk)
    upload = _stored_upload(request, package)
    if upload is None:
        messages.error(request, "Filen finns inte kvar. Ladda upp den igen.")
        return redirect("allocations:import-upload", pk=package.pk)
    try:
        preview = _preview(package, upload)
    except ImportFileError as error:
        return _start_again(request, package, str(error))
    form = ImportMappingForm(request.POST, rows=preview.unmapped_rows, lines=preview.lines)
    if not form.is_valid():
        return _render_preview(request, package, upload, preview, form)
    preview = _preview(package, upload, mapping=form.mapping())
    try:
        result = allocation_import_apply(preview=preview, by=request.user)
    except ImportFailed as failure:
        preview.problems = failure.problems
        return _render_preview(request, package, upload, preview, form)
    upload_discard(request, _session_key(package))
    messages.success(request, f"Importen är sparad: {result.summary()}.")
    return redirect("allocations:package-detail", pk=package.pk)


@require_POST
def import_cancel(request, pk: int):
    package = _package_for_import(request, pk)
    upload_discard(request, _session_key(package))
    messages.info(request, "Importen är avbruten. Inget har sparats.")
    return redirect("allocations:package-detail", pk=package.pk)


def _render_preview(request, package, upload, preview: ImportPreview, form):
    # Names to map are chosen in the table, next to their row; listed as problems they
    # would say the same thing twice.
    problems = [
        problem for problem in preview.problems if problem.code not in {"unmatched", "ambiguous"}
    ]
    rows = [(row, form.field_for(row)) for row in preview.rows]
    chosen_rows = {row.number for row, field in rows if field is not None}
    if form.is_bound:
        form.add_row_problems(problem for problem in problems if problem.row in chosen_rows)
    return render(
        request,
        "allocations/import_preview.html",
        {
            "package": package,
            "upload_name": upload["name"],
            "file_unit": upload["unit"],
            "unit": preview.unit,
            "preview": preview,
            "problems": problems,
            "form": form,
            "rows": rows,
            "footer": list(
                zip(preview.columns, preview.totals, preview.column_frames, strict=True)
            ),
            # A problem of a chosen row is solved by choosing again, not by a new file.
            "can_confirm": all(problem.row in chosen_rows for problem in problems),
            "upload_url": reverse("allocations:import-upload", args=[package.pk]),
        },
    )
