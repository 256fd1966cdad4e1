"""Renders a form widget with the accessibility attributes a screen reader needs:
the error and help text linked by aria-describedby, aria-invalid on error."""

from django import forms, template

register = template.Library()


@register.filter
def accessible_widget(field):
    widget = field.field.widget
    if isinstance(widget, forms.Select):
        css = "form-select"
    elif isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    else:
        css = "form-control"
    existing = widget.attrs.get("class", "")
    attrs = {"class": " ".join(part for part in (existing, css) if part)}
    described_by = []
    if field.help_text:
        described_by.append(f"{field.auto_id}_helptext")
    if field.errors:
        attrs["class"] += " is-invalid"
        attrs["aria-invalid"] = "true"
        described_by.append(f"{field.auto_id}_error")
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template, or None."""
    return mapping.get(key) if mapping else None
