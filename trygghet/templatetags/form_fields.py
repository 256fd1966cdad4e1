"""Template lookups the form and table templates need. Form fields themselves render
through django-crispy-forms (templates/bootstrap5/)."""

from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template, or None."""
    return mapping.get(key) if mapping else None
