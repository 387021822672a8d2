"""The provider's daily register: one set of fields per expected session.

The form is built from the sessions the link's provider is expected to mark
(today, and the previous school day while it is incomplete), so a field
naming any other placement or day is never read.
"""

from dataclasses import dataclass
from datetime import date

from django import forms

from placements.models import Placement

from ..codes import CODES, PROVIDER_ABSENCE_CHOICES
from ..models import AttendanceMark, MarkStatus
from ..recording import MarkInput

MAX_LATE_MINUTES = 240
SESSION_NAMES = {"AM": "morning", "PM": "afternoon"}
PROVIDER_REASONS = frozenset(code for code, _ in PROVIDER_ABSENCE_CHOICES)
STATUS_CHOICES = [("", "Leave as is"), *MarkStatus.choices]


def mark_in_words(mark: AttendanceMark | None) -> str:
    """A mark as the provider sees it: its state in words, never by colour alone."""
    if mark is None:
        return "Not marked yet"
    if mark.status == MarkStatus.LATE:
        return f"Late {mark.late_minutes} min"
    if mark.status == MarkStatus.ABSENT:
        # A code the school chose (exclusion, leave) is the school's business, not the provider's.
        reason = mark.absence_reason
        if reason in PROVIDER_REASONS:
            return f"Absent – {reason} {CODES[reason].meaning}"
        return "Absent (recorded by the school)"
    return "Present"


@dataclass
class SessionRow:
    """One expected session on the register, with its mark if it has one."""

    day: date
    session: str
    placement: Placement
    mark: AttendanceMark | None
    started: bool

    @property
    def key(self) -> tuple[int, date, str]:
        return (self.placement.pk, self.day, self.session)

    @property
    def prefix(self) -> str:
        return f"{self.day:%Y%m%d}-{self.placement.pk}-{self.session.lower()}"

    @property
    def name(self) -> str:
        return self.placement.learner.provider_safe_name

    @property
    def current(self) -> str:
        return mark_in_words(self.mark)

    @property
    def state(self) -> str:
        """For the badge's colour, which only repeats the words."""
        if self.mark is None:
            return "grey"
        return {MarkStatus.PRESENT: "green", MarkStatus.LATE: "amber"}.get(self.mark.status, "red")

    @property
    def describe(self) -> str:
        return f"{self.name}, {self.day:%A} {self.session}"


@dataclass
class BoundRow:
    row: SessionRow
    status: forms.BoundField
    reason: forms.BoundField
    minutes: forms.BoundField
    note: forms.BoundField

    @property
    def errors(self) -> list[str]:
        return [e for field in (self.status, self.reason, self.minutes, self.note) for e in field.errors]

    @property
    def open(self) -> bool:
        """Show the fields unfolded when something was typed or is wrong."""
        return bool(self.errors) or any(
            field.value() not in (None, "") for field in (self.status, self.reason, self.minutes, self.note)
        )


class ProviderRegisterForm(forms.Form):
    """Per session: a status (blank leaves the mark as it is), a reason, minutes late and a note."""

    def __init__(self, data=None, *, rows: list[SessionRow]):
        super().__init__(data)
        self.rows = rows
        for row in rows:
            p, who = row.prefix, f"({row.name}, {row.session})"
            self.fields[f"{p}-status"] = forms.ChoiceField(
                label=f"Mark for {row.name}, {SESSION_NAMES[row.session]} ({row.session})",
                choices=STATUS_CHOICES,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "btn-check"}),
            )
            self.fields[f"{p}-reason"] = forms.ChoiceField(
                label=f"Reason for absence {who}",
                choices=[("", "Choose a reason…"), *PROVIDER_ABSENCE_CHOICES],
                required=False,
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.fields[f"{p}-minutes"] = forms.IntegerField(
                label=f"Minutes late {who}",
                required=False,
                min_value=1,
                max_value=MAX_LATE_MINUTES,
                error_messages={
                    "invalid": "Enter the minutes late as a number, for example 10.",
                    "min_value": f"Minutes late must be between 1 and {MAX_LATE_MINUTES}.",
                    "max_value": f"Minutes late must be between 1 and {MAX_LATE_MINUTES}.",
                },
                widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
            )
            self.fields[f"{p}-note"] = forms.CharField(
                label=f"Note {who}",
                required=False,
                max_length=300,
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )

    def clean(self):
        cleaned = super().clean()
        for row in self.rows:
            p = row.prefix
            if f"{p}-status" not in cleaned:
                continue
            status = cleaned[f"{p}-status"]
            reason = cleaned.get(f"{p}-reason")
            minutes = cleaned.get(f"{p}-minutes")
            note = cleaned.get(f"{p}-note")
            if not status:
                if reason or minutes or note:
                    self.add_error(
                        f"{p}-status", "Choose Present, Late or Absent to go with what you entered."
                    )
                continue
            if status == MarkStatus.ABSENT and not reason and f"{p}-reason" not in self.errors:
                self.add_error(f"{p}-reason", "Choose a reason for the absence.")
            if status == MarkStatus.LATE and minutes is None and f"{p}-minutes" not in self.errors:
                self.add_error(f"{p}-minutes", f"Enter how many minutes late (1 to {MAX_LATE_MINUTES}).")
            if status != MarkStatus.ABSENT and not row.started:
                self.add_error(
                    f"{p}-status",
                    "The afternoon session has not started yet: mark it present or late from 12:00.",
                )
        return cleaned

    def bound_rows(self) -> list[BoundRow]:
        if self.is_bound:
            for name in self.errors:
                widget = self.fields[name].widget if name in self.fields else None
                classes = widget.attrs.get("class", "").split() if widget is not None else []
                if (
                    widget is not None
                    and not isinstance(widget, forms.RadioSelect)
                    and "is-invalid" not in classes
                ):
                    widget.attrs["class"] = " ".join([*classes, "is-invalid"])
        return [
            BoundRow(
                row=row,
                status=self[f"{row.prefix}-status"],
                reason=self[f"{row.prefix}-reason"],
                minutes=self[f"{row.prefix}-minutes"],
                note=self[f"{row.prefix}-note"],
            )
            for row in self.rows
        ]

    def error_list(self) -> list[tuple[str, str, str]]:
        """(field id, session, message) for the summary at the top of the page."""
        found = []
        for bound in self.bound_rows():
            for field in (bound.status, bound.reason, bound.minutes, bound.note):
                for error in field.errors:
                    target = field.auto_id if field is not bound.status else f"session-{bound.row.prefix}"
                    found.append((target, bound.row.describe, error))
        return found

    def entries(self) -> list[MarkInput]:
        """The sessions given a status; call after is_valid()."""
        entries = []
        for row in self.rows:
            p = row.prefix
            status = self.cleaned_data[f"{p}-status"]
            if not status:
                continue
            # A blank note keeps the one already on the mark; the amendment would lose it otherwise.
            note = self.cleaned_data[f"{p}-note"] or (row.mark.note if row.mark else "")
            entries.append(
                MarkInput(
                    placement=row.placement,
                    day=row.day,
                    session=row.session,
                    status=status,
                    code=self.cleaned_data[f"{p}-reason"] if status == MarkStatus.ABSENT else "",
                    late_minutes=self.cleaned_data[f"{p}-minutes"] if status == MarkStatus.LATE else None,
                    note=note,
                )
            )
        return entries


class ProviderClosedForm(forms.Form):
    confirm = forms.BooleanField(
        label="Yes, we are closed today and no learners are with us",
        error_messages={"required": "Tick the box to confirm that you are closed today."},
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, data=None):
        super().__init__(data, prefix="closed")
