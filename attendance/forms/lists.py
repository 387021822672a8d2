"""Filter forms of the long attendance pages (GET forms: a bad value is reported, never a 500)."""

from django import forms

from altprov.form_errors import ClearErrorsMixin
from placements.forms import DateInput

from ..today import STATES, URGENT

YEAR_GROUPS = [("", "Any year")] + [(str(n), f"Year {n}") for n in range(1, 15)]


class TodayFilterForm(ClearErrorsMixin, forms.Form):
    """Which of the providers that are not urgent to show; missing and escalated ones always are."""

    status = forms.ChoiceField(
        label="Report",
        required=False,
        choices=[("", "Any")] + [(key, label) for key, (label, _) in STATES.items() if key not in URGENT],
    )
    q = forms.CharField(label="Provider or learner", required=False, max_length=100)
    year_group = forms.TypedChoiceField(
        label="Year group", required=False, choices=YEAR_GROUPS, coerce=int, empty_value=None
    )
    provider = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class RegisterFilterForm(ClearErrorsMixin, forms.Form):
    """Which placements of the register grid to show (the dates are the DateRangeForm's)."""

    q = forms.CharField(label="Provider or learner", required=False, max_length=100)
    year_group = forms.TypedChoiceField(
        label="Year group", required=False, choices=YEAR_GROUPS, coerce=int, empty_value=None
    )


class SinceForm(ClearErrorsMixin, forms.Form):
    since = forms.DateField(
        label="Absences from",
        required=False,
        widget=DateInput(),
        error_messages={"invalid": "Enter the first day as a date, for example 7/9/2026."},
    )
