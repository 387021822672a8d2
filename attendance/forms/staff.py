"""Forms for school staff recording and correcting attendance."""

from datetime import date, timedelta

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils import timezone

from altprov.form_errors import ClearErrorsMixin
from altprov.templatetags.altprov_tags import date_words
from placements.forms import DateInput
from placements.models import Placement
from placements.schedule import is_expected

from ..models import AttendanceMark, MarkStatus, Session, Source
from ..recording import MarkInput, mark_values
from .marks import MarkForm, MarkMessages, SessionFormSet, SessionMarkForm, SessionRow

STAFF_SOURCES = [
    (Source.PHONE, "Phone call"),
    (Source.EMAIL, "Email"),
    (Source.STAFF, "Staff entry (seen or known at school)"),
]
MAX_GRID_DAYS = 31


def learner_session(placement: Placement, session: str) -> str:
    return f"{placement.learner} {session}"


def inline_helper(*before, after=()) -> FormHelper:
    """Fields for one mark on a line on wide screens; the page supplies the <form> tag."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(
        *before,
        Row(
            Column(InlineRadios("status"), css_class="col-lg-6"),
            Column("late_minutes", css_class="col-sm-4 col-lg-2"),
            Column("code", css_class="col-sm-8 col-lg-4"),
        ),
        "note",
        *after,
    )
    return helper


def mark_initial(mark: AttendanceMark | None) -> dict:
    if mark is None:
        return {}
    return {
        "status": mark.status,
        "late_minutes": mark.late_minutes,
        # The reason, not the register code: a dual-registered absence is D, which is no reason.
        "code": mark.absence_reason,
        "note": mark.note,
    }


def changes(mark: AttendanceMark, entry: MarkInput) -> bool:
    """Would recording `entry` change what `mark` says? (Then it is an amendment and needs a reason.)"""
    return mark_values(mark) != mark_values(entry)


class StaffSessionForm(SessionMarkForm):
    """A session on the staff marks page, showing its mark if it has one; left blank, it stays unrecorded."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = inline_helper()
        if self.row.mark is None:
            self.fields["status"].choices = [("", "Not known yet"), *MarkStatus.choices]


class StaffSessionFormSet(SessionFormSet):
    def initial_for(self, row: SessionRow) -> dict:
        return mark_initial(row.mark)


StaffMarksFormSet = forms.formset_factory(StaffSessionForm, formset=StaffSessionFormSet, extra=0)


def source_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="How did they tell you?",
        choices=STAFF_SOURCES,
        widget=forms.RadioSelect,
        error_messages={"required": "Say how you heard: phone call, email or staff entry."},
    )


class RecordMarksForm(ClearErrorsMixin, forms.Form):
    conditional_fields = ("reason",)
    source = source_field()
    reason = forms.CharField(
        label="Reason for changing a mark",
        max_length=300,
        required=False,
        help_text="Needed only when you change a mark already recorded. The old value is kept.",
    )


