"""The weekly attendance summary: figures per placement and week, kept up to date.

Recomputing every expected session of a term for every learner on each page
grows with the term and the number of learners. Instead each workflow that
changes a mark or an expected session calls `refresh_summary` for the
placements and weeks it touched, in its own transaction:

- marks recorded or amended (attendance/recording.py);
- closures, term dates, timetable versions and placement status changes in
  placements, through the listener registered in AttendanceConfig.ready
  (placements/schedule_changes.py).

`rebuild_summary` recomputes the whole table (manage.py
rebuild_attendance_summary); it is idempotent. The categories are exactly
those of attendance/figures.py: marks counted by their code, and expected
sessions with no mark as not yet marked.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Max, Min

from placements.models import Placement, Term
from placements.schedule import expected_sessions

from .models import AttendanceMark, AttendanceWeek

CHUNK = 200
FIELDS = ("attended", "authorised", "unauthorised", "not_counted", "not_yet_marked", "expected")


def week_of(day: date) -> date:
    """The Monday of the week containing `day`."""
    return day - timedelta(days=day.weekday())


def weeks_between(start: date, end: date) -> list[date]:
    """The Mondays of every week that has a day between start and end inclusive."""
    week, last, found = week_of(start), week_of(end), []
    while week <= last:
        found.append(week)
        week += timedelta(days=7)
    return found


def compute_weeks(placement_ids: Iterable[int], start: date, end: date) -> dict[tuple[int, date], dict]:
    """(placement id, Monday) -> counts for start..end, computed from the marks and expected sessions."""
    from .figures import Figures

    ids = list(placement_ids)
    figures: dict[tuple[int, date], Figures] = defaultdict(Figures)
    expected_count: dict[tuple[int, date], int] = defaultdict(int)
    marked = set()
    for placement_id, day, session, code in (
        AttendanceMark.objects.filter(placement_id__in=ids, date__range=(start, end))
        .order_by()
        .values_list("placement_id", "date", "session", "code")
        .iterator(chunk_size=5000)
    ):
        figures[(placement_id, week_of(day))].add(code, 1)
        marked.add((placement_id, day, session))
    for e in expected_sessions(start, end, placements=Placement.objects.filter(pk__in=ids)):
        key = (e.placement_id, week_of(e.day))
        expected_count[key] += 1
        if (e.placement_id, e.day, e.session) not in marked:
            figures[key].not_yet_marked += 1
    result = {}
    for key in figures.keys() | expected_count.keys():
        f = figures.get(key)
        result[key] = {
            "attended": f.attended if f else 0,
            "authorised": f.authorised if f else 0,
            "unauthorised": f.unauthorised if f else 0,
            "not_counted": f.not_counted if f else 0,
            "not_yet_marked": f.not_yet_marked if f else 0,
            "expected": expected_count.get(key, 0),
        }
    return result


def _runs(weeks: list[date]) -> list[tuple[date, date]]:
    """Consecutive Mondays grouped as (first Monday, last Sunday)."""
    runs = []
    for week in weeks:
        if runs and runs[-1][1] + timedelta(days=1) == week:
            runs[-1] = (runs[-1][0], week + timedelta(days=6))
        else:
            runs.append((week, week + timedelta(days=6)))
    return runs


def refresh_summary(*, placement_ids: Iterable[int], weeks: Iterable[date]) -> None:
    """Recompute the summary rows of these placements for these weeks (any day of a week names it)."""
    ids = sorted(set(placement_ids))
    weeks = sorted({week_of(w) for w in weeks})
    if not ids or not weeks:
        return
    with transaction.atomic():
        for i in range(0, len(ids), CHUNK):
            chunk = ids[i : i + CHUNK]
            rows = []
            for start, end in _runs(weeks):
                computed = compute_weeks(chunk, start, end)
                rows += [
                    AttendanceWeek(placement_id=pid, week_start=week, **counts)
                    for (pid, week), counts in computed.items()
                ]
            AttendanceWeek.objects.filter(placement_id__in=chunk, week_start__in=weeks).delete()
            AttendanceWeek.objects.bulk_create(rows, batch_size=2000)


def refresh_between(*, placement_ids: Iterable[int], start: date, end: date) -> None:
    """The listener placements calls (placements/schedule_changes.py)."""
    refresh_summary(placement_ids=placement_ids, weeks=weeks_between(start, end))


def summary_span() -> tuple[date, date] | None:
    """The weeks the summary covers: from the first placement start or mark to the last term's end."""
    bounds = [
        Placement.objects.aggregate(first=Min("start_date"), last=Max("end_date")),
        AttendanceMark.objects.aggregate(first=Min("date"), last=Max("date")),
        Term.objects.aggregate(first=Min("start_date"), last=Max("end_date")),
    ]
    firsts = [b["first"] for b in bounds if b["first"]]
    lasts = [b["last"] for b in bounds if b["last"]]
    if not firsts or not lasts:
        return None
    return min(firsts), max(lasts)


def rebuild_summary(*, placement_ids: Iterable[int] | None = None) -> int:
    """Recompute the summary from scratch (every placement unless given); the number of rows stored."""
    span = summary_span()
    ids = (
        sorted(placement_ids)
        if placement_ids is not None
        else list(Placement.objects.order_by("pk").values_list("pk", flat=True))
    )
    stored = 0
    with transaction.atomic():
        if placement_ids is None:
            AttendanceWeek.objects.all().delete()
        else:
            AttendanceWeek.objects.filter(placement_id__in=ids).delete()
        if span is None:
            return 0
        start, end = week_of(span[0]), week_of(span[1]) + timedelta(days=6)
        for i in range(0, len(ids), CHUNK):
            chunk = ids[i : i + CHUNK]
            rows = [
                AttendanceWeek(placement_id=pid, week_start=week, **counts)
                for (pid, week), counts in compute_weeks(chunk, start, end).items()
            ]
            AttendanceWeek.objects.bulk_create(rows, batch_size=2000)
            stored += len(rows)
    return stored
