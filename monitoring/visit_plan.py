"""The twice-termly visit rule (DESIGN.md "Monitoring"; the policy's "Monitoring
Academic Progress, Behaviour and Pastoral Welfare": visits "twice termly").

Twice termly means at least one submitted visit in each half term of a
placement's active period. A term's first half runs from its start to the day
before its half-term break; its second half from the day after the break to
its end. A half term counts for a placement only if the placement expects at
least one session in it (placements.schedule: the timetable version in force
each day, from the later of the start and the activation, to the end date, or
the target end date while it has not ended), so a placement that starts after
half term, or a timetable change that leaves a half with no sessions, asks for
no visit there. A visit dated in a half-term break counts for no half.

Each counted half term is:
- done: a submitted visit is dated in it;
- overdue: it has ended (or the placement has) without one;
- due soon: not done, in its last 14 days (the placement's last 14, if it ends first);
- due: not done, under way;
- to come: not started yet.

`plan_visits` answers for any number of placements in a fixed number of
queries: the terms, the expected sessions (five, placements.schedule) and the
submitted visits.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import models

from placements.models import Placement, Term
from placements.schedule import first_expected_days

from .models import Visit, VisitStatus

DUE_SOON_DAYS = 14


class HalfState(models.TextChoices):
    DONE = "done", "Done"
    DUE = "due", "Due"
    DUE_SOON = "due_soon", "Due soon"
    OVERDUE = "overdue", "Overdue"
    TO_COME = "to_come", "To come"


# Status tag classes (static/css/pages.css) by state: green, blue, amber, red, grey.
STATE_CSS = {
    HalfState.DONE: "tag-active",
    HalfState.DUE: "tag-planning",
    HalfState.DUE_SOON: "tag-not-approved",
    HalfState.OVERDUE: "tag-ceased",
    HalfState.TO_COME: "tag-ended",
}


@dataclass(frozen=True)
class HalfTerm:
    term: Term
    half: int
    start: date
    end: date

    @property
    def key(self) -> str:
        return f"{self.term.pk}-{self.half}"

    @property
    def label(self) -> str:
        return f"{self.term.get_name_display()} {'first' if self.half == 1 else 'second'} half"

    @property
    def short_label(self) -> str:
        return f"{self.term.get_name_display()} {self.half}"

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def half_terms(term: Term) -> tuple[HalfTerm, HalfTerm]:
    return (
        HalfTerm(term, 1, term.start_date, term.half_term_start - timedelta(days=1)),
        HalfTerm(term, 2, term.half_term_end + timedelta(days=1), term.end_date),
    )


@dataclass
class HalfTermPlan:
    half: HalfTerm
    # The half term clipped to the placement's active period.
    first_day: date
    last_day: date
    state: str
    visits: list = field(default_factory=list)

    @property
    def due_by(self) -> date:
        return self.last_day

    @property
    def state_label(self) -> str:
        return HalfState(self.state).label

    @property
    def css(self) -> str:
        return STATE_CSS[self.state]

    @property
    def open(self) -> bool:
        return self.state in (HalfState.DUE, HalfState.DUE_SOON, HalfState.OVERDUE)


@dataclass
class VisitPlan:
    placement: Placement
    halves: list[HalfTermPlan]
    # Every submitted visit, oldest first (a late one may fall after the half it was due in).
    visits: list = field(default_factory=list)

    @property
    def next_due(self) -> HalfTermPlan | None:
        """The first half term still to visit that has not passed (due, due soon or to come)."""
        return next(
            (h for h in self.halves if h.state in (HalfState.DUE, HalfState.DUE_SOON, HalfState.TO_COME)),
            None,
        )

    @property
    def overdue(self) -> list[HalfTermPlan]:
        return [h for h in self.halves if h.state == HalfState.OVERDUE]

    @property
    def due_soon(self) -> list[HalfTermPlan]:
        return [h for h in self.halves if h.state == HalfState.DUE_SOON]

    def half_for(self, day: date) -> HalfTermPlan | None:
        return next((h for h in self.halves if h.half.contains(day)), None)


def last_day(placement: Placement, today: date) -> date:
    """The last day of the placement's active period: its end, else its target end (or today, if later)."""
    return placement.end_date or max(placement.target_end_date, today)


def state_for(*, done: bool, first_day: date, last_day: date, today: date) -> str:
    if done:
        return HalfState.DONE
    if today > last_day:
        return HalfState.OVERDUE
    if today < first_day:
        return HalfState.TO_COME
    if today > last_day - timedelta(days=DUE_SOON_DAYS):
        return HalfState.DUE_SOON
    return HalfState.DUE


def plan_visits(placements: list[Placement], *, today: date) -> dict[int, VisitPlan]:
    """Placement id -> its visit plan, for every placement given (loaded already).

    Queries, however many placements: the terms (1), the expected sessions
    (5: placements, timetable versions, terms, school closures, provider
    closures) and the submitted visits (1).
    """
    if not placements:
        return {}
    start = min(p.expected_from for p in placements)
    end = max(last_day(p, today) for p in placements)
    ends = {p.pk: last_day(p, today) for p in placements}
    terms = list(
        Term.objects.filter(school_id__in={p.school_id for p in placements})
        .overlapping(start, end)
        .order_by("start_date")
    )
    halves_by_school: dict[int, list[HalfTerm]] = defaultdict(list)
    for term in terms:
        halves_by_school[term.school_id].extend(half_terms(term))

    # Which half terms ask for a visit: those in which the placement expects a session.
    spans, halves_of = {}, {}
    for p in placements:
        halves_of[p.pk] = [
            half
            for half in halves_by_school[p.school_id]
            if max(half.start, p.expected_from) <= min(half.end, ends[p.pk])
        ]
        spans[p.pk] = [(max(h.start, p.expected_from), min(h.end, ends[p.pk])) for h in halves_of[p.pk]]
    by_pk = {p.pk: p for p in placements}
    found = first_expected_days(spans)
    counted = {(pk, halves_of[pk][index].key) for pk, index in found}

    visits: dict[int, list[Visit]] = defaultdict(list)
    for visit in (
        Visit.objects.filter(placement_id__in=list(by_pk), status=VisitStatus.SUBMITTED)
        .only("pk", "placement_id", "visited_on", "visited_at", "staff_id")
        .order_by("visited_on", "pk")
    ):
        visits[visit.placement_id].append(visit)

    result = {}
    for placement in placements:
        plans = []
        for half in halves_by_school[placement.school_id]:
            if (placement.pk, half.key) not in counted:
                continue
            in_half = [v for v in visits[placement.pk] if half.contains(v.visited_on)]
            first = max(half.start, placement.expected_from)
            last = min(half.end, ends[placement.pk])
            plans.append(
                HalfTermPlan(
                    half=half,
                    first_day=first,
                    last_day=last,
                    state=state_for(done=bool(in_half), first_day=first, last_day=last, today=today),
                    visits=in_half,
                )
            )
        result[placement.pk] = VisitPlan(placement, plans, visits[placement.pk])
    return result
