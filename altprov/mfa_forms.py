from django import forms

from .form_errors import ClearErrorsMixin


class CodeForm(ClearErrorsMixin, forms.Form):
    """One box for a code: six digits from the app, or a ten-digit backup code where `backup` allows."""

    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )
    error_messages_for = {"code": {"required": "Enter the 6-digit code from your authenticator app"}}

    def __init__(self, *args, user, check, backup: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.check = check
        self.device = None
        if backup:
            self.fields["code"].label = "Code from your authenticator app, or a backup code"
            self.fields["code"].help_text = "Six digits from the app, or one of your ten-digit backup codes."
            self.fields["code"].error_messages["required"] = (
                "Enter the 6-digit code from your authenticator app, or a backup code"
            )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        self.device = self.check(self.user, code)
        if self.device is None:
            raise forms.ValidationError(
                "That code is not right. Enter the code your app shows now; "
                "after several wrong codes, wait a minute before trying again."
            )
        return code


class ResetForm(ClearErrorsMixin, forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        help_text="For example: lost phone, new phone, reported on the phone to the office.",
    )
    error_messages_for = {"reason": {"required": "Enter the reason for resetting the second factor"}}

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Enter the reason for resetting the second factor")
        return reason
