"""Import in the browser: upload → preview (choose what unknown names mean) → confirm.

One set of views and templates for every ImportFlow; nothing is stored until the
official confirms, and then everything in one transaction.
"""

from decimal import Decimal

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods, require_POST

from trygghet.access import refuse_if_locked
from trygghet.amounts import format_plain
from trygghet.imports.reader import MAX_FILE_SIZE, ImportFileError, file_unit, read_table

UNIT_CHOICES = [
    ("mkr", "mkr (miljoner kronor)"),
    ("tkr", "tkr (tusen kronor)"),
    ("kr", "kr (kronor)"),
]
NEW = "ny"
_ACCEPT = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Fil att importera",
        widget=forms.FileInput(attrs={"accept": _ACCEPT}),
        error_messages={"required": "Välj en fil att importera.", "empty": "Filen är tom."},
    )
    unit = forms.ChoiceField(
        label="Enhet för beloppen i filen",
        choices=UNIT_CHOICES,
        help_text="Gäller tal utan enhet. Ett belopp med enhet, som 1 600 tkr, läses med sin "
        "egen enhet.",
    )

    def __init__(self, *args, flow, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = flow.file_help
        self.fields["unit"].initial = file_unit(organisation.amount_unit)
        self.fields.update(flow.upload_fields())
        self.helper = FormHelper(self)
        self.helper.form_tag = False

    def clean_file(self) -> tuple[str, bytes]:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_SIZE:
            size = format_plain((Decimal(upload.size) / (1024 * 1024)).quantize(Decimal("0.1")))
            raise ValidationError(f"Filen är {size} MB. Den får vara högst 2 MB.")
        content = upload.read()
        try:
            read_table(content)
        except ImportFileError as error:
            raise ValidationError(str(error)) from error
        return upload.name, content


class ImportMappingForm(forms.Form):
    """One choice per row the import could not place: an existing target, or a new one."""

    def __init__(self, *args, rows, choices, **kwargs):
        super().__init__(*args, **kwargs)
        for row in rows:
            self.fields[f"rad_{row.number}"] = forms.ChoiceField(
                label=f"Budgetpost för rad {row.number}, ”{row.name}”",
                choices=choices,
                error_messages={
                    "required": "Välj en befintlig budgetpost eller Skapa ny budgetpost.",
                    "invalid_choice": "Välj en budgetpost i listan.",
                },
                widget=forms.Select(attrs={"class": "form-select-sm"}),
            )
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.form_show_labels = False

    def mapping(self) -> dict[int, int | None]:
        """File row number → target pk, or None for a new one."""
        return {
            int(name.removeprefix("rad_")): None if value == NEW else int(value)
            for name, value in self.cleaned_data.items()
        }


def urls(flow, prefix: str) -> list:
    """The four pages of `flow` under `prefix` (`<int:pk>/importera/`)."""
    return [
        path(prefix, upload, {"flow": flow}, name="import-upload"),
        path(f"{prefix}granska/", preview, {"flow": flow}, name="import-preview"),
        path(f"{prefix}spara/", confirm, {"flow": flow}, name="import-confirm"),
        path(f"{prefix}avbryt/", cancel, {"flow": flow}, name="import-cancel"),
    ]


def _url(flow, name: str, obj) -> str:
    return reverse(f"{flow.namespace}:import-{name}", args=[obj.pk])


@require_http_methods(["GET", "POST"])
def upload(request, pk: int, flow):
    obj = flow.get_object(request, pk)
    # A locked round shows no upload form; a file sent anyway is refused by the preview.
    if (
        request.method == "GET"
        and flow.locked_whole
        and (refused := refuse_if_locked(request, obj, flow.done_url(obj)))
    ):
        return refused
    form = ImportUploadForm(
        request.POST or None, request.FILES or None, flow=flow, organisation=obj.organisation
    )
    if request.method == "POST" and form.is_valid():
        name, content = form.cleaned_data.pop("file")
        flow.keep(request, obj, name=name, content=content, **form.cleaned_data)
        return redirect(_url(flow, "preview", obj))
    return render(
        request,
        "imports/upload.html",
        {"flow": flow, "object": obj, "form": form, **_links(flow, obj)},
    )


@require_http_methods(["GET"])
def preview(request, pk: int, flow):
    obj = flow.get_object(request, pk)
    return _preview(request, flow, obj, missing="Välj en fil att importera.")


@require_POST
def confirm(request, pk: int, flow):
    obj = flow.get_object(request, pk)
    return _preview(request, flow, obj, missing="Filen finns inte kvar. Ladda upp den igen.")


def _preview(request, flow, obj, *, missing: str):
    """The preview of the kept file; on a POST, stored once the user has chosen for every
    row that needs it, and shown again if the import found a problem."""
    kept, confirming = flow.kept(request, obj), request.method == "POST"
    if kept is None:
        (messages.error if confirming else messages.info)(request, missing)
        return redirect(_url(flow, "upload", obj))
    try:
        result = flow.preview(obj, kept)
    except ImportFileError as error:
        flow.discard(request, obj)
        messages.error(request, str(error))
        return redirect(_url(flow, "upload", obj))
    rows, choices = flow.mapping_rows(result), flow.mapping_choices(result)
    form = ImportMappingForm(request.POST if confirming else None, rows=rows, choices=choices)
    if form.is_valid():
        result = flow.preview(obj, kept, mapping=form.mapping(), by=request.user, dry_run=False)
        if not result.problems:
            flow.discard(request, obj)
            messages.success(request, f"Importen är sparad: {result.summary()}.")
            return redirect(flow.done_url(obj))
    return _render_preview(request, flow, obj, kept, result, form)


@require_POST
def cancel(request, pk: int, flow):
    obj = flow.get_object(request, pk)
    flow.discard(request, obj)
    messages.info(request, "Importen är avbruten. Inget har sparats.")
    return redirect(flow.done_url(obj))


def _links(flow, obj) -> dict:
    return {"done_url": flow.done_url(obj), "upload_url": _url(flow, "upload", obj)}


def _render_preview(request, flow, obj, kept, result, form):
    # A row to choose for is chosen in the table, next to the row; its problems are shown
    # there, where choosing again solves them, and not again in the list.
    chosen = {int(name.removeprefix("rad_")) for name in form.fields}
    problems = [
        problem for problem in result.problems if problem.code not in {"unmatched", "ambiguous"}
    ]
    if form.is_bound:
        for problem in problems:
            name = f"rad_{problem.row}"
            if problem.row in chosen and name not in form.errors:
                form.add_error(name, str(problem))
    return render(
        request,
        "imports/preview.html",
        {
            "flow": flow,
            "object": obj,
            "upload_name": kept["name"],
            "file_unit": kept["unit"],
            "unit": result.unit,
            "preview": result,
            "problems": problems,
            "form": form,
            "rows": [
                (row, form[f"rad_{row.number}"] if row.number in chosen else None)
                for row in result.rows
            ],
            "row_numbers": {row.number for row in result.rows},
            "can_confirm": all(problem.row in chosen for problem in problems),
            "confirm_url": _url(flow, "confirm", obj),
            "cancel_url": _url(flow, "cancel", obj),
            **_links(flow, obj),
        },
    )
