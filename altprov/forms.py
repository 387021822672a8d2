from django import forms
from django.core.exceptions import ValidationError

from .models import School


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class SchoolSettingsForm(forms.ModelForm):
    class Meta:
        model = School
        fields = [
            "address",
            "phone",
            "email",
            "dsl_name",
            "dsl_phone",
            "dsl_email",
            "attendance_target",
            "provider_email_time",
            "report_cutoff",
            "escalation_time",
            "pm_report_cutoff",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "provider_email_time": TimeInput(),
            "report_cutoff": TimeInput(),
            "escalation_time": TimeInput(),
            "pm_report_cutoff": TimeInput(),
        }

    def clean(self):
        cleaned = super().clean()
        target = cleaned.get("attendance_target")
        if target is not None and not 0 <= target <= 100:
            self.add_error("attendance_target", "The target is a percentage from 0 to 100.")
        email, cutoff = cleaned.get("provider_email_time"), cleaned.get("report_cutoff")
        escalation, pm = cleaned.get("escalation_time"), cleaned.get("pm_report_cutoff")
        if email and cutoff and email >= cutoff:
            self.add_error("provider_email_time", "Email providers before the morning cut-off.")
        if cutoff and escalation and escalation <= cutoff:
            self.add_error("escalation_time", "Escalation comes after the morning cut-off.")
        if cutoff and pm and pm <= cutoff:
            self.add_error("pm_report_cutoff", "The afternoon cut-off comes after the morning one.")
        if self.errors:
            raise ValidationError("Please correct the times below.")
        return cleaned
