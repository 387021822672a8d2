"""Form errors as the GOV.UK Design System words and shows them.

Every form says what to do about a mistake in words drawn from its field
("Enter the learner's legal last name", not "This field is required"),
labels its optional fields "(optional)" rather than starring the required
ones, and lists its errors in one summary at the top of the page, each
linking to its field (templates/_error_summary.html).
"""

import re
from dataclasses import dataclass

from django import forms
from django.forms.utils import pretty_name

OPTIONAL = " (optional)"


def _label(form: forms.BaseForm, name: str) -> str:
    label = form.fields[name].label
    return str(label) if label else pretty_name(name)


def _in_a_sentence(label: str) -> str:
    """ "Date of birth" -> "date of birth"; an abbreviation ("UPN", "URN") stays as it is."""
    label = label.removesuffix(OPTIONAL)
    if len(label) > 1 and label[:2].isupper():
        return label
    return label[:1].lower() + label[1:]


def _defaults(field: forms.Field) -> dict[str, str]:
    """Django's own messages for this field's class, which are the ones to reword."""
    messages: dict[str, str] = {}
    for klass in reversed(type(field).__mro__):
        messages.update(getattr(klass, "default_error_messages", {}))
    return messages


def _without_percent(text: str) -> str:
    return re.sub(r"\s*\(%\)", "", text).replace("%", " per cent")


def field_messages(field: forms.Field, label: str, subject: str) -> dict[str, str]:
    """GOV.UK-style messages for a field: what to do, naming the thing to do it to."""
    # Django fills a message's placeholders when it has params, and some codes
    # have them only sometimes (a decimal's "invalid" for NaN), so a label's
    # "%" stays out of the messages: "attendance target (%)" reads "attendance target".
    thing = _without_percent(f"{subject} {_in_a_sentence(label)}")
    name = _without_percent(label.removesuffix(OPTIONAL))
    p_thing, p_name = thing, name
    if isinstance(field, forms.BooleanField):
        required = f"Tick “{name}”"
    elif isinstance(field, forms.FileField):
        required = f"Choose {thing} to upload"
    elif isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        required = f"Choose at least one of {thing}"
    elif isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        required = f"Choose {thing}"
    else:
        required = f"Enter {thing}"
    messages = {
        "required": required,
        "invalid_choice": f"Choose {p_thing} from the list",
        "max_length": f"{p_name} must be %(limit_value)s characters or fewer",
        "min_length": f"{p_name} must be %(limit_value)s characters or more",
        "min_value": f"{p_name} must be %(limit_value)s or more",
        "max_value": f"{p_name} must be %(limit_value)s or less",
        "max_digits": f"{p_name} must be a number of %(max)s digits or fewer",
        "max_decimal_places": f"{p_name} must have at most %(max)s decimal places",
        "missing": f"Choose {thing} to upload",
        "empty": "The file chosen is empty",
    }
    if isinstance(field, forms.DateTimeField):
        messages["invalid"] = f"{name} must be a real date and time"
    elif isinstance(field, forms.DateField):
        messages["invalid"] = f"{name} must be a real date"
    elif isinstance(field, forms.TimeField):
        messages["invalid"] = f"{name} must be a time, like 08:30"
    elif isinstance(field, forms.DecimalField | forms.FloatField):
        messages["invalid"] = f"{name} must be a number, like 12.50"
    elif isinstance(field, forms.IntegerField):
        messages["invalid"] = f"{name} must be a whole number, like 5"
    elif isinstance(field, forms.EmailField):
        messages["invalid"] = "Enter an email address in the correct format, like name@example.com"
    elif isinstance(field, forms.ModelMultipleChoiceField):
        messages["invalid_choice"] = f"Choose {p_thing} from the list"
    return messages


class ClearErrorsMixin:
    """Words every field's messages and marks its optional fields; mix into any form.

    `error_subject` begins the thing named ("the learner's" words "Enter the
    learner's legal last name"); `error_messages_for` gives a field its own
    message where the worded one would not say enough; `conditional_fields`
    are required only with another answer, so are not labelled optional;
    `non_field_errors_field` is where the summary sends a form-wide error.
    """

    error_subject = "the"
    error_messages_for: dict[str, dict[str, str]] = {}
    conditional_fields: tuple[str, ...] = ()
    non_field_errors_field = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        word_errors(self)


def word_errors(form: forms.BaseForm) -> None:
    """Reword Django's generic messages and mark optional fields, for the fields the form has now."""
    subject = getattr(form, "error_subject", "the")
    own = getattr(form, "error_messages_for", {})
    conditional = getattr(form, "conditional_fields", ())
    for name, field in form.fields.items():
        label = _label(form, name)
        defaults = _defaults(field)
        worded = field_messages(field, label, subject)
        # A copy: model form fields can share one dict of messages.
        messages = dict(field.error_messages)
        for code, message in worded.items():
            # Validators' codes (max_length, min_value) are not in the field's messages until set here.
            if code not in messages or messages[code] == defaults.get(code):
                messages[code] = message
        messages.update(own.get(name, {}))
        field.error_messages = messages
        optional = not field.required and not isinstance(field, forms.BooleanField)
        if optional and name not in conditional and not label.endswith(OPTIONAL):
            field.label = label + OPTIONAL


@dataclass(frozen=True)
class ErrorItem:
    message: str
    href: str


def _field_anchor(bound: forms.BoundField) -> str:
    # A group of radios or checkboxes has no single id: its first option is the one to go to.
    return f"#{bound.id_for_label or bound.auto_id + '_0'}"


def _first_field(form: forms.BaseForm) -> forms.BoundField | None:
    name = getattr(form, "non_field_errors_field", "")
    if name and name in form.fields:
        return form[name]
    visible = form.visible_fields()
    return visible[0] if visible else None


def _form_items(form: forms.BaseForm) -> list[ErrorItem]:
    items = []
    first = _first_field(form)
    for message in form.non_field_errors():
        items.append(ErrorItem(message, _field_anchor(first) if first else ""))
    for bound in form:
        items.extend(ErrorItem(message, _field_anchor(bound)) for message in bound.errors)
    return items


def error_items(*forms_or_formsets) -> list[ErrorItem]:
    """Every error on the page, in page order, each with the link to its field."""
    items: list[ErrorItem] = []
    for thing in forms_or_formsets:
        if isinstance(thing, list | tuple):
            items.extend(error_items(*thing))
        elif isinstance(thing, forms.BaseFormSet):
            if not thing.is_bound:
                continue
            first = next((f for f in thing.forms if _first_field(f)), None)
            anchor = _field_anchor(_first_field(first)) if first else ""
            items.extend(ErrorItem(message, anchor) for message in thing.non_form_errors())
            for form in thing.forms:
                items.extend(_form_items(form))
        elif isinstance(thing, forms.BaseForm) and thing.is_bound:
            items.extend(_form_items(thing))
    return items
