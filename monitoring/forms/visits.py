"""The visit proforma as a form (the policy's Alternative Provision Visit Proforma).

One form for the proforma's questions and two formsets for the actions (for
the school: a member of staff owns each; for the provision: a named person).
The text of a safeguarding concern is a field of the form only: it goes to
the DSL's log through monitoring.concerns.raise_concern when the visit is
submitted, and is never kept with the visit or its draft.
"""

from decimal import Decimal

from django import forms
from django.forms import formset_factory

from altprov.form_errors import ClearErrorsMixin

YES_NO = [("yes", "Yes"), ("no", "No")]
NOTES = {"rows": 3}

# Fields kept in a draft as typed; the concern text never is.
NOT_IN_DRAFT = {"csrfmiddlewaretoken", "concern_detail", "action"}


class DateInput(forms.DateInput):
    """A native date picker: phones show their own calendar; the value is ISO."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


def yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


class VisitForm(ClearErrorsMixin, forms.Form):
    error_subject = "the"
    conditional_fields = (
        "attendance_percent_note",
        "concern_detail",
        "existing_concern",
        "parent_contact_reason",
    )
    error_messages_for = {
        "visited_on": {"required": "Enter the date of the visit"},
        "visited_at": {"required": "Enter the time of the visit, like 10:30"},
        "staff": {"required": "Choose the member of staff who made the visit"},
        "learner_class": {"required": "Enter the learner's class"},
        "safeguarding_concerns": {"required": "Answer whether there are any safeguarding concerns"},
        "parent_contact": {"required": "Answer whether there was contact with the parents or carers"},
        "attendance_percent": {
            "min_value": "Attendance must be between 0% and 100%",
            "max_value": "Attendance must be between 0% and 100%",
        },
    }

    learner_class = forms.CharField(label="Class", max_length=50)
    visited_on = forms.DateField(label="Date of visit", widget=DateInput())
    visited_at = forms.TimeField(label="Time of visit", widget=TimeInput())
    staff = StaffChoiceField(label="Member of staff", queryset=None, empty_label="Choose…")
    attendance_percent = forms.DecimalField(
        label="Attendance (%)",
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=4,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    attendance_percent_note = forms.CharField(
        label="Why the attendance figure differs from the registers", max_length=300, required=False
    )
    safeguarding_concerns = forms.ChoiceField(
        label="Any safeguarding concerns?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text="Recorded separately, in the DSL's safeguarding log.",
    )
    concern_detail = forms.CharField(
        label="What did you see or hear?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "This goes only to the DSL's safeguarding log when you submit the visit. "
            "It is not kept in the visit or in its draft."
        ),
    )
    existing_concern = forms.ModelChoiceField(
        label="Or link a concern you have already raised",
        queryset=None,
        required=False,
        empty_label="None: I am raising a new concern above",
    )
    attendance_notes = forms.CharField(
        label="Attendance notes", required=False, widget=forms.Textarea(attrs=NOTES)
    )
    behaviour_notes = forms.CharField(
        label="Behaviour and welfare notes", required=False, widget=forms.Textarea(attrs=NOTES)
    )
    progress_notes = forms.CharField(label="Progress", required=False, widget=forms.Textarea(attrs=NOTES))
    attainment_notes = forms.CharField(label="Attainment", required=False, widget=forms.Textarea(attrs=NOTES))
    curriculum_notes = forms.CharField(
        label="Curriculum and learning notes", required=False, widget=forms.Textarea(attrs=NOTES)
    )
    other_agencies = forms.CharField(
        label="Other agencies involved", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    parent_contact = forms.ChoiceField(
        label="Parent/carer contact?", choices=YES_NO, widget=forms.RadioSelect
    )
    parent_contact_reason = forms.CharField(
        label="If no, why not?", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    review_meeting_date = forms.DateField(label="Date of review meeting", required=False, widget=DateInput())
    learner_views = forms.CharField(
        label="The learner's views on the placement", required=False, widget=forms.Textarea(attrs=NOTES)
    )

    def __init__(self, *args, staff, concerns, prefilled: Decimal | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff
        self.fields["existing_concern"].queryset = concerns
        self.fields["existing_concern"].label_from_instance = lambda concern: (
            f"Concern you raised on {concern.raised_at:%d/%m/%Y}"
        )
        if not concerns.exists():
            del self.fields["existing_concern"]
        self.prefilled = prefilled

    def clean(self):
        data = super().clean()
        percent = data.get("attendance_percent")
        if percent is None and "attendance_percent" not in self.errors and self.prefilled is not None:
            data["attendance_percent"] = percent = self.prefilled
        if (
            percent is not None
            and self.prefilled is not None
            and percent != self.prefilled
            and not data.get("attendance_percent_note", "").strip()
        ):
            self.add_error(
                "attendance_percent_note",
                f"Say why the attendance figure is not {self.prefilled}%, the figure from the registers",
            )
        detail = data.get("concern_detail", "").strip()
        existing = data.get("existing_concern")
        if data.get("safeguarding_concerns") == "yes":
            if not detail and not existing:
                self.add_error(
                    "concern_detail",
                    "Say what you saw or heard, so that the DSL has it"
                    + (
                        ", or choose a concern you have already raised"
                        if "existing_concern" in self.fields
                        else ""
                    ),
                )
            elif detail and existing:
                self.add_error(
                    "existing_concern",
                    "Either describe a new concern or choose one you have already raised, not both",
                )
        elif data.get("safeguarding_concerns") == "no" and (detail or existing):
            self.add_error(
                "concern_detail",
                "You described a concern but answered No: "
                "answer Yes to pass it to the DSL, or delete the text",
            )
        if data.get("parent_contact") == "no" and not data.get("parent_contact_reason", "").strip():
            self.add_error("parent_contact_reason", "Say why there was no contact with the parents or carers")
        return data


class ActionForm(ClearErrorsMixin, forms.Form):
    """One action; a row left blank is skipped."""

    description = forms.CharField(label="Action", max_length=300)
    due_date = forms.DateField(label="Due by", widget=DateInput())

    def has_changed(self) -> bool:
        # Blank or not, as typed: a row shown again from a draft is still an action.
        return any(str(self.data.get(self.add_prefix(name), "")).strip() for name in self.fields)


class SchoolActionForm(ActionForm):
    error_subject = "the school action's"
    error_messages_for = {"owner": {"required": "Choose who at the school owns this action"}}
    owner = StaffChoiceField(label="Owner (member of staff)", queryset=None, empty_label="Choose…")

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff
        self.order_fields(["description", "owner", "due_date"])


class ProviderActionForm(ActionForm):
    error_subject = "the provision's action's"
    error_messages_for = {
        "owner_name": {"required": "Enter the name of who at the provision owns this action"}
    }
    owner_name = forms.CharField(label="Owner (name at the provision)", max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.order_fields(["description", "owner_name", "due_date"])


class BaseActionFormSet(forms.BaseFormSet):
    def _construct_form(self, i, **kwargs):
        # Every row may be left blank, those shown again from a draft included.
        kwargs["empty_permitted"] = True
        kwargs["use_required_attribute"] = False
        return super()._construct_form(i, **kwargs)

    def rows(self) -> list[dict]:
        return [f.cleaned_data for f in self.forms if f.has_changed() and f.cleaned_data]


SchoolActionFormSet = formset_factory(SchoolActionForm, formset=BaseActionFormSet, extra=1, max_num=20)
ProviderActionFormSet = formset_factory(ProviderActionForm, formset=BaseActionFormSet, extra=1, max_num=20)
