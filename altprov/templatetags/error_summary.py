"""The error summary and the page title's "Error: " prefix (GOV.UK Design System)."""

from django import template

from altprov.form_errors import error_items

register = template.Library()


@register.inclusion_tag("_error_summary.html")
def error_summary(*forms_or_formsets, note: str = "") -> dict:
    """`{% error_summary form formset %}`: every error on the page, each a link to its field;
    `note` says what happened to the rest ("Nothing was saved.")."""
    return {"errors": error_items(*forms_or_formsets), "title": "There is a problem", "note": note}


@register.simple_tag
def error_prefix(*forms_or_formsets) -> str:
    """`{% error_prefix form %}` at the start of the title block: "Error: " while the page shows errors."""
    return "Error: " if error_items(*forms_or_formsets) else ""
