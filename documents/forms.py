from django import forms
from django.db import models

from documents.models import DecisionDocument
from documents.rendering import SECTION_TITLES
from documents.services import EDITABLE_FIELDS
from trygghet.forms import form_helper


def _short_text_boxes(db_field, **kwargs):
    """Every long text of a document (a TextField) is edited in a four-row box, unless
    Meta.widgets says otherwise."""
    if isinstance(db_field, models.TextField):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4}))
    return db_field.formfield(**kwargs)


class DocumentForm(forms.ModelForm):
    """Every pre-filled text of a document; optional sections only where the organisation
    has switched them on."""

    # The version the texts were opened at; a save based on an older one is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    class Meta:
        model = DecisionDocument
        fields = EDITABLE_FIELDS
        formfield_callback = _short_text_boxes
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "proposer": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()
        self.fields["version"].initial = self.instance.version
        enabled = set(self.instance.organisation.optional_sections or [])
        for key, (field, _) in SECTION_TITLES.items():
            if key not in enabled:
                del self.fields[field]
        pattern = self.instance.organisation.reference_pattern
        if pattern:
            self.fields["reference"].help_text = f"Organisationens format: {pattern}"
