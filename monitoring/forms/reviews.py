"""The provider's Termly Review form (by link) and the school's response to it."""

from decimal import Decimal

from django import forms

from altprov.form_errors import ClearErrorsMixin

from ..models import TermlyReview

ROWS = {"rows": 4}


class ProviderReviewForm(ClearErrorsMixin, forms.ModelForm):
    """The policy's "Alternative Provision – Termly Review", as the provider fills it in."""

    # Declared, not taken from the model: on the form these are required
    # (the model's fields stay blank until the provider submits).
    completed_by_name = forms.CharField(
        label="Name of the staff member completing this review",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    attendance_percent = forms.DecimalField(
        label="Attendance this term (%)",
        min_value=0,
        max_value=100,
        max_digits=4,
        decimal_places=1,
        help_text="Filled in from the school's register so far; correct it if the last days of term "
        "change it.",
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    punctuality = forms.CharField(widget=forms.Textarea(attrs=ROWS))
    attitude_to_learning = forms.CharField(label="Attitude to learning", widget=forms.Textarea(attrs=ROWS))
    skills_covered = forms.CharField(
        label="Brief summary of skills covered this term", widget=forms.Textarea(attrs=ROWS)
    )
    next_targets = forms.CharField(label="Targets for next term", widget=forms.Textarea(attrs=ROWS))

    conditional_fields = ("attendance_commentary",)
    error_messages_for = {
        "completed_by_name": {"required": "Enter the name of the staff member completing this review"},
        "attendance_percent": {
            "required": "Enter the learner's attendance this term, as a percentage",
            "invalid": "Enter the attendance as a number, like 92.5",
            "min_value": "Attendance must be 0%% or more",
            "max_value": "Attendance must be 100%% or less",
            "max_digits": "Enter the attendance as a number from 0 to 100",
            "max_decimal_places": "Enter the attendance to one decimal place at most, like 92.5",
        },
        "punctuality": {"required": "Say how punctual the learner has been this term"},
        "attitude_to_learning": {"required": "Describe the learner's attitude to learning"},
        "skills_covered": {"required": "Give a brief summary of the skills covered this term"},
        "next_targets": {"required": "Enter the targets for next term"},
    }

    class Meta:
        model = TermlyReview
        fields = [
            "completed_by_name",
            "attendance_percent",
            "attendance_commentary",
            "punctuality",
            "attitude_to_learning",
            "skills_covered",
            "next_targets",
            "other_comments",
        ]
        labels = {
            "attendance_commentary": "Commentary on attendance",
            "other_comments": "Any other comments",
        }
        help_texts = {
            "attendance_commentary": "Needed when attendance is below 100%: the reasons for absence or "
            "lateness and what was done about them.",
        }
        widgets = {
            "attendance_commentary": forms.Textarea(attrs=ROWS),
            "other_comments": forms.Textarea(attrs=ROWS),
        }

    def clean(self):
        cleaned = super().clean()
        if (
            needs_commentary(cleaned.get("attendance_percent"))
            and not cleaned.get("attendance_commentary", "").strip()
        ):
            self.add_error(
                "attendance_commentary",
                "Enter a commentary on attendance: it is below 100%",
            )
        return cleaned


def needs_commentary(percent: Decimal | None) -> bool:
    """Policy's Termly Review: "include commentary if attendance is below 100%"."""
    return percent is not None and percent < 100


class SchoolResponseForm(ClearErrorsMixin, forms.ModelForm):
    school_response = forms.CharField(label="The school's response", widget=forms.Textarea(attrs={"rows": 4}))
    error_messages_for = {"school_response": {"required": "Enter the school's response"}}

    class Meta:
        model = TermlyReview
        fields = ["school_response"]
