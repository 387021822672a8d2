"""Demo data, attendance's part (altprov/demo.py runs it after placements'): marks from the first day
of term to today, and what staff did about them.

Every expected session before today gets a mark. Today about half of the providers have sent their
morning register, so the Today page shows some providers Reported and some Due or Missing. Each
placement's marks come from its own random.Random(placement pk), drawn session by session in date
order, so a mark does not depend on the day the command runs: a run a week later adds that week's
marks and leaves the earlier ones as they were.

A learner attends about the share of sessions ATTENDANCE_RATES gives them (95-99% unless it says
otherwise). Absences are dithered against that rate, so the running % stays within a session or two
of it, and never falls below the bottom of the rate's band (the 95% target, persistent absence at or
below 90%, severe at or below 50%): a short history cannot put a learner in a worse band than meant.

A provider reports an absence without a reason as N. The N marks of the last RECENT_SCHOOL_DAYS
school days are still N, so the unexplained list (N marks over five school days old) and the calls
home have rows; the admin assistant settled the older ones by an amendment: to I after a parent's
call, to M for an appointment letter, or to O when no reason came.

Rows other than marks are found by natural key (a learner's kind of intervention, a learner's call
at a time, a provider's chase note on a day), so a second run adds nothing.
"""

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from django.db.models import Case, Max, Q, Value, When
from django.db.models.functions import Mod
from django.db.models.lookups import Exact
from django.utils import timezone

from altprov.demo import Demo
from altprov.models import School, User
from placements.demo import Seeded
from placements.models import Contact, Placement, Provider
from placements.schedule import expected_sessions, school_days

from .codes import CODES, attended_code
from .figures import PERSISTENT_AT_OR_BELOW, SEVERE_AT_OR_BELOW
from .missing import check_missing_reports
from .models import (
    AttendanceMark,
    ChaseNote,
    ContactMethod,
    Intervention,
    InterventionKind,
    MarkAmendment,
    MarkStatus,
    ParentContact,
    Source,
)
from .summary import rebuild_summary

# Share of sessions attended, by learner within a copy of the main school's learners; the rest attend
# 95-99%. With learner 14's phased start (a C2 afternoon) about a quarter of the learners with marks
# are below the 95% target. Learner 26's placement ceased for attendance under 40%.
ATTENDANCE_RATES = {26: 0.35, 3: 0.86, 6: 0.85, 2: 0.925, 0: 0.93}
TARGET = 0.95  # the demo schools' attendance target (School.attendance_target's default)
PERSISTENT = float(PERSISTENT_AT_OR_BELOW) / 100
SEVERE = float(SEVERE_AT_OR_BELOW) / 100
DEFAULT_RATES = (0.95, 0.99)
RECENT_SCHOOL_DAYS = 10  # N marks this recent are still waiting for a reason
PM_REGISTER_AT = time(13, 30)  # when a provider that has reported today sends its afternoon register
# When registers arrive, spread by placement so that they do not all share a minute.
REPORTED_AT = {
    "AM": [time(9, 8), time(9, 17), time(9, 26), time(9, 38), time(9, 52)],
    "PM": [time(13, 12), time(13, 21), time(13, 33), time(13, 41), time(13, 55)],
}
CHASES_PER_SCHOOL = 2
LETTER_AFTER_ABSENCES = 4

# The codes of an absence, by how often the learner is absent.
WELL = {"I": 0.5, "M": 0.2, "N": 0.2, "O": 0.1}
# Families of learners who miss a lot tell the provider nothing: their absences start as N and are
# settled later. The dithering keeps any run of sessions within two absences of the rate, so their
# N marks turn up every week or two and the unexplained list (N over five school days old) has rows.
POOR = {"N": 1.0}
# For a severely absent learner the provider phones the school, which records O at once.
LOST = {"I": 0.25, "N": 0.15, "O": 0.6}
LONGEST = {"I": 4, "M": 1, "N": 2, "O": 2}  # sessions in a row
APPOINTMENTS = ["Dentist appointment", "GP appointment", "Hospital appointment", "Orthodontist appointment"]
C2_NOTE = "Phased start agreed with parents/carers: mornings only on the first day"
# How an N is settled: how often, the amendment's reason, and how many days after the absence.
SETTLED = {
    "I": (0.45, "Parent phoned: ill", 1, time(9, 15)),
    "M": (0.15, "Parent/carer brought in an appointment letter", 2, time(10, 5)),
    "O": (0.4, "No reason given by parents/carers after five school days", 7, time(11, 30)),
}


