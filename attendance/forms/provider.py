"""The provider's daily register: a formset of one mark form per expected session.

The rows are the sessions the link's provider is expected to mark (today,
and the previous school day while it is incomplete), so a field naming any
other placement or day is never read.
"""

from dataclasses import dataclass
from datetime import date, time

from django import forms

from altprov.form_errors import ClearErrorsMixin
from placements.models import Placement

from ..codes import CODES, PROVIDER_ABSENCE_CHOICES
from ..models import AttendanceMark, MarkStatus
from ..recording import MarkInput
from .marks import SESSION_NAMES, SessionFormSet, SessionMarkForm, SessionRow

# The afternoon session starts at noon: "all present" before then covers the morning only.
PM_STARTS = time(12, 0)

PROVIDER_REASONS = frozenset(code for code, _ in PROVIDER_ABSENCE_CHOICES)


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
class RegisterRow(SessionRow):
    """An expected session on the provider's register, with its mark if it has one."""

    @property
    def name(self) -> str:
        # Preferred first name and surname initial: all a provider link shows.
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


class BootstrapBoundField(forms.BoundField):
    """A field with an error gets Bootstrap's red border as well as the aria-invalid Django adds."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if self.errors and not isinstance(widget, forms.RadioSelect):
            attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
        return attrs


class ProviderMarkForm(SessionMarkForm):
    """A session on the provider's register: blank leaves the mark as it is; only a provider's reasons."""

    bound_field_class = BootstrapBoundField
    field_order = ["status", "code", "late_minutes", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        row = self.row
        status, code, minutes, note = (self.fields[n] for n in ("status", "code", "late_minutes", "note"))
        status.label = f"Mark for {row.name}, {SESSION_NAMES[row.session]} ({row.session})"
        status.choices = [("", "Leave as is"), *MarkStatus.choices]
        status.widget.attrs["class"] = "btn-check"
        code.choices = [("", "Choose a reason…"), *PROVIDER_ABSENCE_CHOICES]
        code.widget.attrs["class"] = "form-select"
        minutes.widget.attrs.update({"class": "form-control", "inputmode": "numeric"})
        note.label = "Note (optional)"
        note.widget.attrs["class"] = "form-control"
        # The page explains the fields in words of its own.
        code.help_text = minutes.help_text = ""

    def clean(self):
        data = super().clean()
        status = data.get("status")
        if status and status != MarkStatus.ABSENT and not self.row.started:
            self.add_error(
                "status",
                f"{self.row.name}'s afternoon session has not started yet: "
                f"mark it present or late from {PM_STARTS:%H:%M}",
            )
        return data

    def entry(self, placement: Placement, day: date, session: str) -> MarkInput | None:
        entry = super().entry(placement, day, session)
        # A blank note keeps the one already on the mark; the amendment would lose it otherwise.
        if entry is not None and not entry.note and self.row.mark is not None:
            entry.note = self.row.mark.note
        return entry

    @property
    def unfolded(self) -> bool:
        """Show the fields unfolded when something was typed or is wrong."""
        return bool(self.errors) or any(self[name].value() not in (None, "") for name in self.fields)


ProviderRegisterFormSet = forms.formset_factory(ProviderMarkForm, formset=SessionFormSet, extra=0)


class ProviderClosedForm(ClearErrorsMixin, forms.Form):
    confirm = forms.BooleanField(
        label="Yes, we are closed today and no learners are with us",
        error_messages={"required": "Tick the box to confirm that you are closed today."},
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, data=None):
        super().__init__(data, prefix="closed")
