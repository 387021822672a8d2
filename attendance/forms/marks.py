"""One session's mark, its rules, and the formsets that repeat it per session.

The provider's register and the staff marks page repeat the mark form once
per session; the extra-session and amendment forms use it for one mark. The
rules and their messages are written here once, so every page says the same
thing about the same mistake.
"""

from dataclasses import dataclass
from datetime import date

from django import forms
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT, ManagementForm
from django.utils.functional import cached_property

from altprov.form_errors import ClearErrorsMixin
from placements.models import Placement

from ..codes import ABSENCE_CHOICES
from ..models import AttendanceMark, MarkStatus
from ..recording import MarkInput

MAX_LATE_MINUTES = 240
SESSION_NAMES = {"AM": "morning", "PM": "afternoon"}


@dataclass
class SessionRow:
    """A session a form row is for: always from the server's list of sessions, never from posted data."""

    day: date
    session: str
    placement: Placement
    mark: AttendanceMark | None
    # Whether the session has begun (the provider may not mark an afternoon present before noon).
    started: bool = True
    # A mark for a session not on the timetable (the staff page lists those too).
    extra: bool = False

    @property
    def key(self) -> tuple[int, date, str]:
        return (self.placement.pk, self.day, self.session)

    @property
    def slug(self) -> str:
        return f"{self.day:%Y%m%d}-{self.placement.pk}-{self.session.lower()}"

    @property
    def name(self) -> str:
        """The learner as this page names them."""
        return str(self.placement.learner)


@dataclass(frozen=True)
class MarkMessages:
    """The mark rules' messages (GOV.UK style): "Choose a reason for Tyler B.'s absence on Monday morning".

    A form that does not know the learner or session yet (an extra session,
    before its own fields are read) says "the learner".
    """

    learner: str = "the learner"
    when: str = ""

    @classmethod
    def for_session(cls, learner: str, day: date | None, session: str | None) -> "MarkMessages":
        if not learner:
            return cls()
        if not (day and session):
            return cls(learner)
        return cls(learner, f" on {day:%A} {SESSION_NAMES[session]}")

    def choose_status(self) -> str:
        return f"Choose present, late or absent for {self.learner}{self.when}"

    def status_for_what_was_typed(self) -> str:
        return f"Choose present, late or absent for {self.learner}{self.when} to go with what you entered"

    def choose_reason(self) -> str:
        return f"Choose a reason for {self.learner}'s absence{self.when}"

    def enter_minutes(self) -> str:
        return f"Enter how many minutes late {self.learner} was{self.when}"

    def minutes_a_number(self) -> str:
        return f"Minutes late for {self.learner}{self.when} must be a number, like 10"

    def minutes_in_range(self) -> str:
        return f"Minutes late for {self.learner}{self.when} must be between 1 and {MAX_LATE_MINUTES}"