class Staff(NamedTuple):
    admin: User  # records phoned and emailed marks, settles absences, calls home, chases providers
    pastoral: User  # sends attendance letters and holds attendance meetings


@dataclass
class Planned:
    placement: Placement
    day: date
    session: str
    status: str
    code: str
    source: str = Source.PROVIDER_LINK
    late_minutes: int | None = None
    note: str = ""
    dual_absence_reason: str = ""
    # For an N: the code it is amended to once settled, and whether home was called while it was open.
    settle_as: str = ""
    called_home: bool = False

    @property
    def key(self) -> tuple[int, date, str]:
        return (self.placement.pk, self.day, self.session)


@dataclass
class Episode:
    """An absence of one or more sessions in a row, recorded the same way."""

    code: str
    source: str
    note: str
    left: int
    settle_as: str = ""
    called_home: bool = False

    def mark(self, placement: Placement, day: date, session: str) -> Planned:
        return Planned(
            placement,
            day,
            session,
            MarkStatus.ABSENT,
            self.code,
            self.source,
            note=self.note,
            settle_as=self.settle_as,
            called_home=self.called_home,
        )


def at(day: date, clock: time, minutes: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock)) + timedelta(minutes=minutes)


def next_weekday(day: date) -> date:
    while day.weekday() > 4:
        day += timedelta(days=1)
    return day


def floor_for(rate: float) -> float:
    """The lowest running share of sessions attended that keeps a learner in the band of `rate`."""
    if rate >= TARGET:
        return TARGET
    if rate > PERSISTENT:
        return PERSISTENT + 0.005
    if rate > SEVERE:
        return SEVERE + 0.005
    return 0.0


def plan_placement(
    placement: Placement, sessions: list[tuple[date, str]], rate: float | None
) -> list[Planned]:
    """A mark for each of the placement's expected sessions, in date order."""
    rng = random.Random(placement.pk)
    if rate is None:
        rate = rng.uniform(*DEFAULT_RATES)
    floor = floor_for(rate)
    weights = WELL if rate >= TARGET else POOR if rate > SEVERE else LOST
    late_chance = 0.04 if rate >= TARGET else 0.12
    # A reduced timetable that starts with mornings only: its first afternoon is C2.
    phased = placement.part_time_until is not None
    present = attended_code(placement.arrangement)
    planned, absent, debt, episode = [], 0, 0.0, None
    for i, (day, session) in enumerate(sessions):
        # debt: the absences the rate allows so far, less those taken.
        debt += 1 - rate
        if episode is not None and episode.left:
            episode.left -= 1
            absent, debt = absent + 1, debt - 1
            planned.append(episode.mark(placement, day, session))
            continue
        if phased and session == "PM":
            phased = False
            absent, debt = absent + 1, debt - 1
            planned.append(
                Planned(placement, day, session, MarkStatus.ABSENT, "C2", Source.STAFF, note=C2_NOTE)
            )
            continue
        allowed = (1 - floor) * (i + 1) - absent + 1e-9
        draw = rng.random()
        if debt + draw >= 1 and allowed >= 1:
            code = rng.choices(list(weights), weights=list(weights.values()))[0]
            length = min(rng.randint(1, LONGEST[code]), int(debt + draw), int(allowed))
            episode = _episode(rng, code, length)
            absent, debt = absent + 1, debt - 1
            planned.append(episode.mark(placement, day, session))
            continue
        planned.append(_attended(rng, placement, day, session, present, late_chance))
    if present == "D":
        for mark in planned:
            if mark.status == MarkStatus.ABSENT:
                _dual_registered(mark)
    return planned


