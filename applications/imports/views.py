"""Import in the browser: upload → preview → confirm.

The uploaded file waits in the session between the steps; nothing is stored until the
official confirms, and then everything in one transaction.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from allocations.imports.parsing import ImportFileError
from allocations.imports.services import ImportFailed
from applications.imports.forms import ApplicationImportUploadForm
from applications.imports.parsing import ApplicationImportPreview, RoundTarget, preview_file
from applications.imports.services import IMPORT_PERMISSION, application_import_apply
from applications.models import Round
from trygghet.access import refuse_if_locked
from trygghet.import_session import upload_discard, upload_keep, upload_read


def _round_for_import(request, pk: int) -> Round:
    """The user's own round (404 otherwise), if the user may import (403 otherwise)."""
    round_ = get_object_or_404(
        Round.objects.for_user(request.user).select_related("organisation"), pk=pk
    )
    if not request.user.has_perm(IMPORT_PERMISSION):
        raise PermissionDenied("Du har inte behörighet att importera ansökningar.")
    return round_


def _session_key(round_: Round) -> str:
    return f"applications-import-{round_.pk}"


def _stored_upload(request, round_: Round) -> dict | None:
    return upload_read(request, _session_key(round_))


def _preview(round_: Round, upload: dict) -> ApplicationImportPreview:
    return preview_file(
        content=upload["content"],
        unit=upload["unit"],
        target=RoundTarget.for_round(round_),
    )


def _round_url(round_: Round) -> str:
    return reverse("applications:round-detail", args=[round_.pk])


def _start_again(request, round_: Round, message: str):
    upload_discard(request, _session_key(round_))
    messages.error(request, message)
    return redirect("applications:import-upload", pk=round_.pk)


@require_http_methods(["GET", "POST"])
def import_upload(request, pk: int):
    round_ = _round_for_import(request, pk)
    # A locked round shows no upload form; a file sent anyway is refused by the preview.
    if request.method == "GET" and (
        refused := refuse_if_locked(request, round_, _round_url(round_))
    ):
        return refused
    form = ApplicationImportUploadForm(
        request.POST or None, request.FILES or None, organisation=round_.organisation
    )
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        upload_keep(
            request,
            _session_key(round_),
            name=uploaded.name,
            content=uploaded.content,
            unit=form.cleaned_data["unit"],
        )
        return redirect("applications:import-preview", pk=round_.pk)
    return render(
        request,
        "applications/import_upload.html",
        {"round": round_, "form": form, "round_url": _round_url(round_)},
    )


@require_http_methods(["GET"])
def import_preview(request, pk: int):
    round_ = _round_for_import(request, pk)
    upload = _stored_upload(request, round_)
    if upload is None:
        messages.info(request, "Välj en fil att importera.")
        return redirect("applications:import-upload", pk=round_.pk)
    try:
        preview = _preview(round_, upload)
    except ImportFileError as error:
        return _start_again(request, round_, str(error))
    return _render_preview(request, round_, upload, preview)


@require_POST
def import_confirm(request, pk: int):
    round_ = _round_for_import(request, pk)
    upload = _stored_upload(request, round_)
    if upload is None:
        messages.error(request, "Filen finns inte kvar. Ladda upp den igen.")
        return redirect("applications:import-upload", pk=round_.pk)
    try:
        preview = _preview(round_, upload)
    except ImportFileError as error:
        return _start_again(request, round_, str(error))
    try:
        result = application_import_apply(preview=preview, by=request.user)
    except ImportFailed as failure:
        preview.problems = failure.problems
        return _render_preview(request, round_, upload, preview)
    upload_discard(request, _session_key(round_))
    messages.success(request, f"Importen är sparad: {result.summary()}.")
    return redirect(_round_url(round_))


@require_POST
def import_cancel(request, pk: int):
    round_ = _round_for_import(request, pk)
    upload_discard(request, _session_key(round_))
    messages.info(request, "Importen är avbruten. Inget har sparats.")
    return redirect(_round_url(round_))


def _render_preview(request, round_: Round, upload: dict, preview: ApplicationImportPreview):
    return render(
        request,
        "applications/import_preview.html",
        {
            "round": round_,
            "upload_name": upload["name"],
            "file_unit": upload["unit"],
            "unit": preview.unit,
            "preview": preview,
            "problems": preview.problems,
            # Problems link to their row of the table; the header and sum rows have none.
            "row_numbers": {row.number for row in preview.rows},
            "can_confirm": not preview.problems,
            "upload_url": reverse("applications:import-upload", args=[round_.pk]),
            "round_url": _round_url(round_),
        },
    )
