"""Disposing of one record past its retention period: the reason and a confirmation."""

from django import forms

from altprov.form_errors import ClearErrorsMixin


class DisposeForm(ClearErrorsMixin, forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        help_text="For example: past its period under the school's retention schedule, agreed with the DPO.",
    )
    confirm = forms.BooleanField(label="I understand the record is deleted and cannot be brought back")
    error_messages_for = {
        "reason": {"required": "Enter the reason for disposing of the record"},
        "confirm": {"required": "Tick the box to confirm that the record is to be deleted"},
    }

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Enter the reason for disposing of the record")
        return reason
