from datetime import date

from django import forms
from django.utils import timezone

from altprov.form_errors import ClearErrorsMixin, word_errors
from placements.forms import CeasePlacementForm, DateInput

from ..models import ActionSide, AgreementReview, CeaseOutcome, MeetingOutcome, ReviewMeeting

PROGRESS_PREFIX = "progress_"


def _not_in_future(value: date | None, what: str) -> date | None:
    if value and value > timezone.localdate():
        raise forms.ValidationError(f"{what} cannot be in the future")
    return value


class ReviewMeetingForm(ClearErrorsMixin, forms.ModelForm):
    """The meeting, with one box per agreed target for the progress against it."""

    error_subject = "the"
    error_messages_for = {
        "held_on": {"required": "Enter the date of the meeting"},
        "attendees": {"required": "Enter who attended, with their roles"},
        "learner_views": {"required": "Enter the learner's views"},
        "outcome": {"required": "Choose whether progress is satisfactory or unsatisfactory"},
    }

    class Meta:
        model = ReviewMeeting
        fields = [
            "held_on",
            "attendees",
            "school_attended",
            "learner_attended",
            "parents_attended",
            "provider_attended",
            "learner_views",
            "parent_views",
            "outcome",
            "notes",
        ]
        widgets = {
            "held_on": DateInput(),
            "attendees": forms.Textarea(attrs={"rows": 2}),
            "learner_views": forms.Textarea(attrs={"rows": 3}),
            "parent_views": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "outcome": forms.RadioSelect,
        }
        labels = {"outcome": "Outcome: is progress satisfactory?"}

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = list(targets)
        for target in self.targets:
            self.fields[f"{PROGRESS_PREFIX}{target.pk}"] = forms.CharField(
                label=f"Progress against “{target.description}”",
                help_text=f"Baseline: {target.baseline}. Measured by: {target.measure}.",
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={"required": f"Enter the progress against “{target.description}”"},
            )
        self.fields["outcome"].choices = MeetingOutcome.choices
        word_errors(self)  # again, for the targets' fields

    def clean_held_on(self):
        return _not_in_future(self.cleaned_data.get("held_on"), "The date of the meeting")

    @property
    def progress_fields(self) -> list:
        return [self[name] for name in self.fields if name.startswith(PROGRESS_PREFIX)]

    def progress(self) -> dict[int, str]:
        return {
            int(name.removeprefix(PROGRESS_PREFIX)): value
            for name, value in self.cleaned_data.items()
            if name.startswith(PROGRESS_PREFIX)
        }


class ActionForm(ClearErrorsMixin, forms.Form):
    """One agreed action; a row left empty is ignored."""

    error_subject = "the action's"
    error_messages_for = {
        "description": {"required": "Describe the action"},
        "due_date": {"required": "Enter the date the action is due by"},
    }
    conditional_fields = ("owner", "owner_name")

    description = forms.CharField(label="Action", max_length=300)
    side = forms.ChoiceField(label="For", choices=ActionSide.choices, initial=ActionSide.SCHOOL)
    owner = forms.ModelChoiceField(
        label="Owner at the school", queryset=None, required=False, help_text="A member of staff, or"
    )
    owner_name = forms.CharField(
        label="Owner's name", max_length=200, required=False, help_text="someone at the provider, by name."
    )
    due_date = forms.DateField(label="Due by", widget=DateInput())

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = lambda user: user.get_full_name() or user.get_username()

    def clean(self):
        data = super().clean()
        if data.get("owner") and data.get("owner_name", "").strip():
            self.add_error("owner_name", "Choose a member of staff or give a name, not both")
        elif not data.get("owner") and not data.get("owner_name", "").strip():
            self.add_error(
                "owner", "Choose who owns the action, or give the name of its owner at the provider"
            )
        return data


ActionFormSet = forms.formset_factory(ActionForm, extra=2)


class CeaseDecisionForm(CeasePlacementForm):
    """Continue or cease; ceasing takes the placement form's last day and its confirmation."""

    error_messages_for = {
        "reason": {"required": "Enter the reason for the decision"},
        "outcome": {"required": "Choose whether to continue or cease the placement"},
    }
    conditional_fields = ("on",)
    field_order = ["outcome", "reason", "on", "confirm"]

    outcome = forms.ChoiceField(label="Decision", choices=CeaseOutcome.choices, widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = "Recorded with the decision, and on the placement if it is ceased."
        self.fields["on"].required = False
        self.fields["on"].label = "Last day (if ceasing)"
        self.fields["confirm"].required = False

    def clean(self):
        data = super().clean()
        if data.get("outcome") == CeaseOutcome.CEASE:
            if not data.get("on") and "on" not in self.errors:
                self.add_error("on", "Enter the last day of the placement")
            if not data.get("confirm"):
                self.add_error("confirm", "Tick the box to confirm that the placement is to cease")
        return data


class AgreementReviewForm(ClearErrorsMixin, forms.ModelForm):
    error_messages_for = {
        "held_on": {"required": "Enter the date of the review"},
        "notes": {"required": "Enter what was reviewed and agreed"},
    }

    class Meta:
        model = AgreementReview
        fields = ["held_on", "notes", "changes_needed"]
        widgets = {"held_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 4})}

    def clean_held_on(self):
        return _not_in_future(self.cleaned_data.get("held_on"), "The date of the review")


class ActionDoneForm(ClearErrorsMixin, forms.Form):
    error_messages_for = {"note": {"required": "Enter what was done"}}

    note = forms.CharField(label="What was done", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    on = forms.DateField(label="Done on", widget=DateInput())

    def clean_on(self):
        return _not_in_future(self.cleaned_data.get("on"), "The date it was done")


class ActionFilterForm(forms.Form):
    """The Actions page's filters for SLT and the head: owner, learner (typed), overdue only."""

    owner = forms.ModelChoiceField(queryset=None, required=False, empty_label="Anyone")
    learner = forms.CharField(label="Learner's name or UPN", max_length=100, required=False)
    overdue = forms.BooleanField(label="Overdue only", required=False)

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = lambda user: user.get_full_name() or user.get_username()
        self.fields["owner"].widget.attrs["class"] = "form-select"
        self.fields["learner"].widget.attrs.update(
            {"class": "form-control", "type": "search", "autocomplete": "off"}
        )
        self.fields["overdue"].widget.attrs["class"] = "form-check-input"
