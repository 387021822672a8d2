"""Attendance figures: per learner, over any date range, for many learners at once.

Possible sessions are the marks whose code counts (attended, authorised or
unauthorised absence, attendance/codes.py); a session marked D, Q, Y or # is
not a possible session. Attendance % = attended / possible x 100.

Expected sessions that have no mark yet are reported apart as "not yet
marked", never in the %: the figure says what the register shows, and a
missing register is chased through the missing-report flags.

Bands (DESIGN.md "Expected attendance"; DfE "Working together to improve
school attendance"): persistent absence is attendance at or below 90%,
severe absence at or below 50%; the school's own target (School.attendance_target)
triggers the interventions of its attendance policy.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch, Subquery, Sum
from django.utils import timezone

from placements.models import Learner, Placement, Term
from placements.schedule import expected_sessions

from .codes import CODES, Counts
from .models import (
    AttendanceMark,
    AttendanceWeek,
    ContactMethod,
    Intervention,
    InterventionKind,
    ParentContact,
)

SEVERE_AT_OR_BELOW = Decimal(50)
PERSISTENT_AT_OR_BELOW = Decimal(90)


class Band(models.TextChoices):
    SEVERE = "severe", "Severe absence"
    PERSISTENT = "persistent", "Persistent absence"
    BELOW_TARGET = "below_target", "Below target"
    AT_TARGET = "at_target", "At or above target"


# How a band is shown: a Bootstrap/altprov badge. The words always go with it.
BAND_CSS = {
    Band.SEVERE: "rag-red",
    Band.PERSISTENT: "rag-red",
    Band.BELOW_TARGET: "rag-amber",
    Band.AT_TARGET: "rag-green",
}


def band(percent: Decimal | float | int | None, target: Decimal | float | int) -> Band | None:
    """The band for an attendance %; None when there were no possible sessions."""
    if percent is None:
        return None
    # Through str() so that a float such as 90.01 compares as written.
    value = Decimal(str(percent)) if isinstance(percent, float) else Decimal(percent)
    if value <= SEVERE_AT_OR_BELOW:
        return Band.SEVERE
    if value <= PERSISTENT_AT_OR_BELOW:
        return Band.PERSISTENT
    if value < Decimal(str(target)):
        return Band.BELOW_TARGET
    return Band.AT_TARGET


@dataclass
class Figures:
    attended: int = 0
    authorised: int = 0
    unauthorised: int = 0
    not_counted: int = 0
    not_yet_marked: int = 0

    @property
    def possible(self) -> int:
        return self.attended + self.authorised + self.unauthorised

    @property
    def percent(self) -> Decimal | None:
        """Exact to 28 digits, so that 9 of 10 is 90 and falls in the persistent band."""
        if not self.possible:
            return None
        return Decimal(self.attended * 100) / Decimal(self.possible)

    @property
    def rounded_percent(self) -> Decimal | None:
        """To one decimal place, half up, as the pages show it."""
        percent = self.percent
        return None if percent is None else percent.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def band(self, target) -> Band | None:
        return band(self.percent, target)

    def add(self, code: str, count: int) -> None:
        found = CODES.get(code)
        counts = found.counts if found else Counts.NOT_COUNTED
        if counts == Counts.ATTENDED:
            self.attended += count
        elif counts == Counts.AUTHORISED:
            self.authorised += count
        elif counts == Counts.UNAUTHORISED:
            self.unauthorised += count
        else:
            self.not_counted += count


def _learner_filter(learners) -> dict:
    if isinstance(learners, models.QuerySet):
        return {"placement__learner__in": learners.values("pk")}
    return {"placement__learner_id__in": list(learners)}


def _whole_weeks(start: date, end: date) -> tuple[date, date] | None:
    """The first and last Mondays of the whole weeks (Monday to Sunday) inside start..end, if any."""
    first = start + timedelta(days=(7 - start.weekday()) % 7)
    last_sunday = end - timedelta(days=(end.weekday() + 1) % 7)
    if last_sunday < first:
        return None
    return first, last_sunday - timedelta(days=6)


def _edges(start: date, end: date, weeks: tuple[date, date] | None) -> list[tuple[date, date]]:
    """The parts of start..end outside the whole weeks: at most one partial week at each end."""
    if weeks is None:
        return [(start, end)]
    edges = []
    if start < weeks[0]:
        edges.append((start, weeks[0] - timedelta(days=1)))
    if weeks[1] + timedelta(days=6) < end:
        edges.append((weeks[1] + timedelta(days=7), end))
    return edges


def figures_for(
    learners: "models.QuerySet[Learner] | Iterable[int]",
    start: date,
    end: date,
    *,
    unmarked_until: date | None = None,
) -> dict[int, Figures]:
    """Learner id -> Figures for the marks dated start..end inclusive.

    The whole weeks of the range come from the weekly summary
    (attendance/summary.py), added up in one query however many learners and
    weeks; the partial weeks at either end (at most two) are counted live:
    one more query for their marks. A queryset of learners is used as a
    subquery, so a whole school needs no id list.
    With `unmarked_until`, expected sessions up to that day with no mark are
    counted as not yet marked: from the summary for whole weeks up to that
    day, live for the partial weeks at the edges (seven queries each: the
    expected sessions' placements, timetable versions, terms, closures and
    provider closures, the marks' keys and the placements' learners).
    Learners with neither marks nor unmarked sessions are absent: use
    `.get(pk) or Figures()`.
    """
    result: dict[int, Figures] = {}
    weeks = _whole_weeks(start, end)
    unmarked_end = None
    if unmarked_until is not None and unmarked_until >= start:
        unmarked_end = min(end, unmarked_until)
    unmarked_weeks = _whole_weeks(start, unmarked_end) if unmarked_end else None
    if weeks is not None:
        sums = {name: Sum(name) for name in ("attended", "authorised", "unauthorised", "not_counted")}
        if unmarked_weeks is not None:
            sums["not_yet_marked"] = Sum(
                "not_yet_marked", filter=models.Q(week_start__range=unmarked_weeks), default=0
            )
        rows = (
            AttendanceWeek.objects.filter(week_start__range=weeks, **_learner_filter(learners))
            .values("placement__learner_id")
            .annotate(**sums)
            .order_by()
        )
        for row in rows:
            f = Figures(
                attended=row["attended"],
                authorised=row["authorised"],
                unauthorised=row["unauthorised"],
                not_counted=row["not_counted"],
                not_yet_marked=row.get("not_yet_marked") or 0,
            )
            if f.possible or f.not_counted or f.not_yet_marked:
                result[row["placement__learner_id"]] = f
    edges = _edges(start, end, weeks)
    if edges:
        # The days themselves (a fortnight at most), not ranges joined by OR: PostgreSQL then
        # looks each placement's marks up by (placement, date) instead of reading all its years.
        days = [edge[0] + timedelta(days=n) for edge in edges for n in range((edge[1] - edge[0]).days + 1)]
        rows = (
            AttendanceMark.objects.filter(date__in=days, **_learner_filter(learners))
            .values_list("placement__learner_id", "code")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for learner_id, code, n in rows:
            result.setdefault(learner_id, Figures()).add(code, n)
    if unmarked_end is not None:
        for edge_start, edge_end in _edges(start, unmarked_end, unmarked_weeks):
            _count_unmarked(result, learners, edge_start, edge_end)
    return result


def _count_unmarked(result: dict[int, Figures], learners, start: date, end: date) -> None:
    if isinstance(learners, models.QuerySet):
        placements = Placement.objects.filter(learner__in=learners.values("pk"))
    else:
        placements = Placement.objects.filter(learner_id__in=list(learners))
    expected = expected_sessions(start, end, placements=placements)
    if not expected:
        return
    placement_ids = {e.placement_id for e in expected}
    marked = set(
        AttendanceMark.objects.filter(placement_id__in=placement_ids, date__range=(start, end)).values_list(
            "placement_id", "date", "session"
        )
    )
    owner = dict(placements.filter(pk__in=placement_ids).values_list("pk", "learner_id"))
    for e in expected:
        if (e.placement_id, e.day, e.session) not in marked:
            result.setdefault(owner[e.placement_id], Figures()).not_yet_marked += 1


# Periods -------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str


def this_term(school_id: int, day: date) -> Term | None:
    """The term containing `day`; in a holiday, the term that has just ended.

    Terms of a school do not overlap, so the latest one starting on or
    before the day is the one containing it, or the one before the break.
    """
    return Term.objects.filter(school_id=school_id, start_date__lte=day).order_by("-start_date").first()


def term_so_far(term: Term, today: date) -> Period:
    """The term up to today (all of it once it has ended)."""
    return Period(
        term.start_date, min(term.end_date, today), f"{term.get_name_display()} term {term.school_year}"
    )


def school_year_so_far(term: Term, today: date) -> Period:
    """The school year of `term` (its school's terms of that school_year) up to today."""
    bounds = Term.objects.filter(school_id=term.school_id, school_year=term.school_year).aggregate(
        start=Min("start_date"), end=Max("end_date")
    )
    return Period(bounds["start"], min(bounds["end"], today), f"School year {term.school_year}")


# The follow-up list -----------------------------------------------------------


@dataclass
class FollowUpRow:
    learner: Learner
    figures: Figures
    band: Band
    # (session, code) of today's marks with no reason yet (N, O).
    unexplained_today: list[tuple[str, str]] = field(default_factory=list)

    @property
    def band_css(self) -> str:
        return BAND_CSS[self.band]

    @property
    def last_intervention_kind(self) -> str:
        kind = self.learner.last_intervention_kind
        return InterventionKind(kind).label if kind else ""

    @property
    def last_contact_method(self) -> str:
        method = self.learner.last_contact_method
        return ContactMethod(method).label if method else ""

    @property
    def unexplained_text(self) -> str:
        return ", ".join(f"{session} ({code})" for session, code in self.unexplained_today)

    @property
    def needs_contact_today(self) -> bool:
        """Policy "Attendance and Safeguarding": the school contacts parents when attendance is a concern."""
        return bool(self.unexplained_today) and not self.learner.contacted_today


def follow_up_list(*, school, period: Period, today: date) -> list[tuple[int, Figures, Band]]:
    """(learner id, figures, band) of each learner below the school's target over `period`, lowest
    first (then by name): the whole list, cheaply, so that a page of it can be shown.

    Only learners with marks in the period can have a %; an active placement
    with no marks yet shows on the missing-report flags instead. A learner in
    the persistent or severe band is listed even if the school set its target
    lower, since those bands are national thresholds.

    Queries: the marks grouped (1), not-yet-marked sessions (6) and the listed
    learners' names (1), however many learners.
    """
    target = school.attendance_target
    figures = figures_for(
        Learner.objects.filter(school=school), period.start, period.end, unmarked_until=today
    )
    listed = {}
    for learner_id, f in figures.items():
        found = f.band(target)
        if found is not None and found != Band.AT_TARGET:
            listed[learner_id] = found
    if not listed:
        return []
    names = Learner.objects.filter(pk__in=list(listed)).values_list(
        "pk", "legal_last_name", "legal_first_name"
    )
    order = sorted(names, key=lambda n: (figures[n[0]].percent, n[1], n[2], n[0]))
    return [(pk, figures[pk], listed[pk]) for pk, *_ in order]


def follow_up_rows(*, school, today: date, listed: list[tuple[int, Figures, Band]]) -> list[FollowUpRow]:
    """The rows of `listed` (a page of `follow_up_list`), in its order, with what the page shows.

    Queries: the learners with their last intervention and parent contact (1),
    their current placements (1) and today's unexplained marks (1): the same
    for 5 learners or 50.
    """
    if not listed:
        return []
    figures = {pk: f for pk, f, _ in listed}
    bands = {pk: band for pk, _, band in listed}
    interventions = Intervention.objects.filter(school=school, learner=OuterRef("pk")).order_by(
        "-date", "-pk"
    )
    contacts = ParentContact.objects.filter(school=school, learner=OuterRef("pk")).order_by("-at", "-pk")
    # Local midnights: on the days the clocks change a day is 23 or 25 hours long.
    day_start = timezone.make_aware(datetime.combine(today, time.min))
    day_end = timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min))
    learners = (
        Learner.objects.filter(pk__in=list(figures))
        .annotate(
            last_intervention_kind=Subquery(interventions.values("kind")[:1]),
            last_intervention_date=Subquery(interventions.values("date")[:1]),
            last_contact_method=Subquery(contacts.values("method")[:1]),
            last_contact_at=Subquery(contacts.values("at")[:1]),
            last_contact_reached=Subquery(contacts.values("reached")[:1]),
            contacted_today=Exists(
                ParentContact.objects.filter(
                    school=school,
                    learner=OuterRef("pk"),
                    at__gte=day_start,
                    at__lt=day_end,
                )
            ),
        )
        .prefetch_related(
            Prefetch(
                "placements",
                Placement.objects.active(on=today).select_related("provider").order_by("start_date"),
                to_attr="current_placements",
            )
        )
    )
    rows = {learner.pk: FollowUpRow(learner, figures[learner.pk], bands[learner.pk]) for learner in learners}
    unexplained = (
        AttendanceMark.objects.filter(date=today, placement__learner_id__in=list(figures))
        .unexplained()
        .order_by("session")
        .values_list("placement__learner_id", "session", "code", "dual_absence_reason")
    )
    for learner_id, session, code, dual_reason in unexplained:
        rows[learner_id].unexplained_today.append((session, dual_reason or code))
    return [rows[pk] for pk in figures if pk in rows]
