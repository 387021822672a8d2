"""Forms of the agreement, the contract, their wording template and signing."""

from django import forms

from altprov.form_errors import ClearErrorsMixin

from .forms import DateInput
from .models import Agreement, AgreementTemplate, ParentContract

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class AgreementForm(ClearErrorsMixin, forms.ModelForm):
    error_subject = "the agreement's"

    class Meta:
        model = Agreement
        fields = [
            "learner_name",
            "provider_name",
            "site",
            "start_date",
            "target_end_date",
            "timetable",
            "hours",
            "targets",
            "review_dates",
            "attendance_code",
            "dsl_contact",
            "suspension",
        ]
        widgets = {
            "start_date": DateInput(),
            "target_end_date": DateInput(),
            **dict.fromkeys(
                ("site", "timetable", "targets", "review_dates", "dsl_contact", "suspension"), TEXTAREA
            ),
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("target_end_date")
        if start and end and end <= start:
            self.add_error("target_end_date", "The target end date must be after the start date.")
        return data


class ContractForm(ClearErrorsMixin, forms.ModelForm):
    error_subject = "the contract's"

    class Meta:
        model = ParentContract
        fields = [
            "learner_name",
            "provider_name",
            "site",
            "start_date",
            "target_end_date",
            "timetable",
            "reasons",
            "responsibilities",
            "attendance_commitment",
            "targets",
            "review_timescales",
            "contacts",
        ]
        widgets = {
            "start_date": DateInput(),
            "target_end_date": DateInput(),
            **dict.fromkeys(
                (
                    "site",
                    "timetable",
                    "reasons",
                    "responsibilities",
                    "attendance_commitment",
                    "targets",
                    "review_timescales",
                    "contacts",
                ),
                TEXTAREA,
            ),
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("target_end_date")
        if start and end and end <= start:
            self.add_error("target_end_date", "The target end date must be after the start date.")
        return data


class TemplateForm(ClearErrorsMixin, forms.ModelForm):
    error_subject = "the"

    class Meta:
        model = AgreementTemplate
        fields = ["provider_expectations", "school_expectations"]
        widgets = {
            "provider_expectations": forms.Textarea(attrs={"rows": 9}),
            "school_expectations": forms.Textarea(attrs={"rows": 7}),
        }


class SignForm(ClearErrorsMixin, forms.Form):
    name = forms.CharField(
        label="Your full name", max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    declaration = forms.BooleanField(label="I agree with the declaration above")
    drawn = forms.CharField(required=False, widget=forms.HiddenInput)
    error_messages_for = {
        "name": {"required": "Type your full name to sign"},
        "declaration": {"required": "Tick the box to agree with the declaration"},
    }

    def clean_drawn(self) -> str:
        drawn = self.cleaned_data.get("drawn", "")
        # A drawn signature is a small PNG from the page's canvas, or nothing.
        if not drawn.startswith("data:image/png;base64,") or len(drawn) > 200_000:
            return ""
        return drawn


class DeclineForm(ClearErrorsMixin, forms.Form):
    reason = forms.CharField(
        label="Why do you not want to sign?",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="The school will read this and contact you.",
    )
    error_messages_for = {"reason": {"required": "Say why you do not want to sign"}}
