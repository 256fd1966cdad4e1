"""Forms of the round pages. They read and validate; services write."""

from copy import copy

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.layout import Div
from django import forms
from django.db.models import Exists, OuterRef
from django.forms import formset_factory

from allocations.forms import AmountField
from applications.models import (
    APPLICATION_CONTENT_FIELDS,
    DEFAULT_CRITERIA,
    ROUND_FIELDS,
    Application,
    ApplicationStatus,
    EvidenceKind,
    Round,
    Verdict,
    evidence_date_errors,
)
from trygghet.forms import form_helper
from trygghet.models import Committee, CommitteeKind, FocusArea

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RoundForm(forms.ModelForm):
    """A round's own fields, labelled and limited by the model, and its criteria."""

    # The model has no range for a year: the form keeps typing slips out.
    year = forms.IntegerField(label="År", min_value=2000, max_value=2100)
    frame = AmountField(unit="mkr", label="Ram", required=True)
    criteria = forms.CharField(
        label="Bedömningskriterier",
        help_text="Ett kriterium per rad, i den ordning de ska bedömas.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    class Meta:
        model = Round
        fields = ROUND_FIELDS
        # The model's "anvisningar" is short for the admin; the form says to whom.
        labels = {"instructions": "Anvisningar till de sökande"}
        widgets = {
            "opens_on": DATE_WIDGET,
            "closes_on": DATE_WIDGET,
            "instructions": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, organisation, instance=None, **kwargs):
        # Validating writes the typed values onto the instance: a copy keeps the page's
        # round (its name in the heading) as saved.
        instance = copy(instance) if instance else Round(organisation=organisation)
        super().__init__(*args, instance=instance, **kwargs)
        self.helper = form_helper()
        unit = organisation.amount_unit
        self.fields["frame"].unit = unit
        self.fields["frame"].help_text = f"I {unit} om du inte skriver någon enhet."
        self.fields["deciding_body"].queryset = Committee.objects.filter(
            organisation=organisation,
            kind__in=[
                CommitteeKind.KOMMUNSTYRELSE,
                CommitteeKind.UTSKOTT,
                CommitteeKind.KOMMUNFULLMAKTIGE,
            ],
        )
        criteria = (
            [criterion.text for criterion in instance.criteria.all()]
            if instance.pk
            else DEFAULT_CRITERIA
        )
        self.initial.setdefault("criteria", "\n".join(criteria))

    def criteria_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["criteria"].splitlines() if line.strip()]


# The kinds of committee that apply for money in a round (seed 003's nämnder and bolag).
APPLYING_COMMITTEE_KINDS = [
    CommitteeKind.STADSDELSNAMND,
    CommitteeKind.FACKNAMND,
    CommitteeKind.BOLAG,
]
# A received application's statuses as the overview's filter names them.
RECEIVED_STATUS_CHOICES = [
    (ApplicationStatus.SUBMITTED, "Inskickad"),
    (ApplicationStatus.RETURNED, "Återsänd"),
]


class OverviewFilterForm(forms.Form):
    committee = forms.ModelChoiceField(
        label="Nämnd", queryset=Committee.objects.none(), required=False, empty_label="Alla"
    )
    committee_kind = forms.ChoiceField(
        label="Typ av nämnd",
        required=False,
        choices=[("", "Alla")] + [(kind.value, kind.label) for kind in APPLYING_COMMITTEE_KINDS],
    )
    focus_area = forms.ModelChoiceField(
        label="Fokusområde", queryset=FocusArea.objects.none(), required=False, empty_label="Alla"
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Alla"), *RECEIVED_STATUS_CHOICES],
    )
    assessed = forms.ChoiceField(
        label="Bedömd",
        required=False,
        choices=[("", "Alla"), ("ja", "Bedömda"), ("nej", "Ej bedömda")],
    )

    def __init__(self, *args, round_, **kwargs):
        super().__init__(*args, **kwargs)
        # The committees with an application in the overview, and the organisation's
        # focus areas, by name: one plain query each, however large the round.
        received = Application.objects.received().filter(round=round_, committee=OuterRef("pk"))
        self.fields["committee"].queryset = Committee.objects.filter(
            Exists(received), organisation_id=round_.organisation_id
        ).order_by("name")
        self.fields["focus_area"].queryset = FocusArea.objects.filter(
            programme__organisation_id=round_.organisation_id
        )

    def filters(self) -> dict:
        return self.cleaned_data if self.is_valid() else {}