def _dual_registered(mark: Planned) -> None:
    """Dual registration: every session is D here, and the other school records the absence, so the
    provider's reason goes in the note (as attendance.recording keeps it)."""
    reason = f"Absence reported: {mark.code} – {CODES[mark.code].meaning}"
    mark.note = f"{reason}. {mark.note}" if mark.note else reason
    mark.dual_absence_reason = mark.code
    mark.code, mark.settle_as, mark.called_home = "D", "", False


def _attended(rng: random.Random, placement, day, session, code: str, late_chance: float) -> Planned:
    mark = Planned(placement, day, session, MarkStatus.PRESENT, code)
    if rng.random() < late_chance:
        mark.status, mark.late_minutes = MarkStatus.LATE, rng.randint(5, 25)
        mark.note = rng.choice(["", "", "Bus was late"])
    source = rng.random()
    if source > 0.98:
        mark.source, mark.note = Source.EMAIL, mark.note or "Register emailed by the provider"
    elif source > 0.94:
        mark.source, mark.note = Source.PHONE, mark.note or "Register phoned through by the provider"
    return mark


def _episode(rng: random.Random, code: str, length: int) -> Episode:
    episode = Episode(code, Source.PROVIDER_LINK, "", left=length - 1)
    if code == "I":
        draw = rng.random()
        episode.note = rng.choice(["", "Unwell", "Parent/carer rang the provider: unwell"])
        if draw > 0.9:
            episode.source, episode.note = Source.EMAIL, "Parent/carer emailed: ill"
        elif draw > 0.7:
            episode.source, episode.note = Source.PHONE, "Parent/carer phoned: ill"
    elif code == "M":
        episode.note = rng.choice(APPOINTMENTS)
        if rng.random() > 0.6:
            episode.source, episode.note = Source.EMAIL, f"{episode.note}: letter emailed by parent/carer"
    elif code == "O":
        episode.source, episode.note = Source.PHONE, "Provider phoned: not arrived; no answer from home"
    else:
        episode.note = rng.choice(["", "Not arrived"])
        episode.settle_as = rng.choices(list(SETTLED), weights=[w for w, *_ in SETTLED.values()])[0]
        episode.called_home = rng.random() < 0.5
    return episode


def seed(demo: Demo) -> None:
    placed: Seeded = demo.shared["placements"]
    main, second, users = demo.schools["main"], demo.schools["second"], demo.users
    seed_attendance(
        start=placed.year_start,
        staff={
            main.pk: Staff(users["admin"], users["pastoral"]),
            second.pk: Staff(users["head2"], users["head2"]),
        },
        rates={
            learners[i].pk: rate for learners in placed.main_learners for i, rate in ATTENDANCE_RATES.items()
        },
    )
    # The marks went in by the thousand, past the recording workflow: the figures' summary follows at once.
    rebuild_summary()


def seed_attendance(*, start: date, staff: dict[int, Staff], rates: dict[int, float]) -> None:
    """Marks for the expected sessions from `start` to today, with amendments, calls home,
    interventions, today's chase notes and today's missing-report flags.

    `staff` maps a school's pk to who acts there; `rates` maps a learner's pk to the share of
    sessions they attend.
    """
    now = timezone.now()
    today, clock = timezone.localdate(), timezone.localtime(now).time()
    if today < start:
        return
    expected = expected_sessions(start, today)
    if not expected:
        return
    placements = (
        Placement.objects.filter(pk__in={e.placement_id for e in expected})
        .select_related("learner")
        .only(
            "school",
            "provider",
            "arrangement",
            "part_time_until",
            "learner__legal_first_name",
            "learner__preferred_name",
        )
        .in_bulk()
    )
    sessions = defaultdict(list)
    for e in expected:
        sessions[e.placement_id].append((e.day, e.session))
    planned = [
        mark
        for pk, placement in placements.items()
        for mark in plan_placement(placement, sessions[pk], rates.get(placement.learner_id))
    ]

    reporting = _reporting_today(expected, today)
    wanted = [
        m
        for m in planned
        if m.day < today
        or (
            (m.placement.school_id, m.placement.provider_id) in reporting
            and (m.session == "AM" or clock >= PM_REGISTER_AT)
        )
    ]
    _insert_marks(wanted, staff, now=now)
    recent = _recent_from({m.placement.school_id for m in wanted}, today)
    settled = [m for m in wanted if m.code == "N" and m.day < recent.get(m.placement.school_id, today)]
    _settle(settled, staff)
    _call_home(wanted, settled, staff, today=today, now=now)
    _interventions(planned, staff, rates, today=today)
    if today in {e.day for e in expected}:
        _chase(expected, reporting, staff, today=today, now=now)
        # It raises flags for the providers still to report once a school's cut-off has passed,
        # and does nothing before; a second run finds the flags there.
        check_missing_reports(now=now)


