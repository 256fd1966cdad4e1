"""The upload form and the form that maps unknown names to budget lines."""

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from allocations.imports.parsing import (
    MAX_FILE_SIZE,
    ImportFileError,
    PreviewRow,
    file_unit,
    read_table,
)
from allocations.models import BudgetLine
from trygghet.amounts import format_plain

NEW_LINE = "ny"
UNIT_CHOICES = [
    ("mkr", "mkr (miljoner kronor)"),
    ("tkr", "tkr (tusen kronor)"),
    ("kr", "kr (kronor)"),
]
_ACCEPT = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _AccessibleErrorsMixin:
    """Marks fields with errors for Bootstrap and links each to its message, which the
    templates render with the id `<field id>_error`."""

    def full_clean(self):
        super().full_clean()
        self.mark_errors()

    def mark_errors(self):
        for name in self.errors:
            if name not in self.fields:
                continue
            bound = self[name]
            widget = self.fields[name].widget
            described_by = [f"{bound.auto_id}_error"]
            if self.fields[name].help_text:
                described_by.append(f"{bound.auto_id}_helptext")
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
            widget.attrs["aria-invalid"] = "true"
            widget.attrs["aria-describedby"] = " ".join(described_by)


@dataclass(frozen=True)
class UploadedTable:
    name: str
    content: bytes


class ImportUploadForm(_AccessibleErrorsMixin, forms.Form):
    file = forms.FileField(
        label="Fil att importera",
        help_text="CSV eller XLSX, högst 2 MB. Första kolumnen är budgetpostens namn; övriga "
        "kolumner har rubrikerna Förslag 2024, Budget 2023, Utfall 2023 eller bara ett år "
        "(2022) för beslutad budget.",
        widget=forms.FileInput(attrs={"class": "form-control", "accept": _ACCEPT}),
        error_messages={"required": "Välj en fil att importera.", "empty": "Filen är tom."},
    )
    unit = forms.ChoiceField(
        label="Enhet för beloppen i filen",
        choices=UNIT_CHOICES,
        help_text="Gäller tal utan enhet. Ett belopp med enhet, som 1 600 tkr, läses med sin "
        "egen enhet.",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    create_years = forms.BooleanField(
        label="Skapa år som saknas i paketet, med filens summarad som ram",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].initial = file_unit(organisation.amount_unit)

    def clean_file(self) -> UploadedTable:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_SIZE:
            size = format_plain((Decimal(upload.size) / (1024 * 1024)).quantize(Decimal("0.1")))
            raise ValidationError(f"Filen är {size} MB. Den får vara högst 2 MB.")
        content = upload.read()
        try:
            read_table(content)
        except ImportFileError as error:
            raise ValidationError(str(error)) from error
        return UploadedTable(name=upload.name, content=content)


def mapping_field_name(row: PreviewRow) -> str:
    return f"rad_{row.number}"


class ImportMappingForm(_AccessibleErrorsMixin, forms.Form):
    """One choice per name that matches no line: an existing line, or a new one."""

    def __init__(self, *args, rows: list[PreviewRow], lines: list[BudgetLine], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            ("", "Välj budgetpost …"),
            ("Befintliga budgetposter", [(str(line.pk), line.name) for line in lines]),
            (NEW_LINE, "Skapa ny budgetpost"),
        ]
        for row in rows:
            self.fields[mapping_field_name(row)] = forms.ChoiceField(
                label=f"Budgetpost för rad {row.number}, ”{row.name}”",
                choices=choices,
                error_messages={
                    "required": "Välj en befintlig budgetpost eller Skapa ny budgetpost.",
                    "invalid_choice": "Välj en budgetpost i listan.",
                },
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )

    def field_for(self, row: PreviewRow):
        name = mapping_field_name(row)
        return self[name] if name in self.fields else None

    def add_row_problems(self, problems) -> None:
        """Show the problems of a mapped row (two rows for one line, a decided year) next to
        its choice, where the user can change it."""
        for problem in problems:
            name = f"rad_{problem.row}"
            if name in self.fields and name not in self.errors:
                self.add_error(name, str(problem))
        self.mark_errors()

    def mapping(self) -> dict[int, int | None]:
        """File row number → line pk, or None for a new line."""
        return {
            int(name.removeprefix("rad_")): None if value == NEW_LINE else int(value)
            for name, value in self.cleaned_data.items()
        }
