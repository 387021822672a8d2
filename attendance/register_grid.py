"""The register grid: learners x sessions over a range of days.

A page of it is computed in a fixed number of queries, however many
learners the school has; the view only renders it. The whole range, for
every placement, goes out as CSV, streamed a chunk of placements at a time.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone

from altprov.models import School
from placements.choosers import placements_matching
from placements.models import Placement
from placements.schedule import SESSIONS, expected_sessions

from .models import AttendanceMark
from .today import Cell

# Placements per page: 50 rows of up to 31 days of two sessions is already a large table.
ROWS_PER_PAGE = 50
CSV_CHUNK = 200


@dataclass
class GridRow:
    placement: Placement
    cells: list[Cell]


@dataclass
class RegisterGrid:
    days: list[date]
    rows: list[GridRow]
    page: Page


def weekdays(start: date, end: date) -> list[date]:
    days, day = [], start
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _placements(
    *, school: School, start: date, end: date, q: str = "", year_group: int | None = None
) -> tuple[QuerySet, set[tuple[int, date, str]]]:
    """The placements with a row (expected in the range, or with a mark in it: an extra
    session), narrowed by name and year group; and the sessions expected of them."""
    found = expected_sessions(start, end, placements=Placement.objects.filter(school=school))
    expected = {(e.placement_id, e.day, e.session) for e in found}
    marked = AttendanceMark.objects.filter(school=school, date__range=(start, end)).values("placement_id")
    placements = Placement.objects.filter(school=school).filter(
        Q(pk__in={e.placement_id for e in found}) | Q(pk__in=marked)
    )
    placements = placements_matching(placements, q)
    if year_group is not None:
        placements = placements.filter(learner__year_group=year_group)
    ordered = placements.select_related("learner", "provider").order_by(
        "learner__legal_last_name", "learner__legal_first_name", "provider__name", "pk"
    )
    return ordered, expected


def _rows(school: School, placements: list[Placement], days: list[date], expected: set) -> list[GridRow]:
    start, end = (days[0], days[-1]) if days else (date.min, date.min)
    marks = {
        (m.placement_id, m.date, m.session): m
        for m in AttendanceMark.objects.filter(
            school=school, date__range=(start, end), placement__in=[p.pk for p in placements]
        ).only("pk", "placement_id", "date", "session", "status", "code", "late_minutes")
    }
    return [
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


def build_grid(
    *,
    school: School,
    start: date,
    end: date,
    q: str = "",
    year_group: int | None = None,
    page: str | int | None = 1,
) -> RegisterGrid:
    """One page of learners x sessions between start and end.

    Queries, whatever the number of rows: expected sessions (placements,
    terms, school closures, provider closures), the count and the page of
    placements with learners and providers, and the page's marks.
    """
    placements, expected = _placements(school=school, start=start, end=end, q=q, year_group=year_group)
    found = Paginator(placements, ROWS_PER_PAGE).get_page(page)
    days = weekdays(start, end)
    return RegisterGrid(days, _rows(school, list(found), days, expected), found)


def grid_csv_rows(
    *, school: School, start: date, end: date, q: str = "", year_group: int | None = None
) -> Iterator[list]:
    """The whole range as rows for a spreadsheet: a column per session, its code; for an
    expected session without a mark "not recorded" (or "expected" if still to come); blank
    when none was expected."""
    days, today = weekdays(start, end), timezone.localdate()
    yield ["UPN", "surname", "forename", "year group", "provider"] + [
        f"{day.isoformat()} {s}" for day in days for s in SESSIONS
    ]
    placements, expected = _placements(school=school, start=start, end=end, q=q, year_group=year_group)
    ids = list(placements.values_list("pk", flat=True))
    for at in range(0, len(ids), CSV_CHUNK):
        chunk = placements.filter(pk__in=ids[at : at + CSV_CHUNK])
        for row in _rows(school, list(chunk), days, expected):
            learner = row.placement.learner
            yield [
                learner.upn,
                learner.legal_last_name,
                learner.legal_first_name,
                learner.year_group,
                row.placement.provider.name,
            ] + [_csv_cell(cell, today) for cell in row.cells]


def _csv_cell(cell: Cell, today: date) -> str:
    if cell.mark is not None:
        return cell.mark.code
    if not cell.expected:
        return ""
    return "expected" if cell.day > today else "not recorded"
