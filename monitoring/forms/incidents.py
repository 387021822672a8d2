"""Forms for serious incidents: the report (staff and provider), the decision and its follow-up actions."""

from datetime import datetime

from django import forms
from django.utils import timezone

from altprov.form_errors import ClearErrorsMixin
from altprov.models import Role
from altprov.notifications import staff_with_role
from attendance.forms.followup import DateTimeInput
from placements.choosers import placement_chooser
from placements.forms import DateInput, staff_at
from placements.models import Placement

from ..models import Action, ActionSide
from .concerns import PLACEMENT_SEARCH, ProviderPlacementChoiceField, provider_placements, report_placements

YES_NO = [("yes", "Yes"), ("no", "No")]


class IncidentFieldsForm(ClearErrorsMixin, forms.Form):
    """What every report of a serious incident asks, whoever makes it."""

    occurred_at = forms.DateTimeField(label="When it happened", widget=DateTimeInput())
    what_happened = forms.CharField(label="What happened", widget=forms.Textarea(attrs={"rows": 6}))
    who_involved = forms.CharField(
        label="Who was involved",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Learners, staff and anyone else, with their roles.",
    )
    immediate_action = forms.CharField(
        label="Immediate action taken", widget=forms.Textarea(attrs={"rows": 3})
    )
    physical_intervention = forms.TypedChoiceField(
        label="Was physical intervention used?",
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    physical_intervention_detail = forms.CharField(
        label="If yes, the intervention: what was done, by whom and for how long",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    conditional_fields = ("physical_intervention_detail",)
    error_messages_for = {
        "occurred_at": {
            "required": "Enter the date and time of the incident",
            "invalid": "When it happened must be a real date and time",
        },
        "what_happened": {"required": "Enter what happened"},
        "who_involved": {"required": "Enter who was involved"},
        "immediate_action": {"required": "Enter the immediate action taken"},
        "physical_intervention": {"required": "Say whether physical intervention was used"},
    }

    def clean_occurred_at(self) -> datetime:
        at = self.cleaned_data["occurred_at"]
        if at > timezone.now():
            raise forms.ValidationError("When it happened cannot be in the future.")
        return at

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("physical_intervention")
            and not cleaned.get("physical_intervention_detail", "").strip()
        ):
            self.add_error(
                "physical_intervention_detail",
                "Describe the physical intervention: what was done, by whom and for how long.",
            )
        return cleaned

    def incident_fields(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in (
                "occurred_at",
                "what_happened",
                "who_involved",
                "immediate_action",
                "physical_intervention",
                "physical_intervention_detail",
            )
        }


class StaffIncidentForm(IncidentFieldsForm):
    placement = placement_chooser(
        Placement.objects.none(),
        url=PLACEMENT_SEARCH,
        label="Learner and placement",
        help_text="Type two letters of the learner's name or the provider's.",
    )
    field_order = ["placement"]

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["placement"].queryset = report_placements(school)
        self.fields["placement"].error_messages["required"] = "Choose the learner and placement"


class ProviderIncidentForm(IncidentFieldsForm):
    placement = ProviderPlacementChoiceField(
        queryset=Placement.objects.none(), label="Learner", empty_label="Choose the learner"
    )
    name = forms.CharField(label="Your name", max_length=200)
    role = forms.CharField(label="Your role", max_length=200)
    field_order = ["placement"]

    def __init__(self, *args, link, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["placement"].queryset = provider_placements(link)
        self.fields["placement"].error_messages["required"] = "Choose the learner involved"
        self.fields["name"].error_messages["required"] = "Enter your name"
        self.fields["role"].error_messages["required"] = "Enter your role"


class DecisionForm(ClearErrorsMixin, forms.Form):
    decision = forms.CharField(
        label="Course of action decided",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What the school will do, and why.",
    )
    decided_with = forms.ModelChoiceField(
        queryset=None,
        label="Agreed with (SLT)",
        help_text="The member of the senior leadership team the decision was agreed with.",
    )
    error_messages_for = {
        "decision": {"required": "Enter the course of action decided"},
        "decided_with": {"required": "Choose the member of SLT the decision was agreed with"},
    }

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_with"].queryset = staff_with_role(school, Role.SLT, Role.HEAD).order_by(
            "last_name", "first_name"
        )
        self.fields["decided_with"].label_from_instance = lambda u: u.get_full_name() or u.get_username()


class ActionForm(ClearErrorsMixin, forms.ModelForm):
    """A follow-up action; a row left empty is skipped."""

    conditional_fields = ("side", "description", "due_date", "owner", "owner_name")

    class Meta:
        model = Action
        fields = ["side", "description", "owner", "owner_name", "due_date"]
        labels = {
            "side": "For",
            "owner": "Owner at the school",
            "owner_name": "Owner at the provision, by name",
            "due_date": "Due by",
        }
        widgets = {"due_date": DateInput()}

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff_at(school).order_by("last_name", "first_name")
        self.fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.get_username()
        self.fields["side"].choices = [("", "Choose")] + list(ActionSide.choices)
        self.fields["owner"].required = False
        for name in ("side", "description", "due_date"):
            self.fields[name].required = False

    def clean(self):
        cleaned = super().clean()
        if not self.has_changed():
            return cleaned
        if not cleaned.get("description"):
            self.add_error("description", "Enter the action, or clear this row.")
        if not cleaned.get("side"):
            self.add_error("side", "Choose whether the action is for the school or the provision.")
        if not cleaned.get("due_date") and "due_date" not in self.errors:
            self.add_error("due_date", "Enter the date the action is due by.")
        if cleaned.get("side") == ActionSide.SCHOOL and not cleaned.get("owner"):
            self.add_error("owner", "Choose who at the school owns the action.")
        if cleaned.get("side") == ActionSide.PROVIDER and not (
            cleaned.get("owner") or cleaned.get("owner_name", "").strip()
        ):
            self.add_error("owner_name", "Name who at the provision owns the action.")
        return cleaned

    def _post_clean(self):
        # The rows are saved by record_decision, with the incident; no model validation here.
        pass


ActionFormSet = forms.formset_factory(ActionForm, extra=2, max_num=10)