def _reporting_today(expected, today: date) -> set[tuple[int, int]]:
    """Every other (school, provider) with a morning session today has sent its register."""
    due = sorted({(e.school_id, e.provider_id) for e in expected if e.day == today and e.session == "AM"})
    return set(due[::2])


def _insert_marks(wanted: list[Planned], staff: dict[int, Staff], *, now: datetime) -> None:
    if not wanted:
        return
    days = {m.day for m in wanted}
    stored = set(
        AttendanceMark.objects.filter(
            date__range=(min(days), max(days)), placement_id__in={m.placement.pk for m in wanted}
        ).values_list("placement_id", "date", "session")
    )
    new = [m for m in wanted if m.key not in stored]
    if not new:
        return
    before = AttendanceMark.objects.aggregate(last=Max("pk"))["last"] or 0
    schools = {m.placement.school_id for m in new}  # so that each day's update finds its rows by index
    AttendanceMark.objects.bulk_create(
        [
            AttendanceMark(
                placement_id=m.placement.pk,
                school_id=m.placement.school_id,
                date=m.day,
                session=m.session,
                status=m.status,
                late_minutes=m.late_minutes,
                code=m.code,
                note=m.note,
                dual_absence_reason=m.dual_absence_reason,
                source=m.source,
                entered_by_id=None
                if m.source == Source.PROVIDER_LINK
                else staff[m.placement.school_id].admin.pk,
            )
            for m in new
        ],
        batch_size=2000,
        ignore_conflicts=True,
    )
    # entered_at was set to now; a register arrives on its own morning or afternoon.
    for day in sorted({m.day for m in new}):
        whens = [
            When(
                Q(session=session) & Exact(Mod("placement_id", Value(len(times))), n),
                then=Value(min(at(day, clock), now)),
            )
            for session, times in REPORTED_AT.items()
            for n, clock in enumerate(times)
        ]
        AttendanceMark.objects.filter(school_id__in=schools, date=day, pk__gt=before).update(
            entered_at=Case(*whens)
        )


def _recent_from(school_ids, today: date) -> dict[int, date]:
    """Per school, the first of its last RECENT_SCHOOL_DAYS school days before today."""
    found = school_days(school_ids, today - timedelta(days=100), today - timedelta(days=1))
    return {school_id: days[-RECENT_SCHOOL_DAYS:][0] for school_id, days in found.items() if days}


def _settled_at(mark: Planned) -> datetime:
    _, _, days, clock = SETTLED[mark.settle_as]
    return at(next_weekday(mark.day + timedelta(days=days)), clock)