class ExtraSessionForm(MarkForm):
    """A mark for a session that is not on the timetable: staff confirm it is an extra session."""

    # The page's order, which the error summary follows.
    field_order = ["placement", "day", "session", "status", "late_minutes", "code", "note", "source"]

    placement = forms.ModelChoiceField(
        label="Learner", queryset=Placement.objects.none(), error_messages={"required": "Choose the learner."}
    )
    day = forms.DateField(label="Date", widget=DateInput(), error_messages={"required": "Give the date."})
    session = forms.ChoiceField(
        choices=Session.choices, widget=forms.RadioSelect, error_messages={"required": "Choose AM or PM."}
    )
    source = source_field()
    confirm_extra = forms.BooleanField(
        label="Confirm this as an extra session",
        required=False,
        help_text="Tick when the learner attended (or was due) outside their timetable.",
    )

    def __init__(self, *args, placements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["placement"].queryset = placements
        self.fields["placement"].label_from_instance = lambda p: f"{p.learner} (from {p.start_date:%d/%m/%Y})"
        self.is_extra = False
        self.helper = inline_helper(
            Row(
                Column("placement", css_class="col-md-5"),
                Column("day", css_class="col-sm-6 col-md-4"),
                Column(InlineRadios("session"), css_class="col-sm-6 col-md-3"),
            ),
            after=(InlineRadios("source"), "confirm_extra"),
        )

    def messages(self) -> MarkMessages:
        # The learner and session are this form's own fields: named once they are read.
        data = getattr(self, "cleaned_data", {})
        placement = data.get("placement")
        return MarkMessages.for_session(
            str(placement.learner) if placement else "", data.get("day"), data.get("session")
        )

    def clean(self):
        data = super().clean()
        placement, day, session = data.get("placement"), data.get("day"), data.get("session")
        if not (placement and day and session):
            return data
        if day > timezone.localdate():
            self.add_error("day", "Attendance cannot be recorded for a day that has not happened yet.")
            return data
        if day < placement.start_date or (placement.end_date and day > placement.end_date):
            self.add_error("day", f"{placement.learner}'s placement was not running on {date_words(day)}.")
            return data
        if AttendanceMark.objects.filter(placement=placement, date=day, session=session).exists():
            self.add_error(
                None,
                f"{learner_session(placement, session)} on {date_words(day)} already has a mark: "
                "change it in the list for that day instead.",
            )
            return data
        self.is_extra = not is_expected(placement, day, session)
        if self.is_extra and not data.get("confirm_extra"):
            self.add_error(
                "confirm_extra",
                f"{session} on {date_words(day)} is not on {placement.learner}'s timetable at this provider. "
                "Tick “Confirm this as an extra session” to record it.",
            )
        return data


class AmendMarkForm(MarkForm):
    reason = forms.CharField(
        label="Reason for the change",
        max_length=300,
        help_text="Kept with the old and new values, your name and the time.",
        error_messages={"required": "Give a reason for the change: it is kept with the register."},
    )

    def __init__(self, *args, mark: AttendanceMark, **kwargs):
        super().__init__(
            *args,
            initial=mark_initial(mark),
            learner=str(mark.placement.learner),
            day=mark.date,
            session=mark.session,
            **kwargs,
        )
        self.mark = mark
        self.helper = inline_helper(after=("reason",))

    def clean(self):
        data = super().clean()
        if not self.errors and not changes(self.mark, self.amended_entry()):
            self.add_error(None, "Nothing has changed: choose the new attendance, reason or note.")
        return data

    def amended_entry(self) -> MarkInput:
        return self.entry(self.mark.placement, self.mark.date, self.mark.session)


class ChaseForm(ClearErrorsMixin, forms.Form):
    note = forms.CharField(
        label="How you chased them",
        max_length=300,
        initial="Chased by phone",
        error_messages={
            "required": "Enter a short note of how you chased the provider, like “Left a voicemail”"
        },
    )


class CloseFlagForm(ClearErrorsMixin, forms.Form):
    reason = forms.CharField(
        label="Why close it?",
        max_length=300,
        help_text="For example “Provider phoned: all present, marks to follow”.",
        error_messages={"required": "Say why the flag can be closed without the marks."},
    )


def this_week(today: date) -> tuple[date, date]:
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=4)


class DateRangeForm(ClearErrorsMixin, forms.Form):
    start = forms.DateField(
        label="From",
        widget=DateInput(),
        error_messages={"required": "Give the first day.", "invalid": "Enter the first day as a date."},
    )
    end = forms.DateField(
        label="To",
        widget=DateInput(),
        error_messages={"required": "Give the last day.", "invalid": "Enter the last day as a date."},
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The end date must be on or after the start date.")
            elif (end - start).days + 1 > MAX_GRID_DAYS:
                self.add_error("end", f"Show at most {MAX_GRID_DAYS} days at a time.")
        return data