YES_NO = [("", "Välj …"), ("ja", "Ja"), ("nej", "Nej")]


class ApplicationForm(forms.ModelForm):
    """What an applicant writes, labelled and limited by the model."""

    # The version the form was opened at; a save based on an older one is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    applied_amount = AmountField(unit="mkr", label="Sökt belopp", required=True)
    # Yes or no must be chosen actively: no answer is not a "no".
    consulted = forms.ChoiceField(
        label="Har stadsdelsnämnden där platsen ligger samråtts?", choices=YES_NO, required=False
    )

    class Meta:
        model = Application
        fields = APPLICATION_CONTENT_FIELDS
        # Where the model's verbose name (for the admin and the history) would read oddly
        # to an applicant: optional coordinates, and a question instead of a heading.
        labels = {
            "latitude": "Latitud (valfritt)",
            "longitude": "Longitud (valfritt)",
            "consulted_committee": "Vilken stadsdelsnämnd",
        }
        # Typed with a decimal comma, as in Swedish ("59,39"), in a text field.
        localized_fields = ["latitude", "longitude"]
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 4}),
            "measure": forms.Textarea(attrs={"rows": 3}),
            "expected_effect": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "problem": "Beskriv otryggheten på just den här platsen och vad som styrker den.",
        }

    def __init__(self, *args, round_, committee, instance=None, **kwargs):
        # Validating writes the typed values onto the instance: a copy keeps the page's
        # application (its title in the heading) as saved.
        new = Application(round=round_, committee=committee)
        instance = copy(instance) if instance else new
        super().__init__(*args, instance=instance, **kwargs)
        if instance.pk:
            self.initial["version"] = instance.version
            self.initial["consulted"] = {True: "ja", False: "nej"}.get(instance.consulted, "")
        unit = round_.organisation.amount_unit
        self.fields["applied_amount"].unit = unit
        self.fields[
            "applied_amount"
        ].help_text = (
            f"I {unit} om du inte skriver någon enhet. Ska vara lika med kostnadernas summa."
        )
        self.fields["focus_area"].empty_label = "Välj …"
        self.fields["focus_area"].queryset = FocusArea.objects.filter(
            programme__organisation_id=round_.organisation_id
        ).select_related("programme")
        self.is_facknamnd = committee.kind == CommitteeKind.FACKNAMND
        if self.is_facknamnd:
            self.fields["consulted_committee"].empty_label = "Välj …"
            self.fields["consulted_committee"].queryset = Committee.objects.filter(
                organisation_id=round_.organisation_id, kind=CommitteeKind.STADSDELSNAMND
            )
        else:
            del self.fields["consulted"]
            del self.fields["consulted_committee"]

    def clean(self):
        cleaned = super().clean()
        if self.is_facknamnd:
            consulted = {"ja": True, "nej": False}.get(cleaned.get("consulted"))
            cleaned["consulted"] = consulted
            if consulted and not cleaned.get("consulted_committee"):
                self.add_error(
                    "consulted_committee", "Ange vilken stadsdelsnämnd som har samråtts."
                )
        return cleaned