class MarkForm(ClearErrorsMixin, forms.Form):
    """Present, late with minutes, or absent with a reason, and a note: one session's mark."""

    # Required with one status or another: the mark rules below say so in their own words.
    conditional_fields = ("status", "late_minutes", "code")

    status = forms.ChoiceField(
        label="Attendance", choices=MarkStatus.choices, widget=forms.RadioSelect, required=False
    )
    late_minutes = forms.IntegerField(
        label="Minutes late", min_value=1, max_value=MAX_LATE_MINUTES, required=False, help_text="If late."
    )
    code = forms.ChoiceField(
        label="Reason for absence",
        choices=[("", "Choose a reason"), *ABSENCE_CHOICES],
        required=False,
        help_text="If absent. N when no reason has been given yet.",
    )
    note = forms.CharField(label="Note", max_length=300, required=False)
    # False for a row of a register, which left blank stays as it is.
    status_required = True

    def __init__(
        self, *args, learner: str = "", day: date | None = None, session: str | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.learner, self.day, self.session = learner, day, session
        words = self.messages()
        self.fields["late_minutes"].error_messages.update(
            invalid=words.minutes_a_number(),
            min_value=words.minutes_in_range(),
            max_value=words.minutes_in_range(),
        )

    def messages(self) -> MarkMessages:
        return MarkMessages.for_session(self.learner, self.day, self.session)

    def clean(self):
        data = super().clean()
        words = self.messages()
        status = data.get("status")
        if not status:
            if "status" not in self.errors:
                typed = any(data.get(name) not in (None, "") for name in ("code", "late_minutes", "note"))
                if self.status_required:
                    self.add_error("status", words.choose_status())
                elif typed:
                    self.add_error("status", words.status_for_what_was_typed())
            return data
        if status == MarkStatus.ABSENT and not data.get("code") and "code" not in self.errors:
            self.add_error("code", words.choose_reason())
        minutes_missing = data.get("late_minutes") is None and "late_minutes" not in self.errors
        if status == MarkStatus.LATE and minutes_missing:
            self.add_error("late_minutes", words.enter_minutes())
        # A reason goes only with an absence, minutes only with lateness.
        if status != MarkStatus.ABSENT:
            data["code"] = ""
        if status != MarkStatus.LATE:
            data["late_minutes"] = None
        return data

    def entry(self, placement: Placement, day: date, session: str) -> MarkInput | None:
        """The mark to record (after is_valid()); None for a session left blank."""
        data = self.cleaned_data
        if not data.get("status"):
            return None
        return MarkInput(
            placement=placement,
            day=day,
            session=session,
            status=data["status"],
            code=data["code"],
            late_minutes=data["late_minutes"],
            note=data["note"],
        )


class SessionMarkForm(MarkForm):
    """One session of a register; left blank, it stays as it is."""

    status_required = False

    def __init__(self, *args, row: SessionRow, rest_present: bool = False, **kwargs):
        self.row = row
        super().__init__(*args, learner=row.name, day=row.day, session=row.session, **kwargs)
        # "Save, and mark the rest present": a timetabled session not marked yet, left blank, is present.
        self.blank_is_present = rest_present and row.mark is None and not row.extra

    def clean(self):
        if self.blank_is_present and not self.cleaned_data.get("status") and "status" not in self.errors:
            self.cleaned_data["status"] = MarkStatus.PRESENT
        return super().clean()

    def row_entry(self) -> MarkInput | None:
        return self.entry(self.row.placement, self.row.day, self.row.session)


class SessionFormSet(forms.BaseFormSet):
    """A form per session row, the rows being the server's list.

    The number of forms is the number of rows: a posted TOTAL_FORMS is never
    read, so posted data cannot add a form, and no field for a session that is
    not a row is ever read. Forms are named by their session (day, placement,
    session) rather than their position, so a row that appears or goes between
    showing the page and posting it cannot move a mark onto another learner.
    """

    def __init__(self, data=None, *, rows: list[SessionRow], prefix: str = "marks", form_kwargs=None):
        self.rows = list(rows)
        super().__init__(
            data, prefix=prefix, initial=[self.initial_for(row) for row in self.rows], form_kwargs=form_kwargs
        )

    def initial_for(self, row: SessionRow) -> dict:
        return {}

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "row": self.rows[index]}

    def add_prefix(self, index):
        return f"{self.prefix}-{self.rows[index].slug}"

    def total_form_count(self) -> int:
        return len(self.rows)

    def initial_form_count(self) -> int:
        return len(self.rows)

    @cached_property
    def management_form(self) -> ManagementForm:
        # The counts are the server's; the page carries no management form to tamper with.
        count = len(self.rows)
        form = ManagementForm(
            {f"{self.prefix}-{TOTAL_FORM_COUNT}": count, f"{self.prefix}-{INITIAL_FORM_COUNT}": count},
            auto_id=self.auto_id,
            prefix=self.prefix,
            renderer=self.renderer,
        )
        form.full_clean()
        return form

    def entries(self) -> list[MarkInput]:
        """The sessions given a mark; call after is_valid()."""
        return [entry for form in self if (entry := form.row_entry()) is not None]
