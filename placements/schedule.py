"""Expected sessions: which sessions each learner is expected at a provider, and where.

The one place that answers it (DESIGN.md "Expected attendance"), for any
date range: the morning links, the missing-report job, Today, the register
grid and link, the figures and "Where is this learner?" all ask here.

A placement's timetable (the version in force that day), intersected with its
school's term dates, minus school closures and that school's provider
closures, from the later of its start and its activation to its end, gives
the sessions the learner is expected at the provider. Computed for any number
of placements and days in a fixed handful of queries: the placements, their
timetable versions, their schools' terms, school closures and provider
closures. Dates are calendar dates in Europe/London.
"""

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from .models import Placement, PlacementTimetable, ProviderClosure, SchoolClosure, Term
from .models.timetables import SESSION_FIELDS, version_index

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


def next_school_day(school, after: date) -> date:
    """The school's first school day after `after` (the next weekday if its calendar has none in sight)."""
    school_id = getattr(school, "pk", school)
    found = school_days([school_id], after + timedelta(days=1), after + timedelta(days=60))[school_id]
    if found:
        return found[0]
    day = after + timedelta(days=1)
    while day.weekday() > 4:
        day += timedelta(days=1)
    return day


def provider_closed_days(provider_ids, start: date, end: date) -> dict[tuple[int, int], set[date]]:
    """(provider, school) -> the days the provider is closed for that school's learners."""
    closed = defaultdict(set)
    for closure in ProviderClosure.objects.filter(
        provider_id__in=provider_ids, start_date__lte=end, end_date__gte=start
    ).only("provider_id", "school_id", "start_date", "end_date"):
        for day in _days(max(start, closure.start_date), min(end, closure.end_date)):
            closed[(closure.provider_id, closure.school_id)].add(day)
    return closed


@dataclass
class _Schedules:
    """What deciding expected sessions needs, loaded for a set of placements and a range."""

    placements: list
    # Per placement: the versions' first days, and (AM, PM) flags per weekday of each version.
    dates: dict[int, list[date]]
    weeks: dict[int, list[list[tuple[bool, bool]]]]
    days_by_school: dict[int, list[date]]
    closed_by_provider: dict[tuple[int, int], set[date]]

    def week_on(self, placement_id: int, day: date) -> list[tuple[bool, bool]]:
        versions = self.weeks[placement_id]
        return versions[0] if len(versions) == 1 else versions[version_index(self.dates[placement_id], day)]


def _load(start: date, end: date, placements) -> _Schedules | None:
    queryset = (placements if placements is not None else Placement.objects.all()).attending_between(
        start, end
    )
    rows = list(
        queryset.prefetch_related(None)
        .only("pk", "school_id", "provider_id", "start_date", "end_date", "activated_on")
        .order_by()
    )
    if not rows:
        return None
    # The versions as plain rows: thousands of model instances would cost more than the rest together.
    dates, weeks = defaultdict(list), defaultdict(list)
    for placement_id, effective_from, *flags in (
        PlacementTimetable.objects.filter(placement_id__in=[p.pk for p in rows])
        .order_by("placement_id", "effective_from")
        .values_list("placement_id", "effective_from", *SESSION_FIELDS)
    ):
        dates[placement_id].append(effective_from)
        # (AM, PM) for each weekday, Monday first.
        weeks[placement_id].append(list(zip(flags[::2], flags[1::2])))
    return _Schedules(
        placements=rows,
        dates=dates,
        weeks=weeks,
        days_by_school=school_days({p.school_id for p in rows}, start, end),
        closed_by_provider=provider_closed_days({p.provider_id for p in rows}, start, end),
    )


def expected_sessions(start: date, end: date, *, placements=None) -> list[ExpectedSession]:
    """Every expected (day, session, placement) between start and end inclusive.

    `placements` narrows the set (a queryset of Placement); by default every
    placement that was running in the range, at every school.
    """
    loaded = _load(start, end, placements)
    if loaded is None:
        return []
    result = []
    for placement in loaded.placements:
        first = placement.expected_from
        last = placement.end_date or end
        if not loaded.weeks[placement.pk]:
            continue
        closed = loaded.closed_by_provider.get((placement.provider_id, placement.school_id), ())
        for day in loaded.days_by_school[placement.school_id]:
            if day < first or day > last or day in closed:
                continue
            am, pm = loaded.week_on(placement.pk, day)[day.weekday()]
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


def first_expected_days(spans: dict[int, list[tuple[date, date]]]) -> dict[tuple[int, int], date]:
    """(placement id, index of the span) -> the first day in that span with an expected session.

    `spans` gives each placement's (by id) date ranges (half terms, say); a span with
    no expected session is absent. The same rules as `expected_sessions`, and
    the same queries, but it stops at each span's first session instead of
    listing every one: a placement's whole year costs a few days' work.
    """
    ranges = [span for placement_spans in spans.values() for span in placement_spans]
    if not ranges:
        return {}
    start, end = min(s for s, _ in ranges), max(e for _, e in ranges)
    loaded = _load(start, end, Placement.objects.filter(pk__in=list(spans)))
    if loaded is None:
        return {}
    found = {}
    for placement in loaded.placements:
        if not loaded.weeks[placement.pk]:
            continue
        first = placement.expected_from
        last = placement.end_date or end
        closed = loaded.closed_by_provider.get((placement.provider_id, placement.school_id), ())
        days = loaded.days_by_school[placement.school_id]
        for index, (span_start, span_end) in enumerate(spans.get(placement.pk, ())):
            for i in range(bisect_left(days, max(span_start, first)), len(days)):
                day = days[i]
                if day > span_end or day > last:
                    break
                if day not in closed and any(loaded.week_on(placement.pk, day)[day.weekday()]):
                    found[(placement.pk, index)] = day
                    break
    return found


def is_expected(placement: Placement, day: date, session: str) -> bool:
    found = expected_sessions(day, day, placements=Placement.objects.filter(pk=placement.pk))
    return any(e.session == session for e in found)


def expected_at(learner, day: date, session: str) -> Placement | None:
    """The placement `learner` is expected at for that session, if any."""
    found = expected_sessions(day, day, placements=Placement.objects.filter(learner=learner))
    ids = [e.placement_id for e in found if e.session == session.upper()]
    if not ids:
        return None
    return Placement.objects.select_related("provider", "site").filter(pk__in=ids).order_by("pk").first()
