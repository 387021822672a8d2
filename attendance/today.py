"""The admin assistant's day: each provider's state today.

It is computed for a whole school in a fixed number of queries, however
many providers and learners it has; the view only renders it.

A provider-day moves expected -> due -> missing -> escalated -> resolved
(DESIGN.md "Expected attendance"). Flags are raised and escalated by
attendance.missing on a schedule; this module only reads them, so the page
says what the job decided, and between the cut-off and the job's next run
an unreported provider still reads "Due".
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.utils import timezone

from altprov.models import FlagStage, LinkPurpose, LinkToken, School
from placements.models import Learner, Placement, Provider, ProviderClosure
from placements.schedule import SESSIONS, expected_sessions, school_days

from .closed_today import with_report_time
from .missing import cutoffs
from .models import AttendanceMark, ChaseNote, MarkStatus, MissingReport, ParentContact
from .recording import is_vulnerable

# Most urgent first: the page is read top to bottom.
STATES = {
    "escalated": ("Escalated", "rag-red"),
    "missing": ("Missing", "rag-red"),
    "due": ("Due", "rag-amber"),
    "resolved": ("Resolved", "rag-grey"),
    "reported": ("Reported", "rag-green"),
    "closed": ("Closed", "rag-grey"),
}
ORDER = {state: n for n, state in enumerate(STATES)}
# Always shown in full, however many providers the school has; the rest are paged.
URGENT = ("escalated", "missing")


def mark_words(mark: AttendanceMark) -> str:
    """A mark in words, as staff say it on the phone."""
    if mark.status == MarkStatus.LATE:
        return f"Late ({mark.late_minutes} min)" if mark.late_minutes else "Late"
    if mark.status == MarkStatus.PRESENT:
        return "Present"
    # By the reason, so a dual-registered absence (D) says why, not "attending the other school".
    meaning = mark.absence_meaning
    return f"Absent: {meaning[:1].lower()}{meaning[1:]}"


@dataclass
class Cell:
    """One learner's session: expected or not, and its mark if there is one."""

    day: date
    session: str
    expected: bool
    mark: AttendanceMark | None = None
    closed: bool = False

    @property
    def words(self) -> str:
        if self.mark is not None:
            return mark_words(self.mark)
        if self.closed:
            return "Provider closed"
        return "Not yet reported" if self.expected else "Not expected"


@dataclass
class LearnerLine:
    placement: Placement
    cells: dict[str, Cell]

    @property
    def am(self) -> Cell:
        return self.cells["AM"]

    @property
    def pm(self) -> Cell:
        return self.cells["PM"]


@dataclass
class ProviderDay:
    provider: Provider
    lines: list[LearnerLine] = field(default_factory=list)
    state: str = "due"
    words: str = ""
    open_flags: list[MissingReport] = field(default_factory=list)
    closed_flags: list[MissingReport] = field(default_factory=list)
    chases: list[ChaseNote] = field(default_factory=list)
    links: list[LinkToken] = field(default_factory=list)
    closure: ProviderClosure | None = None

    @property
    def label(self) -> str:
        return STATES[self.state][0]

    @property
    def badge(self) -> str:
        return STATES[self.state][1]

    @property
    def last_chase(self) -> ChaseNote | None:
        return self.chases[-1] if self.chases else None

    @property
    def told(self) -> str:
        """Who has been told about today's flags, once each:
        "the admin assistants at 10:05 (AM, PM); the DSL at 10:05 (AM), by email and in altprov"."""
        sessions: dict[tuple[str, str], list[str]] = {}
        hows: set[str] = set()
        for report in sorted(self.open_flags + self.closed_flags, key=lambda r: (r.session, r.pk)):
            for notice in report.flag.notices.all():
                hows.add(notice.how)
                at = f"{timezone.localtime(notice.at):%H:%M}"
                found = sessions.setdefault((notice.audience, at), [])
                if report.session not in found:
                    found.append(report.session)
        if not sessions:
            return ""
        parts = "; ".join(f"{who} at {at} ({', '.join(s)})" for (who, at), s in sessions.items())
        return f"{parts}, {' or '.join(sorted(hows))}"


@dataclass
class ParentCall:
    """A learner absent today without a reason, or expected at a provider that reported
    itself closed, whose parents nobody has contacted yet."""

    learner: Learner
    marks: list[AttendanceMark] = field(default_factory=list)
    closed_providers: list[Provider] = field(default_factory=list)


@dataclass
class Unaccounted:
    """A learner the DSL is told about at once, in a session whose report is missing."""

    learner: Learner
    provider: Provider
    sessions: list[str]

    @property
    def anchor(self) -> str:
        return f"unaccounted-{self.learner.pk}-{self.provider.pk}"

    @property
    def title(self) -> str:
        return f"Not accounted for: {self.learner}"

    @property
    def text(self) -> str:
        plural = "s" if len(self.sessions) > 1 else ""
        return f"{self.provider.name} has not reported the {' and '.join(self.sessions)} session{plural}."


