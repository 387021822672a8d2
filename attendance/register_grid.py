"""The register grid: learners x sessions over a range of days.

It is computed for a whole school in a fixed number of queries, however
many learners it has; the view only renders it.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from altprov.models import School
from placements.models import Placement
from placements.schedule import SESSIONS, expected_sessions

from .models import AttendanceMark
from .today import Cell


@dataclass
class GridRow:
    placement: Placement
    cells: list[Cell]


@dataclass
class RegisterGrid:
    days: list[date]
    rows: list[GridRow]


def weekdays(start: date, end: date) -> list[date]:
    days, day = [], start
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def build_grid(*, school: School, start: date, end: date) -> RegisterGrid:
    """Learners x sessions between start and end.

    Queries, whatever the number of rows: expected sessions (placements,
    terms, school closures, provider closures), the placements with learners
    and providers, and the marks.
    """
    found = expected_sessions(start, end, placements=Placement.objects.filter(school=school))
    expected = {(e.placement_id, e.day, e.session) for e in found}
    marks = {
        (m.placement_id, m.date, m.session): m
        for m in AttendanceMark.objects.filter(school=school, date__range=(start, end)).only(
            "pk", "placement_id", "date", "session", "status", "code", "late_minutes"
        )
    }
    # Rows: placements expected in the range, and any with a mark in it (an extra session).
    ids = {e.placement_id for e in found} | {key[0] for key in marks}
    placements = (
        Placement.objects.filter(pk__in=ids, school=school)
        .select_related("learner", "provider")
        .order_by("learner__legal_last_name", "learner__legal_first_name", "provider__name", "pk")
        if ids
        else []
    )
    days = weekdays(start, end)
    rows = [
        GridRow(
            placement,
            [
                Cell(day, s, (placement.pk, day, s) in expected, marks.get((placement.pk, day, s)))
                for day in days
                for s in SESSIONS
            ],
        )
        for placement in placements
    ]
    return RegisterGrid(days, rows)
