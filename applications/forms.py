"""Forms of the round pages. They read and validate; services write."""

from django import forms
from django.db.models import Exists, OuterRef
from django.forms import formset_factory

from allocations.forms import AmountField
from applications.models import Application, ApplicationStatus, EvidenceKind, Verdict
from trygghet.models import Committee, CommitteeKind, FocusArea

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RoundForm(forms.Form):
    name = forms.CharField(label="Namn", max_length=200)
    year = forms.IntegerField(label="År", min_value=2000, max_value=2100)
    frame = AmountField(unit="mkr", label="Ram", required=True)
    opens_on = forms.DateField(label="Öppnar", widget=DATE_WIDGET)
    closes_on = forms.DateField(label="Stänger", widget=DATE_WIDGET)
    deciding_body = forms.ModelChoiceField(
        label="Beslutande organ", queryset=Committee.objects.none(), required=False
    )
    instructions = forms.CharField(
        label="Anvisningar till de sökande",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    criteria = forms.CharField(
        label="Bedömningskriterier",
        help_text="Ett kriterium per rad, i den ordning de ska bedömas.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
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

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("opens_on")
            and cleaned.get("closes_on")
            and cleaned["closes_on"] < cleaned["opens_on"]
        ):
            self.add_error("closes_on", "Omgången kan inte stänga innan den öppnar.")
        return cleaned

    def criteria_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["criteria"].splitlines() if line.strip()]


class OverviewFilterForm(forms.Form):
    committee = forms.ModelChoiceField(
        label="Nämnd", queryset=Committee.objects.none(), required=False, empty_label="Alla"
    )
    committee_kind = forms.ChoiceField(
        label="Typ av nämnd",
        required=False,
        choices=[
            ("", "Alla"),
            (CommitteeKind.STADSDELSNAMND, "Stadsdelsnämnd"),
            (CommitteeKind.FACKNAMND, "Facknämnd"),
            (CommitteeKind.BOLAG, "Bolag"),
        ],
    )
    focus_area = forms.ModelChoiceField(
        label="Fokusområde", queryset=FocusArea.objects.none(), required=False, empty_label="Alla"
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[
            ("", "Alla"),
            (ApplicationStatus.SUBMITTED, "Inskickad"),
            (ApplicationStatus.RETURNED, "Återsänd"),
        ],
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


class ApplicationForm(forms.Form):
    # The version the form was opened at; a save based on an older one is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    title = forms.CharField(label="Titel", max_length=300)
    place = forms.CharField(label="Plats", max_length=300, help_text="Platsens namn eller adress.")
    # localize: typed with a decimal comma, as in Swedish ("59,39"), in a text field.
    latitude = forms.DecimalField(
        label="Latitud (valfritt)", required=False, max_digits=9, decimal_places=6, localize=True
    )
    longitude = forms.DecimalField(
        label="Longitud (valfritt)", required=False, max_digits=9, decimal_places=6, localize=True
    )
    problem = forms.CharField(
        label="Platsspecifik problembeskrivning",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Beskriv otryggheten på just den här platsen och vad som styrker den.",
    )
    measure = forms.CharField(
        label="Föreslagen åtgärd", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    expected_effect = forms.CharField(
        label="Förväntad effekt", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    focus_area = forms.ModelChoiceField(
        label="Fokusområde", queryset=FocusArea.objects.none(), required=False, empty_label="Välj …"
    )
    applied_amount = AmountField(unit="mkr", label="Sökt belopp", required=True)
    contact_name = forms.CharField(label="Kontaktperson", max_length=200, required=False)
    contact_email = forms.EmailField(label="E-post", required=False)
    contact_phone = forms.CharField(label="Telefon", max_length=40, required=False)
    consulted = forms.ChoiceField(
        label="Har stadsdelsnämnden där platsen ligger samråtts?", choices=YES_NO, required=False
    )
    consulted_committee = forms.ModelChoiceField(
        label="Vilken stadsdelsnämnd",
        queryset=Committee.objects.none(),
        required=False,
        empty_label="Välj …",
    )

    def __init__(self, *args, round_, committee, **kwargs):
        super().__init__(*args, **kwargs)
        unit = round_.organisation.amount_unit
        self.fields["applied_amount"].unit = unit
        self.fields[
            "applied_amount"
        ].help_text = (
            f"I {unit} om du inte skriver någon enhet. Ska vara lika med kostnadernas summa."
        )
        self.fields["focus_area"].queryset = FocusArea.objects.filter(
            programme__organisation_id=round_.organisation_id
        ).select_related("programme")
        self.is_facknamnd = committee.kind == CommitteeKind.FACKNAMND
        if self.is_facknamnd:
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
        if (cleaned.get("latitude") is None) != (cleaned.get("longitude") is None):
            self.add_error("longitude", "Ange både latitud och longitud, eller ingen av dem.")
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
        return cleaned


CostFormSet = formset_factory(CostForm, extra=0)
EvidenceFormSet = formset_factory(EvidenceForm, extra=0)


def unit_formset(formset_class, *, unit: str, **kwargs):
    """A cost formset whose amount fields read amounts in the organisation's unit."""
    formset = formset_class(**kwargs)
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
        for criterion in self.criteria:
            self.fields[f"verdict_{criterion.pk}"] = forms.ChoiceField(
                label=criterion.text,
                choices=Verdict.choices,
                widget=forms.RadioSelect,
                error_messages={"required": "Välj uppfyllt, delvis eller ej uppfyllt."},
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=f"Kommentar: {criterion.text}",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def criterion_rows(self):
        return [
            (criterion, self[f"verdict_{criterion.pk}"], self[f"comment_{criterion.pk}"])
            for criterion in self.criteria
        ]

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
    file = forms.FileField(
        label="Bilaga",
        help_text="PDF, bild (PNG, JPEG), Excel (XLSX) eller Word (DOCX), högst 10 MB.",
    )
