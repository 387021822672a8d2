"""A chooser: a text box that searches instead of a select box holding every row.

With JavaScript (static/js/chooser.js) it is an ARIA combobox: typing two
characters asks the field's search URL for up to 20 matches, scoped to the
user, and choosing one puts its id in a hidden input. Without JavaScript the
form resolves what was typed on the server: one match is taken, several or none
are an error that names them, and what was typed is kept.
"""

from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

MIN_CHARS = 2
MAX_RESULTS = 20


class ChooserWidget(forms.Widget):
    template_name = "_chooser.html"

    def __init__(self, url: str = "", attrs=None):
        super().__init__(attrs)
        self.url = url
        # The id of another chooser's hidden input whose value narrows this one's search.
        self.within = ""

    def _render(self, template_name, context, renderer=None):
        # The project's templates, whichever form renderer is set.
        return mark_safe(render_to_string(template_name, context))

    def value_from_datadict(self, data, files, name):
        return {"id": data.get(name, ""), "text": data.get(f"{name}_text", "")}

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}_text" not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if isinstance(value, dict):
            chosen, text = value.get("id", ""), value.get("text", "")
        elif value in (None, ""):
            chosen, text = "", ""
        else:
            chosen, text = value, self.label(value)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs.update(
            {
                "role": "combobox",
                "aria-autocomplete": "list",
                "aria-expanded": "false",
                "aria-controls": f"{widget_attrs.get('id', name)}-listbox",
            }
        )
        context["widget"].update(
            {
                "url": str(self.url),
                "within": self.within,
                "chosen": chosen,
                "text": text,
                "min_chars": MIN_CHARS,
                "text_name": f"{name}_text",
            }
        )
        return context

    def label(self, value) -> str:
        field = getattr(self, "field", None)
        if field is None:
            return str(value)
        try:
            return field.label_from_instance(field.queryset.get(pk=value))
        except (ValueError, TypeError, field.queryset.model.DoesNotExist):
            return ""


class ChooserField(forms.ModelChoiceField):
    """A ModelChoiceField chosen by searching: the id is checked against the (scoped) queryset,
    and typed text without an id is looked up with `search(queryset, text)`."""

    widget = ChooserWidget

    def __init__(self, queryset, *, search: Callable[[QuerySet, str], QuerySet], url: str = "", **kwargs):
        kwargs.setdefault("widget", ChooserWidget(url=url))
        super().__init__(queryset, **kwargs)
        self.search = search
        self.widget.field = self
        self.error_messages.setdefault("no_match", "Nothing matches “%(text)s”: check the spelling.")
        self.error_messages.setdefault(
            "ambiguous", "Several match “%(text)s”: type more to choose one of %(names)s."
        )

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result.widget.field = result
        return result

    def to_python(self, value):
        if not isinstance(value, dict):
            return super().to_python(value)
        if value.get("id"):
            return super().to_python(value["id"])
        text = (value.get("text") or "").strip()
        if not text:
            return None
        found = list(self.search(self.queryset, text)[:6])
        if len(found) == 1:
            return found[0]
        if not found:
            raise ValidationError(self.error_messages["no_match"], code="no_match", params={"text": text})
        names = ", ".join(self.label_from_instance(o) for o in found[:5])
        raise ValidationError(
            self.error_messages["ambiguous"],
            code="ambiguous",
            params={"text": text, "names": names + (" and more" if len(found) > 5 else "")},
        )

    def has_changed(self, initial, data):
        return super().has_changed(initial, data.get("id") if isinstance(data, dict) else data)