@dataclass
class TodayPage:
    school: School
    day: date
    is_school_day: bool
    providers: list[ProviderDay]
    parent_calls: list[ParentCall]

    @property
    def unaccounted(self) -> list[Unaccounted]:
        """Vulnerable learners in sessions flagged missing and still unmarked: the page's first warning.

        Safeguarding wording: the template shows it only to roles with learner.safeguarding.
        """
        found = []
        for row in self.providers:
            flagged = {report.session for report in row.open_flags}
            for line in row.lines:
                learner = line.placement.learner
                sessions = [
                    session
                    for session, cell in line.cells.items()
                    if session in flagged and cell.expected and cell.mark is None and not cell.closed
                ]
                if sessions and is_vulnerable(learner):
                    found.append(Unaccounted(learner, row.provider, sessions))
        return found

    @property
    def urgent(self) -> list[ProviderDay]:
        return [row for row in self.providers if row.state in URGENT]

    def others(
        self, *, status: str = "", q: str = "", year_group: int | None = None, provider: int | None = None
    ) -> list[ProviderDay]:
        """The providers that are not urgent, narrowed to a state, a name, a learner's year group."""
        q = q.strip().casefold()

        def keep(row: ProviderDay) -> bool:
            if row.state in URGENT or (status and row.state != status):
                return False
            if provider is not None and row.provider.pk != provider:
                return False
            learners = [line.placement.learner for line in row.lines]
            if year_group is not None and not any(lr.year_group == year_group for lr in learners):
                return False
            if q and q not in row.provider.name.casefold():
                return any(q in str(lr).casefold() for lr in learners)
            return True

        return [row for row in self.providers if keep(row)]

    @property
    def counts(self) -> dict[str, int]:
        found = dict.fromkeys(STATES, 0)
        for row in self.providers:
            found[row.state] += 1
        return found

    @property
    def summary(self) -> list[tuple[str, str, int]]:
        """(label, badge, count) for each state some provider is in, most urgent first."""
        return [(*STATES[state], n) for state, n in self.counts.items() if n]


def _clock(day: date, now: datetime) -> time | None:
    """The time of day to judge `day` by: past days are over, future days not begun."""
    today = now.date()
    if day < today:
        return time.max
    if day > today:
        return None
    return now.time()


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment)


def _name(user) -> str:
    return (user.first_name or user.username) if user else "the system"


def _state(row: ProviderDay, sessions: dict[str, list[Cell]], school: School, clock: time | None) -> None:
    due_at = {session: times[0] for session, times in cutoffs(school).items()}
    escalated = [f for f in row.open_flags if f.stage == FlagStage.ESCALATED]
    if escalated:
        row.state = "escalated"
        row.words = "; ".join(
            f"{flag.session} not reported; escalated to the pastoral lead at "
            f"{_local(flag.escalated_at or flag.raised_at):%H:%M}"
            for flag in escalated
        )
        raised = [f for f in row.open_flags if f.stage != FlagStage.ESCALATED]
        if raised:
            row.words += "; " + "; ".join(
                f"{f.session} not reported by {due_at[f.session]:%H:%M}" for f in raised
            )
        return
    if row.open_flags:
        row.state = "missing"
        row.words = "; ".join(
            f"{flag.session} not reported by {due_at[flag.session]:%H:%M}; "
            f"flagged at {_local(flag.raised_at):%H:%M}"
            for flag in row.open_flags
        )
        return
    expected = [c for cells in sessions.values() for c in cells]
    marked = [c for c in expected if c.mark is not None]
    overdue = [
        s
        for s, cells in sessions.items()
        if clock is not None and clock >= due_at[s] and any(c.mark is None for c in cells)
    ]
    if overdue:
        closed_by_staff = {f.session: f for f in row.closed_flags if f.resolved_by_id is not None}
        unresolved = [s for s in overdue if s not in closed_by_staff]
        if not unresolved:
            flag = closed_by_staff[overdue[0]]
            row.state = "resolved"
            row.words = f"{flag.session} flag closed by {_name(flag.resolved_by)}: {flag.resolution}"
            return
        row.state = "due"
        row.words = f"{' and '.join(unresolved)} not reported: was due by {due_at[unresolved[0]]:%H:%M}"
        return
    if len(marked) == len(expected):
        row.state = "reported"
        row.words = f"All {len(expected)} mark{'s' if len(expected) != 1 else ''} in"
        return
    pending = [s for s, cells in sessions.items() if any(c.mark is None for c in cells)]
    done = [s for s in sessions if s not in pending]
    if clock is not None and done and all(clock >= due_at[s] for s in done):
        # The sessions due so far are all in; the rest are not due yet.
        row.state = "reported"
        row.words = f"{' and '.join(done)} reported; {pending[0]} due by {due_at[pending[0]]:%H:%M}"
        return
    row.state = "due"
    row.words = f"{len(marked)} of {len(expected)} marks in; due by {due_at[pending[0]]:%H:%M}"


