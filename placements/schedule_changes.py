"""Telling the layers above that expected sessions changed.

Closures (school and provider), term dates, timetable versions and a
placement's start, activation or end change which sessions a learner is
expected at. The attendance figures keep a weekly summary of them
(attendance/summary.py); placements may not import attendance, so attendance
registers a listener here when it starts and the workflows below call
`schedule_changed`. Plain function calls inside the caller's transaction:
no signals.
"""

from collections.abc import Callable, Iterable
from datetime import date

from .models import Placement, Term

Listener = Callable[..., None]
_listeners: list[Listener] = []


def listen(listener: Listener) -> None:
    """Call `listener(placement_ids=..., start=..., end=...)` after every change."""
    if listener not in _listeners:
        _listeners.append(listener)


def schedule_changed(*, placement_ids: Iterable[int], start: date, end: date | None = None) -> None:
    """Expected sessions of these placements may have changed from `start` to `end` (open: to their end)."""
    placement_ids = sorted(set(placement_ids))
    if not placement_ids or not _listeners:
        return
    if end is None:
        end = _open_end(placement_ids, start)
    if end < start:
        return
    for listener in _listeners:
        listener(placement_ids=placement_ids, start=start, end=end)


def school_schedule_changed(
    *, school_id: int, start: date, end: date, provider_id: int | None = None
) -> None:
    """A school's calendar changed (a closure, a term), or a provider's closure for that school."""
    placements = Placement.objects.filter(school_id=school_id)
    if provider_id is not None:
        placements = placements.filter(provider_id=provider_id)
    ids = placements.attending_between(start, end).prefetch_related(None).values_list("pk", flat=True)
    schedule_changed(placement_ids=list(ids), start=start, end=end)


def _open_end(placement_ids: list[int], start: date) -> date:
    """The last day that can hold expected sessions: the end of the schools' last term."""
    school_ids = Placement.objects.filter(pk__in=placement_ids).values("school_id")
    last = (
        Term.objects.filter(school_id__in=school_ids).order_by("-end_date").values_list("end_date", flat=True)
    )
    found = last.first()
    return max(found, start) if found else start
