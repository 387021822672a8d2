"""A placement's weekly timetable, kept in versions that each take effect on a date.

A change to an active placement's sessions applies from a day on; the days
before it keep the timetable they had, so a past mark stays expected and no
past day turns into an unmarked gap or an "extra" session.
"""

from bisect import bisect_right
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
SESSIONS = ["am", "pm"]
SESSION_FIELDS = [f"{day}_{session}" for day in WEEKDAYS for session in SESSIONS]
SESSION_LABELS = {
    f"{day}_{session}": f"{name} {session.upper()}"
    for day, name in zip(WEEKDAYS, WEEKDAY_NAMES)
    for session in SESSIONS
}


class PlacementTimetable(models.Model):
    """The sessions a placement has each week from `effective_from` until the next version."""

    placement = models.ForeignKey("placements.Placement", on_delete=models.CASCADE, related_name="timetables")
    effective_from = models.DateField(help_text="The first day these sessions apply.")
    mon_am = models.BooleanField("Monday AM", default=False)
    mon_pm = models.BooleanField("Monday PM", default=False)
    tue_am = models.BooleanField("Tuesday AM", default=False)
    tue_pm = models.BooleanField("Tuesday PM", default=False)
    wed_am = models.BooleanField("Wednesday AM", default=False)
    wed_pm = models.BooleanField("Wednesday PM", default=False)
    thu_am = models.BooleanField("Thursday AM", default=False)
    thu_pm = models.BooleanField("Thursday PM", default=False)
    fri_am = models.BooleanField("Friday AM", default=False)
    fri_pm = models.BooleanField("Friday PM", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["placement_id", "effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "effective_from"], name="timetable_one_version_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sessions_display()} from {self.effective_from:%d/%m/%Y}"

    def session_flags(self) -> list[bool]:
        return [getattr(self, name) for name in SESSION_FIELDS]

    def flags(self) -> dict[str, bool]:
        return {name: getattr(self, name) for name in SESSION_FIELDS}

    def has_session(self, day: date, session: str) -> bool:
        return day.weekday() < 5 and getattr(self, f"{WEEKDAYS[day.weekday()]}_{session.lower()}")

    def rows(self) -> list[dict]:
        return [
            {"day": name, "am": getattr(self, f"{day}_am"), "pm": getattr(self, f"{day}_pm")}
            for day, name in zip(WEEKDAYS, WEEKDAY_NAMES)
        ]

    @property
    def sessions_per_week(self) -> int:
        return sum(self.session_flags())

    def weekly_hours(self, am_hours: Decimal, pm_hours: Decimal) -> Decimal:
        am = sum(getattr(self, f"{day}_am") for day in WEEKDAYS)
        pm = sum(getattr(self, f"{day}_pm") for day in WEEKDAYS)
        return am * am_hours + pm * pm_hours

    def sessions_display(self) -> str:
        return (
            ", ".join(SESSION_LABELS[name] for name in SESSION_FIELDS if getattr(self, name)) or "No sessions"
        )


def version_index(dates: Sequence[date], day: date) -> int:
    """Which of the versions taking effect on `dates` (sorted) is in force on `day`.

    Before the first version takes effect the first one applies: it is the
    timetable the placement was agreed with, whatever its start date became.
    """
    return max(bisect_right(dates, day) - 1, 0)


def in_force(versions: Sequence[PlacementTimetable], day: date) -> PlacementTimetable | None:
    """The version in force on `day`, from versions sorted by effective date."""
    if not versions:
        return None
    return versions[version_index([v.effective_from for v in versions], day)]


def clash(mine: list[tuple], theirs: list[tuple]) -> bool:
    """Whether two lists of (first day, last day or None, flags) share a session on overlapping days."""
    for start, end, flags in mine:
        for other_start, other_end, other_flags in theirs:
            overlap = (end is None or other_start <= end) and (other_end is None or start <= other_end)
            if overlap and any(a and b for a, b in zip(flags, other_flags)):
                return True
    return False
