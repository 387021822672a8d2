"""Expected sessions: the heart of attendance (DESIGN.md "Expected attendance").

A placement's weekly timetable, intersected with its school's term dates,
minus school closures and the provider's closures, gives the sessions the
learner is expected at the provider. Computed for any number of placements
and days in a fixed handful of queries: the placements, their schools'
terms, school closures and provider closures.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from placements.models import Placement, ProviderClosure, SchoolClosure, Term
from placements.models.placements import WEEKDAYS

SESSIONS = ("AM", "PM")


@dataclass(frozen=True, order=True)
class ExpectedSession:
    day: date
    session: str
    placement_id: int
    # Carried along so callers can group without another query.
    school_id: int = field(default=0, compare=False)
    provider_id: int = field(default=0, compare=False)


def _days(start: date, end: date):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def school_days(school_ids, start: date, end: date) -> dict[int, list[date]]:
    """Per school, its school days between start and end: weekdays in term, outside half term, not closed."""
    terms = defaultdict(list)
    for term in Term.objects.filter(school_id__in=school_ids).overlapping(start, end):
        terms[term.school_id].append(term)
    closed = defaultdict(set)
    for school_id, day in SchoolClosure.objects.filter(
        school_id__in=school_ids, date__range=(start, end)
    ).values_list("school_id", "date"):
        closed[school_id].add(day)
    result = {}
    for school_id in school_ids:
        days = []
        for term in terms[school_id]:
            for day in _days(max(start, term.start_date), min(end, term.end_date)):
                if day.weekday() < 5 and term.half_for(day) is not None and day not in closed[school_id]:
                    days.append(day)
        result[school_id] = sorted(days)
    return result


def provider_closed_days(provider_ids, start: date, end: date) -> dict[tuple[int, int], set[date]]:
    """(provider, school) -> the days the provider is closed for that school's learners."""
    closed = defaultdict(set)
    for closure in ProviderClosure.objects.filter(
        provider_id__in=provider_ids, start_date__lte=end, end_date__gte=start
    ).only("provider_id", "school_id", "start_date", "end_date"):
        for day in _days(max(start, closure.start_date), min(end, closure.end_date)):
            closed[(closure.provider_id, closure.school_id)].add(day)
    return closed


TIMETABLE_FIELDS = [f"{day}_{s}" for day in WEEKDAYS for s in ("am", "pm")]


def expected_sessions(start: date, end: date, *, placements=None) -> list[ExpectedSession]:
    """Every expected (day, session, placement) between start and end inclusive.

    `placements` narrows the set (a queryset of Placement); by default every
    placement that was running in the range, at every school.
    """
    queryset = (placements if placements is not None else Placement.objects.all()).attending_between(
        start, end
    )
    rows = list(
        queryset.only(
            "pk", "school_id", "provider_id", "start_date", "end_date", *TIMETABLE_FIELDS
        ).order_by()
    )
    if not rows:
        return []
    days_by_school = school_days({p.school_id for p in rows}, start, end)
    closed_by_provider = provider_closed_days({p.provider_id for p in rows}, start, end)
    result = []
    for placement in rows:
        first = placement.start_date
        last = placement.end_date or end
        flags = [(getattr(placement, f"{day}_am"), getattr(placement, f"{day}_pm")) for day in WEEKDAYS]
        closed = closed_by_provider.get((placement.provider_id, placement.school_id), ())
        for day in days_by_school[placement.school_id]:
            if day < first or day > last or day in closed:
                continue
            am, pm = flags[day.weekday()]
            if am:
                result.append(
                    ExpectedSession(day, "AM", placement.pk, placement.school_id, placement.provider_id)
                )
            if pm:
                result.append(
                    ExpectedSession(day, "PM", placement.pk, placement.school_id, placement.provider_id)
                )
    result.sort()
    return result


def is_expected(placement: Placement, day: date, session: str) -> bool:
    found = expected_sessions(day, day, placements=Placement.objects.filter(pk=placement.pk))
    return any(e.session == session for e in found)
