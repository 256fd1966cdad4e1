from collections.abc import Callable
from typing import TypeVar

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.contrib import messages
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from trygghet.amounts import AmountError, format_amount, parse_amount
from trygghet.decisions import DecisionRecord

T = TypeVar("T")


def form_helper(*fields, **attributes) -> FormHelper:
    """A crispy helper for a form (or formset) drawn inside the page's own <form>, which
    holds the CSRF token and the buttons; `fields` lay it out, `attributes` set the rest.
    The accessible markup (labels, errors, aria) is in templates/bootstrap5/."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    if fields:
        helper.layout = Layout(*fields)
    for name, value in attributes.items():
        setattr(helper, name, value)
    return helper


class LoginForm(AuthenticationForm):
    """Django's login form with the messages in Swedish (Django's sv catalogue lacks them)."""

    error_messages = {
        "invalid_login": (
            "Fel användarnamn eller lösenord. Tänk på att stora och små bokstäver räknas olika."
        ),
        "inactive": "Kontot är inaktiverat. Kontakta systemets administratör.",
    }


class AmountField(forms.CharField):
    """A text field for an amount as officials type it ("1,6", "1 600 tkr"); cleans to kronor."""

    max_typed_length = 40

    def __init__(self, *, unit: str, **kwargs):
        self.unit = unit
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            return format_amount(value, self.unit)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        if len(text) > self.max_typed_length:
            raise ValidationError("Beloppet är för långt.", code="amount")
        try:
            return parse_amount(text, default_unit=self.unit)
        except AmountError as error:
            raise ValidationError(str(error), code="amount") from error

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update(
            {
                "inputmode": "decimal",
                "autocomplete": "off",
                "class": "form-control text-end amount-input",
            }
        )
        return attrs


class DecisionForm(forms.Form):
    """The protocol's facts about a decision and the decided amount of each row, pre-filled
    with the proposal: an unchanged row means the decision followed the proposal there."""

    body = forms.CharField(label="Beslutande organ", max_length=200)
    decided_on = forms.DateField(
        label="Beslutsdatum",
        help_text="Sammanträdets datum, t.ex. 2024-03-25.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    paragraph = forms.CharField(label="Paragraf", max_length=20, help_text="Till exempel § 241.")
    protocol_reference = forms.CharField(
        label="Protokoll",
        max_length=200,
        required=False,
        help_text="Protokollets beteckning eller diarienummer, t.ex. KS 2024-03-25.",
    )
    note = forms.CharField(
        label="Kommentar", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, rows: list[tuple[str, object, str, int | None]], unit: str, **kwargs):
        """`rows` are (prefix, pk, label, proposed amount) of what the decision distributes."""
        super().__init__(*args, **kwargs)
        self.row_keys = []
        for prefix, pk, label, proposed in rows:
            name = f"{prefix}_{pk}"
            self.fields[name] = AmountField(
                unit=unit,
                label=f"Beslutat belopp för {label}",
                initial=proposed or 0,
                required=True,
                error_messages={"required": "Ange beslutat belopp (0 om inget beviljas)."},
            )
            self.row_keys.append((name, pk, label, proposed))

    @property
    def rows(self):
        """(label, proposed amount, bound field) for the template's table."""
        return [(label, proposed, self[name]) for name, _, label, proposed in self.row_keys]

    def record(self) -> DecisionRecord:
        data = self.cleaned_data
        return DecisionRecord(
            body=data["body"],
            decided_on=data["decided_on"],
            paragraph=data["paragraph"],
            protocol_reference=data["protocol_reference"],
            note=data["note"],
        )

    def amounts(self) -> dict:
        return {pk: self.cleaned_data[name] for name, pk, *_ in self.row_keys}


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="Skäl för återöppning",
        help_text="Till exempel: beslutet upphävdes av kommunfullmäktige 2024-05-12 § 88. "
        "Skälet sparas med beslutet.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field where it names one, else
    above the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error)


def run_action(request, action: Callable[[], T], success: str | Callable[[T], str]) -> T | None:
    """A one-button action (submit, finalise, upload): run its service and say how it went,
    the success message (or what `success` writes of the result) or each of the service's
    refusals, above the page it returns to."""
    try:
        result = action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return None
    messages.success(request, success(result) if callable(success) else success)
    return result
