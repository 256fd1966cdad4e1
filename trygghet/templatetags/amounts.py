"""The one display filter for amounts: `{{ kronor|amount:unit }}`."""

from django import template
from django.utils.html import json_script

from trygghet.amounts import amount_rules, format_amount, format_amount_with_unit

register = template.Library()


@register.filter
def amount(kronor, unit):
    """Kronor shown in the organisation's unit, without the unit: 1600000|amount:"mkr" → 1,6."""
    return format_amount(kronor, unit)


@register.filter
def amount_unit(kronor, unit):
    """Kronor shown with the unit: 5000000|amount_unit:"mkr" → 5,0 mkr."""
    return format_amount_with_unit(kronor, unit)


@register.simple_tag
def amount_rules_script():
    """The units and limits of trygghet.amounts as a JSON block for static/js/amounts.js."""
    return json_script(amount_rules(), "amount-rules")
