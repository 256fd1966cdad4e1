import io
import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from allocations import selectors as allocation_selectors
from applications import selectors as round_selectors
from documents import history, services
from documents.forms import DocumentForm
from documents.models import DecisionDocument, DocumentVersion, StoredFileProblem
from documents.pdf import render_pdf
from documents.rendering import render_html
from trygghet.access import get_for_user
from trygghet.concurrency import ConcurrentChange, rebase_form
from trygghet.forms import run_action

logger = logging.getLogger(__name__)

VIEW = "documents.view_decisiondocument"
EDIT = "documents.change_decisiondocument"
ADD = "documents.add_decisiondocument"
VERSIONS = DocumentVersion.objects.select_related("document")
DOCUMENTS = DecisionDocument.objects.select_related(
    "organisation", "package_year__package", "round"
)


@require_POST
def for_package_year(request, pk: int, year: int):
    package_year = get_for_user(
        request, allocation_selectors.package_years_for_pages(), ADD, package_id=pk, year=year
    )
    document = services.document_get_or_create(package_year=package_year, by=request.user)
    return redirect("documents:document-detail", pk=document.pk)


@require_POST
def for_round(request, pk: int):
    round_ = get_for_user(request, round_selectors.rounds_for_pages(), ADD, pk=pk)
    document = services.document_get_or_create(round_=round_, by=request.user)
    return redirect("documents:document-detail", pk=document.pk)


@require_http_methods(["GET", "POST"])
def document_detail(request, pk: int):
    document = get_for_user(request, DOCUMENTS, VIEW, pk=pk)
    may_change = request.user.has_perm(EDIT, document)
    can_edit = may_change and not document.finalised
    form = DocumentForm(request.POST or None, instance=document) if can_edit else None
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        if form is None:
            messages.error(
                request, "Dokumentet är fastställt. Skapa en ny version för att ändra det."
            )
            return redirect("documents:document-detail", pk=pk)
        if form.is_valid():
            try:
                services.document_save(
                    document=document,
                    data=form.cleaned_data,
                    expected_version=form.cleaned_data["version"],
                    by=request.user,
                )
            except ConcurrentChange as error:
                # The typed texts on top of the saved document, so saving again goes through.
                # (The form fills its own copy, so the page shows what is saved.)
                document = get_for_user(request, DOCUMENTS, VIEW, pk=pk)
                form.instance = get_for_user(request, DOCUMENTS, VIEW, pk=pk)
                form = rebase_form(form, version=document.version, error=error)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, "Texterna är sparade. Förhandsgranska innan du fastställer."
                )
                return redirect("documents:document-detail", pk=pk)
    return render(
        request,
        "documents/document_detail.html",
        {
            "document": document,
            "form": form,
            "versions": document.versions.select_related("finalised_by"),
            "can_edit": can_edit,
        },
    )


@require_GET
def document_history(request, pk: int):
    document = get_for_user(request, DOCUMENTS, VIEW, pk=pk)
    return render(
        request,
        "documents/document_history.html",
        {"document": document, "entries": history.document_history(document=document)},
    )


@require_GET
def document_preview(request, pk: int):
    """Exactly the HTML the PDF is rendered from."""
    document = get_for_user(request, DOCUMENTS, VIEW, pk=pk)
    return HttpResponse(render_html(document))


@require_GET
def document_draft_pdf(request, pk: int):
    """The current texts as a PDF, not stored; marked as a draft in the file name."""
    document = get_for_user(request, DOCUMENTS, VIEW, pk=pk)
    response = HttpResponse(render_pdf(html=render_html(document)), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="utkast-{document.pk}.pdf"'
    return response


@require_POST
def document_finalise(request, pk: int):
    document = get_for_user(request, DOCUMENTS, EDIT, pk=pk)
    run_action(
        request,
        lambda: services.document_finalise(document=document, by=request.user),
        lambda version: (
            f"Version {version.number} är fastställd och sparad. {document.subject_name} kan "
            "inte längre ändras."
        ),
    )
    return redirect("documents:document-detail", pk=pk)


@require_POST
def document_new_version(request, pk: int):
    document = get_for_user(request, DOCUMENTS, EDIT, pk=pk)
    services.document_new_version(document=document, by=request.user)
    messages.info(
        request,
        "Dokumentet kan ändras igen. Tidigare versioner finns kvar och kan laddas ner.",
    )
    return redirect("documents:document-detail", pk=pk)


@require_GET
def version_download(request, pk: int):
    """A finalised version, byte for byte as stored."""
    version = get_for_user(request, VERSIONS, "documents.view_documentversion", pk=pk)
    try:
        pdf = version.verified_pdf()
    except StoredFileProblem as problem:
        logger.error("Fastställd version %s (id %s) lämnas inte ut: %s", version, pk, problem)
        return render(
            request,
            "documents/version_unavailable.html",
            {"version": version, "document": version.document, "problem": problem},
            status=409,
        )
    response = FileResponse(
        io.BytesIO(pdf),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"{version.document.title} version {version.number}.pdf",
    )
    response["ETag"] = f'"{version.sha256}"'
    return response
