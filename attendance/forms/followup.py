"""Forms for following up attendance: interventions and contact with parents/carers."""

from datetime import date

from django import forms
from django.utils import timezone

from altprov.form_errors import ClearErrorsMixin
from placements.forms import DateInput
from placements.models import Contact, Learner

from ..models import Intervention, ParentContact


class DateTimeInput(forms.DateTimeInput):
    """A native date and time picker; the value is ISO, in the school's local time."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class ContactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Contact) -> str:
        return f"{obj.name} ({obj.relationship}) – {obj.phone}"


class InterventionForm(ClearErrorsMixin, forms.ModelForm):
    error_messages_for = {
        "kind": {"required": "Choose what was done"},
        "outcome": {"required": "Enter the outcome of the intervention"},
    }

    class Meta:
        model = Intervention
        fields = ["kind", "date", "outcome", "next_step", "next_step_due"]
        labels = {"kind": "What was done", "next_step_due": "Next step due by"}
        widgets = {
            "date": DateInput(),
            "next_step_due": DateInput(),
            "outcome": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        # The instance's empty date would otherwise win over a field initial.
        if self.initial.get("date") is None:
            self.initial["date"] = today

    def clean_date(self) -> date:
        on = self.cleaned_data["date"]
        if on > self.today:
            raise forms.ValidationError(
                "Record an intervention once it has happened: the date cannot be in the future."
            )
        return on

    def clean(self):
        cleaned = super().clean()
        on, due = cleaned.get("date"), cleaned.get("next_step_due")
        if on and due and due < on:
            self.add_error("next_step_due", "The next step cannot be due before the intervention's date.")
        if due and not cleaned.get("next_step"):
            self.add_error("next_step", "Say what the next step is, or leave its due date empty.")
        return cleaned


class ParentContactForm(ClearErrorsMixin, forms.ModelForm):
    error_messages_for = {
        "at": {
            "required": "Enter the date and time of the contact",
            "invalid": "The date and time of the contact must be a real date and time",
        },
        "method": {"required": "Choose how you made contact"},
        "about": {"required": "Enter what the contact was about"},
        "outcome": {"required": "Enter the outcome of the contact"},
    }
    contact = ContactChoiceField(
        queryset=Contact.objects.none(),
        label="Who",
        empty_label="Choose a contact",
        error_messages={"required": "Choose who was contacted."},
    )

    class Meta:
        model = ParentContact
        fields = ["contact", "at", "method", "reached", "about", "outcome"]
        labels = {"at": "When", "reached": "Spoke to or reached them"}
        widgets = {"at": DateTimeInput(), "outcome": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, learner: Learner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = learner.contacts.all()
        self.fields["contact"].error_messages["invalid_choice"] = (
            f"Choose one of {learner}'s recorded contacts."
        )
        if self.initial.get("at") is None:
            self.initial["at"] = timezone.localtime().replace(second=0, microsecond=0)

    def clean_at(self):
        at = self.cleaned_data["at"]
        if at > timezone.now():
            raise forms.ValidationError(
                "Record a contact once it has happened: the time cannot be in the future."
            )
        return at