def _settle(settled: list[Planned], staff: dict[int, Staff]) -> None:
    """Amend the older N marks that are still N: to I after a parent's call, M for an appointment, or O."""
    if not settled:
        return
    plans = {m.key: m for m in settled}
    days = {m.day for m in settled}
    still_n = [
        mark
        for mark in AttendanceMark.objects.filter(
            code="N", date__range=(min(days), max(days)), placement_id__in={key[0] for key in plans}
        ).only("placement", "date", "session", "school", "status", "note")
        if (mark.placement_id, mark.date, mark.session) in plans
    ]
    if not still_n:
        return
    amendments, by_code = [], defaultdict(list)
    for mark in still_n:
        plan = plans[(mark.placement_id, mark.date, mark.session)]
        by_code[plan.settle_as].append(mark.pk)
        amendment = MarkAmendment(
            mark=mark,
            by=staff[mark.school_id].admin,
            reason=SETTLED[plan.settle_as][1],
            old_status=mark.status,
            old_code="N",
            old_note=mark.note,
            new_status=mark.status,
            new_code=plan.settle_as,
            new_note=mark.note,
        )
        amendment.settled_at = _settled_at(plan)
        amendments.append(amendment)
    for code, pks in by_code.items():
        for chunk in range(0, len(pks), 500):
            AttendanceMark.objects.filter(pk__in=pks[chunk : chunk + 500], code="N").update(code=code)
    MarkAmendment.objects.bulk_create(amendments, batch_size=500)
    # `at` was set to now; the admin assistant settled each absence days after it.
    by_moment = defaultdict(list)
    for amendment in amendments:
        by_moment[amendment.settled_at].append(amendment.pk)
    for moment, pks in by_moment.items():
        MarkAmendment.objects.filter(pk__in=pks).update(at=moment)


def _call_home(
    wanted: list[Planned], settled: list[Planned], staff: dict[int, Staff], *, today: date, now: datetime
) -> None:
    """The admin assistant's calls home about absences with no reason: one a day per learner, before today."""
    calls = {}

    def call(learner_id: int, moment: datetime, mark: Planned, reached: bool, outcome: str) -> None:
        calls.setdefault((learner_id, moment.date()), (moment, mark, reached, outcome))

    settled_keys = {m.key for m in settled}
    absent = [m for m in wanted if m.code in ("N", "O")]
    for mark in sorted(absent, key=lambda m: (m.day, m.session)):
        learner = mark.placement.learner
        called = at(mark.day, time(10, 40) if mark.session == "AM" else time(14, 20))
        if mark.key in settled_keys and mark.settle_as == "I":
            call(
                learner.pk,
                _settled_at(mark) - timedelta(minutes=5),
                mark,
                True,
                f"Parent/carer phoned: {learner.first_name} was ill.",
            )
        elif mark.key in settled_keys:
            call(learner.pk, called, mark, False, "No answer; voicemail left asking for the reason.")
        # An O was recorded after the provider phoned and nobody answered at home.
        elif ((mark.code == "N" and mark.called_home) or mark.code == "O") and mark.day < today:
            call(learner.pk, called, mark, False, "No answer; voicemail left.")
    calls = {key: found for key, found in calls.items() if found[0] <= now}
    if not calls:
        return
    learner_ids = {learner_id for learner_id, _ in calls}
    stored = set(ParentContact.objects.filter(learner_id__in=learner_ids).values_list("learner_id", "at"))
    first_contact = dict(
        Contact.objects.filter(learner_id__in=learner_ids, priority=1)
        .order_by("-pk")
        .values_list("learner_id", "pk")
    )
    ParentContact.objects.bulk_create(
        [
            ParentContact(
                school_id=mark.placement.school_id,
                learner_id=learner_id,
                contact_id=first_contact.get(learner_id),
                at=moment,
                by=staff[mark.placement.school_id].admin,
                method=ContactMethod.PHONE,
                reached=reached,
                about=f"Absent {mark.day:%a %d/%m/%Y} {mark.session}: no reason given",
                outcome=outcome,
            )
            for (learner_id, _), (moment, mark, reached, outcome) in calls.items()
            if (learner_id, moment) not in stored
        ],
        batch_size=1000,
    )


