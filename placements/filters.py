"""The filters of the list pages, read from the query string through forms.

A value that is not one of the choices (a hand-edited URL, a 30-digit id, a
provider the school does not use) is dropped with a message: the list shows
unfiltered by it, never an error page.
"""

from django import forms
from django.contrib import messages
from django.http import HttpRequest

from altprov.models import User

from .models import Provider, SenStatus, Status


class ListFilterForm(forms.Form):
    def chosen(self) -> dict:
        """The valid, non-empty values, cleaned (for the query) under their names."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}

    def shown(self) -> dict:
        """The same values as the page's selects hold them (text), for marking the chosen option."""
        return {name: self.data.get(name, "") for name in self.chosen()}

    def tell_ignored(self, request: HttpRequest) -> None:
        self.is_valid()
        for name in self.errors:
            if name in self.fields:
                label = str(self.fields[name].label).lower()
                messages.warning(request, f"That {label} is not one to filter by: it has been left out.")


class LearnerFilterForm(ListFilterForm):
    q = forms.CharField(label="Name or UPN", max_length=100, required=False)
    year = forms.TypedChoiceField(
        label="Year group", choices=[(y, y) for y in range(1, 15)], coerce=int, required=False
    )
    sen = forms.ChoiceField(label="SEN status", choices=SenStatus.choices, required=False)
    looked_after = forms.ChoiceField(label="Looked-after", choices=[("yes", "Yes")], required=False)
    provider = forms.ModelChoiceField(label="Provider", queryset=Provider.objects.none(), required=False)
    status = forms.ChoiceField(label="Placement status", choices=Status.choices, required=False)

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Provider.objects.used_by_schools([school.pk])


class PlacementFilterForm(ListFilterForm):
    status = forms.ChoiceField(label="Status", choices=[("all", "All"), *Status.choices], required=False)
    provider = forms.ModelChoiceField(label="Provider", queryset=Provider.objects.none(), required=False)
    visiting = forms.ModelChoiceField(label="Visiting staff", queryset=User.objects.none(), required=False)

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = Provider.objects.used_by_schools([school.pk])
        self.fields["visiting"].queryset = User.objects.filter(visited_placements__school=school).distinct()