def today_page(*, school: School, day: date, now: datetime) -> TodayPage:
    """Every provider with learners timetabled on `day` at `school`, with its state.

    Queries, whatever the number of providers and learners: the school day
    (terms, school closures), expected sessions (placements, terms, school
    closures, provider closures), the placements with learners and providers,
    today's provider closures, marks, missing-report flags and who was told
    about them, chase notes, usable links, and
    the parent contacts logged today. A day that is not a school day stops
    after the first two.
    """
    now = _local(now)
    clock = _clock(day, now)
    if not school_days([school.pk], day, day)[school.pk]:
        return TodayPage(school, day, False, [], [])
    expected = {
        (e.placement_id, e.session)
        for e in expected_sessions(day, day, placements=Placement.objects.filter(school=school))
    }
    placements = [
        p
        for p in Placement.objects.filter(school=school)
        .attending_between(day, day)
        .select_related("learner", "provider")
        .order_by("provider__name", "learner__legal_last_name", "learner__legal_first_name", "pk")
        if any(p.has_session(day, s) for s in SESSIONS)
    ]
    closures = {
        c.provider_id: c
        for c in with_report_time(
            ProviderClosure.objects.filter(
                school=school,
                provider_id__in={p.provider_id for p in placements},
                start_date__lte=day,
                end_date__gte=day,
            )
        )
    }
    marks = {
        (m.placement_id, m.session): m
        for m in AttendanceMark.objects.filter(school=school, date=day).select_related(
            "placement__learner", "placement__provider"
        )
    }
    rows: dict[int, ProviderDay] = {}
    by_session: dict[int, dict[str, list[Cell]]] = defaultdict(lambda: defaultdict(list))
    for placement in placements:
        closed = placement.provider_id in closures
        is_expected = {s: (placement.pk, s) in expected for s in SESSIONS}
        if not closed and not any(is_expected.values()):
            continue
        row = rows.get(placement.provider_id)
        if row is None:
            row = rows[placement.provider_id] = ProviderDay(placement.provider)
            row.closure = closures.get(placement.provider_id)
        cells = {
            s: Cell(
                day,
                s,
                is_expected[s],
                marks.get((placement.pk, s)),
                closed=closed and placement.has_session(day, s),
            )
            for s in SESSIONS
        }
        for s, cell in cells.items():
            if cell.expected:
                by_session[placement.provider_id][s].append(cell)
        row.lines.append(LearnerLine(placement, cells))

    for report in (
        MissingReport.objects.filter(school=school, day=day, provider_id__in=rows)
        .select_related("flag__resolved_by")
        .prefetch_related("flag__notices")
    ):
        row = rows[report.provider_id]
        (row.open_flags if report.resolved_at is None else row.closed_flags).append(report)
    for note in ChaseNote.objects.filter(school=school, day=day, provider_id__in=rows).select_related("by"):
        rows[note.provider_id].chases.append(note)
    for link in (
        LinkToken.objects.usable(now)
        .about(Provider, rows)
        .filter(school=school, purpose=LinkPurpose.PROVIDER_REGISTER)
        .select_related("created_by")
    ):
        rows[link.subject_id].links.append(link)

    for provider_id, row in rows.items():
        row.open_flags.sort(key=lambda f: (f.session, f.pk))
        if row.closure is not None or not by_session[provider_id]:
            row.state = "closed"
            reason = row.closure.reason if row.closure else ""
            if row.closure is not None and row.closure.reported_at is not None:
                row.words = f"Closed, reported by the provider at {_local(row.closure.reported_at):%H:%M}"
            else:
                row.words = f"Closed today: {reason}" if reason else "Closed today"
            continue
        _state(row, by_session[provider_id], school, clock)
    providers = sorted(rows.values(), key=lambda r: (ORDER[r.state], r.provider.name))
    # The school must still know where the learners of a provider that reported itself closed are.
    closed = [
        line.placement
        for row in providers
        if row.closure is not None and row.closure.reported_at is not None
        for line in row.lines
        if line.am.closed or line.pm.closed
    ]
    return TodayPage(school, day, True, providers, _parent_calls(school, day, marks.values(), closed))


def _parent_calls(school: School, day: date, marks, closed: list[Placement]) -> list[ParentCall]:
    calls: dict[int, ParentCall] = {}
    for mark in sorted(marks, key=lambda m: m.session):
        if mark.is_unexplained:
            learner = mark.placement.learner
            calls.setdefault(learner.pk, ParentCall(learner)).marks.append(mark)
    for placement in closed:
        calls.setdefault(placement.learner_id, ParentCall(placement.learner)).closed_providers.append(
            placement.provider
        )
    if not calls:
        return []
    contacted = set(
        ParentContact.objects.filter(school=school, learner_id__in=calls, at__date=day).values_list(
            "learner_id", flat=True
        )
    )
    found = [call for learner_id, call in calls.items() if learner_id not in contacted]
    return sorted(found, key=lambda c: (c.learner.legal_last_name, c.learner.legal_first_name, c.learner.pk))
