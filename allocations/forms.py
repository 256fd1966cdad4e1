"""Forms of the allocation pages. They read and validate; services write."""

from django import forms

from allocations.models import AmountKind, BudgetLine, Package
from allocations.rules import amount_field
from trygghet.forms import AmountField, form_helper
from trygghet.models import Committee, FocusArea


class AllocationForm(forms.Form):
    """One amount per line of the year; `lines` are the lines active that year, in order."""

    # The version of the year and the amounts the form was opened with: a save based on
    # them is refused if someone else has saved since (see allocation_save).
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        lines: list[BudgetLine],
        year: int,
        unit: str,
        initial_amounts: dict,
        version: int,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.lines = lines
        self.fields["version"].initial = version
        for line in lines:
            self.fields[self.field_name(line)] = AmountField(
                unit=unit, label=line.label_for(year), initial=initial_amounts.get(line.pk)
            )
            self.fields[f"original_{line.pk}"] = forms.IntegerField(
                widget=forms.HiddenInput, required=False, initial=initial_amounts.get(line.pk)
            )

    @staticmethod
    def field_name(line: BudgetLine) -> str:
        return amount_field(line.pk)

    def rows(self):
        """(line, bound field) in table order, for the template."""
        return [(line, self[self.field_name(line)]) for line in self.lines]

    def amounts(self) -> dict[int, int | None]:
        return {line.pk: self.cleaned_data.get(self.field_name(line)) for line in self.lines}

    def originals(self) -> dict[int, int | None]:
        return {line.pk: self.cleaned_data.get(f"original_{line.pk}") for line in self.lines}


class NewYearForm(forms.Form):
    year = forms.IntegerField(label="År", min_value=2000, max_value=2100)
    frame = AmountField(unit="mkr", label="Ram", required=True)
    source = forms.ChoiceField(
        label="Utgå från",
        choices=[
            (AmountKind.PROPOSAL, "Förra årets förslag"),
            (AmountKind.BUDGET, "Förra årets budget"),
            ("", "Tomt förslag"),
        ],
        required=False,
    )

    def __init__(self, *args, unit: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()
        self.fields["frame"].unit = unit
        self.fields[
            "frame"
        ].help_text = f"I {unit} om du inte skriver någon enhet, t.ex. 5,0 eller 5 000 tkr."


class LineForm(forms.Form):
    name = forms.CharField(label="Namn", max_length=200)
    description = forms.CharField(
        label="Beskrivning", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    recipient = forms.ModelChoiceField(
        label="Mottagande nämnd",
        queryset=Committee.objects.none(),
        required=False,
        empty_label="Ingen",
    )
    focus_area = forms.ModelChoiceField(
        label="Fokusområde", queryset=FocusArea.objects.none(), required=False, empty_label="Inget"
    )
    # Offered (with the reason) only when the name is a line that ended last year.
    take_back = forms.BooleanField(
        label="Ta tillbaka den avslutade budgetposten i stället för att skapa en ny",
        required=False,
    )

    def __init__(self, *args, package: Package, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()
        if not self.is_bound:
            del self.fields["take_back"]
        self.fields["recipient"].queryset = Committee.objects.filter(
            organisation_id=package.organisation_id
        )
        self.fields["focus_area"].queryset = FocusArea.objects.filter(
            programme__organisation_id=package.organisation_id
        ).select_related("programme")

    def offers_take_back(self) -> bool:
        """Whether the checkbox is shown again: the service asked for it, or it was ticked."""
        return "take_back" in self.errors or bool(self.data.get(self.add_prefix("take_back")))


class RenameLineForm(forms.Form):
    """A line's new name, typed in the line's own row: ids name the line, so they are unique
    on the page."""

    name = forms.CharField(label="Nytt namn", max_length=200)

    def __init__(self, *args, line: BudgetLine, label: str, **kwargs):
        kwargs.setdefault("auto_id", f"namn-{line.pk}-%s")
        super().__init__(*args, **kwargs)
        self.fields["name"].label = f"Nytt namn för {label}"
        self.fields["name"].initial = label