class CostForm(forms.Form):
    description = forms.CharField(label="Kostnad", max_length=300, required=False)
    amount = AmountField(unit="mkr", label="Belopp", required=False)

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("description")
            and cleaned.get("amount") is None
            and "amount" not in self.errors
        ):
            self.add_error("amount", "Ange kostnadens belopp.")
        if cleaned.get("amount") is not None and not cleaned.get("description"):
            self.add_error("description", "Beskriv kostnaden.")
        return cleaned


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(
        label="Underlag", choices=[("", "Välj …"), *EvidenceKind.choices], required=False
    )
    date = forms.DateField(label="Datum", required=False, widget=DATE_WIDGET)
    description = forms.CharField(label="Kort beskrivning", max_length=500, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("description") and not cleaned.get("kind"):
            self.add_error("kind", "Välj vilket slags underlag det är.")
        if cleaned.get("kind") and not cleaned.get("description"):
            self.add_error("description", "Beskriv underlaget kort.")
        if (cleaned.get("kind") or cleaned.get("description")) and "date" not in self.errors:
            for error in evidence_date_errors(cleaned.get("date")):
                self.add_error("date", error)
        return cleaned


class TableFormSet(forms.BaseFormSet):
    """A formset drawn as a table inside the page's form, under `caption`."""

    caption = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            template="bootstrap5/table_inline_formset.html", caption=self.caption
        )


class CostFormSet(formset_factory(CostForm, formset=TableFormSet, extra=0)):
    caption = "Kostnadsfördelning"


class EvidenceFormSet(formset_factory(EvidenceForm, formset=TableFormSet, extra=0)):
    caption = "Underlag"


def unit_formset(formset_class, *, unit: str, **kwargs):
    """A cost formset whose amount fields read amounts in the organisation's unit."""
    formset = formset_class(**kwargs)
    formset.helper.caption = f"{formset.caption}, belopp i {unit}"
    for form in formset.forms:
        if "amount" in form.fields:
            form.fields["amount"].unit = unit
    return formset


class AssessmentForm(forms.Form):
    # The version of the assessment the form was opened at (0: none yet).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    proposed_amount = AmountField(
        unit="mkr",
        label="Föreslaget belopp",
        required=True,
        help_text="Från 0 upp till det sökta beloppet.",
    )
    motivation = forms.CharField(
        label="Motivering",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Krävs när beloppet sänks eller är noll. Står i bilagan till tjänsteutlåtandet.",
    )

    def __init__(self, *args, criteria, unit: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposed_amount"].unit = unit
        self.criteria = list(criteria)
        # One bordered box per criterion: its verdict (radios in a fieldset) and comment.
        self.helper = form_helper(
            "version",
            *(
                Div(
                    InlineRadios(f"verdict_{criterion.pk}"),
                    f"comment_{criterion.pk}",
                    css_class="mb-3 border rounded p-3",
                )
                for criterion in self.criteria
            ),
            "proposed_amount",
            "motivation",
        )
        for number, criterion in enumerate(self.criteria, start=1):
            self.fields[f"verdict_{criterion.pk}"] = forms.ChoiceField(
                label=f"{number}. {criterion.text}",
                choices=Verdict.choices,
                widget=forms.RadioSelect,
                error_messages={"required": "Välj uppfyllt, delvis eller ej uppfyllt."},
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=f"Kommentar: {criterion.text}",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def verdicts(self) -> dict[int, tuple[str, str]]:
        return {
            criterion.pk: (
                self.cleaned_data[f"verdict_{criterion.pk}"],
                self.cleaned_data.get(f"comment_{criterion.pk}", ""),
            )
            for criterion in self.criteria
        }


class ReturnForm(forms.Form):
    # The version of the application the official read before returning it.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    message = forms.CharField(
        label="Vad behöver kompletteras?", widget=forms.Textarea(attrs={"rows": 3})
    )


class AttachmentForm(forms.Form):
    # Attachments are optional for an application: the field asks for a file only when the
    # applicant presses Ladda upp.
    file = forms.FileField(
        label="Bilaga",
        required=False,
        help_text="PDF, bild (PNG, JPEG), Excel (XLSX) eller Word (DOCX), högst 10 MB.",
    )