def _interventions(planned: list[Planned], staff: dict[int, Staff], rates: dict[int, float], *, today: date):
    """A letter, then a meeting, for each learner meant to be persistently absent; a home visit if severe."""
    absences = defaultdict(list)
    for mark in planned:
        if mark.status == MarkStatus.ABSENT and rates.get(mark.placement.learner_id, 1) <= PERSISTENT:
            absences[mark.placement.learner_id].append(mark)
    wanted = []
    for learner_id, marks in absences.items():
        if len(marks) < LETTER_AFTER_ABSENCES:
            continue
        marks.sort(key=lambda m: (m.day, m.session))
        school_id, name = marks[0].placement.school_id, marks[0].placement.learner.first_name
        letter = next_weekday(marks[LETTER_AFTER_ABSENCES - 1].day + timedelta(days=1))
        meeting = next_weekday(letter + timedelta(days=14))
        visit = next_weekday(meeting + timedelta(days=7))
        steps = [
            (
                InterventionKind.LETTER,
                letter,
                "First attendance letter sent home, listing the sessions missed at the provider; "
                "parents/carers invited to an attendance meeting.",
                "Attendance meeting",
                meeting,
            ),
            (
                InterventionKind.MEETING,
                meeting,
                f"Met {name} and their parent/carer. Agreed a morning check-in call; the provider phones "
                f"the school by 9:30 if {name} has not arrived.",
                "Review attendance with the family",
                meeting + timedelta(days=28),
            ),
        ]
        if rates[learner_id] <= SEVERE:
            steps.append(
                (
                    InterventionKind.HOME_VISIT,
                    visit,
                    f"Home visit with the DSL: {name} at home and safe. Early help assessment offered.",
                    "Consider a referral to the local authority",
                    visit + timedelta(days=14),
                )
            )
        wanted += [
            Intervention(
                school_id=school_id,
                learner_id=learner_id,
                kind=kind,
                date=day,
                by=staff[school_id].pastoral,
                outcome=outcome,
                next_step=next_step,
                next_step_due=due,
            )
            for kind, day, outcome, next_step, due in steps
            if day < today
        ]
    stored = set(
        Intervention.objects.filter(learner_id__in={i.learner_id for i in wanted}).values_list(
            "learner_id", "kind"
        )
    )
    Intervention.objects.bulk_create(
        [i for i in wanted if (i.learner_id, i.kind) not in stored], batch_size=1000
    )


def _chase(expected, reporting, staff: dict[int, Staff], *, today: date, now: datetime) -> None:
    """Once past its cut-off, a school's admin assistant has phoned the first providers still to report."""
    schools = School.objects.in_bulk({e.school_id for e in expected if e.day == today})
    waiting = sorted(
        {(e.school_id, e.provider_id) for e in expected if e.day == today and e.session == "AM"} - reporting
    )
    clock = timezone.localtime(now).time()
    chosen = defaultdict(list)
    for school_id, provider_id in waiting:
        if clock >= schools[school_id].report_cutoff and len(chosen[school_id]) < CHASES_PER_SCHOOL:
            chosen[school_id].append(provider_id)
    provider_ids = {p for ids in chosen.values() for p in ids}
    if not provider_ids:
        return
    stored = set(
        ChaseNote.objects.filter(day=today, provider_id__in=provider_ids).values_list(
            "school_id", "provider_id"
        )
    )
    providers = Provider.objects.in_bulk(provider_ids)
    notes = []
    for school_id, ids in chosen.items():
        for n, provider_id in enumerate(ids):
            if (school_id, provider_id) in stored:
                continue
            provider = providers[provider_id]
            text = (
                f"Phoned {provider.attendance_contact_name}: the register will be in by 11:00."
                if n % 2 == 0
                else f"No answer on {provider.attendance_contact_phone}; left a voicemail."
            )
            note = ChaseNote(
                school_id=school_id, provider=provider, day=today, by=staff[school_id].admin, note=text
            )
            note.chased_at = min(at(today, schools[school_id].report_cutoff, 10 + 15 * n), now)
            notes.append(note)
    ChaseNote.objects.bulk_create(notes)
    # `at` was set to now; the calls were made just after the cut-off.
    for note in notes:
        note.at = note.chased_at
    ChaseNote.objects.bulk_update(notes, ["at"])
