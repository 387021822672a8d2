"""The weekly attendance summary stays equal to a full recomputation as registers change."""

import random
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from attendance.codes import ABSENCE_REASON_CODES
from attendance.figures import Figures, _count_unmarked, figures_for
from attendance.models import AttendanceMark, AttendanceWeek, MarkStatus, Source
from attendance.recording import MarkInput, amend_mark, record_marks
from attendance.summary import rebuild_summary
from placements.models import Placement, ProviderClosure, SchoolClosure, Status
from placements.schedule_changes import school_schedule_changed

from ..factories import LearnerFactory, PlacementFactory
from .conftest import MONDAY

TERM_START = date(2026, 9, 7)
TERM_DAYS = [
    TERM_START + timedelta(days=n)
    for n in range((MONDAY - TERM_START).days)
    if (TERM_START + timedelta(days=n)).weekday() < 5
]
# Absences of every kind: authorised, unauthorised, and not possible sessions (Q, Y1).
ABSENT = ["N", "O", "U", "G", "C", "C2", "I", "M", "E", "R", "J1", "S", "T", "Q", "Y1"]


def _rows() -> set[tuple]:
    return set(
        AttendanceWeek.objects.values_list(
            "placement_id",
            "week_start",
            "attended",
            "authorised",
            "unauthorised",
            "not_counted",
            "not_yet_marked",
            "expected",
        )
    )


def _entry(rng, placement, day, session) -> MarkInput:
    if rng.random() < 0.6:
        return MarkInput(
            placement, day, session, rng.choice([MarkStatus.PRESENT, MarkStatus.LATE]), late_minutes=5
        )
    return MarkInput(placement, day, session, MarkStatus.ABSENT, code=rng.choice(ABSENT))


def _live(learner_ids, start, end, unmarked_until) -> dict[int, Figures]:
    """The figures computed from the marks and expected sessions alone, as before the summary."""
    result: dict[int, Figures] = {}
    for m in AttendanceMark.objects.filter(date__range=(start, end), placement__learner_id__in=learner_ids):
        result.setdefault(m.placement.learner_id, Figures()).add(m.code, 1)
    _count_unmarked(result, learner_ids, start, min(end, unmarked_until))
    return result


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_summary_equals_a_full_recomputation_after_random_changes(
    seed, school, autumn, provider, admin_assistant
):
    assert set(ABSENT) <= ABSENCE_REASON_CODES
    rng = random.Random(seed)
    placements = [
        PlacementFactory(
            learner=LearnerFactory(school=school),
            provider=provider,
            status=Status.ACTIVE,
            start_date=TERM_START,
            activated_on=TERM_START + timedelta(days=rng.choice([0, 0, 3, 10])),
            mon_am=True,
            tue_am=rng.random() < 0.5,
            wed_pm=rng.random() < 0.5,
            thu_am=True,
            fri_pm=rng.random() < 0.5,
        )
        for _ in range(4)
    ]
    # The placements were stored directly, not activated through the workflow.
    rebuild_summary()
    marked = []
    for _ in range(25):
        action = rng.random()
        if action < 0.5:
            day, session = rng.choice(TERM_DAYS), rng.choice(["AM", "PM"])
            placement = rng.choice(placements)
            result = record_marks(
                school=school,
                entries=[_entry(rng, placement, day, session)],
                source=Source.PHONE,
                by=admin_assistant,
                reason="Checked with the provider",
            )
            marked += result.created
        elif action < 0.65 and marked:
            mark = rng.choice(marked)
            mark.refresh_from_db()
            amend_mark(
                mark=mark,
                entry=_entry(rng, mark.placement, mark.date, mark.session),
                reason="Wrong code",
                by=None,
            )
        elif action < 0.75:
            day = rng.choice(TERM_DAYS)
            SchoolClosure.objects.get_or_create(school=school, date=day, defaults={"description": "Boiler"})
            school_schedule_changed(school_id=school.pk, start=day, end=day)
        elif action < 0.8:
            closure = SchoolClosure.objects.filter(school=school).order_by("?").first()
            if closure:
                closure.delete()
                school_schedule_changed(school_id=school.pk, start=closure.date, end=closure.date)
        elif action < 0.88:
            start = rng.choice(TERM_DAYS)
            end = start + timedelta(days=rng.choice([0, 1, 4, 9]))
            ProviderClosure.objects.create(provider=provider, school=school, start_date=start, end_date=end)
            school_schedule_changed(school_id=school.pk, provider_id=provider.pk, start=start, end=end)
        elif action < 0.95:
            placement = Placement.objects.get(pk=rng.choice(placements).pk)
            if placement.status == Status.ACTIVE:
                placement.set_timetable(
                    {"mon_am": rng.random() < 0.5, "wed_am": True, "fri_pm": rng.random() < 0.5},
                    by=admin_assistant,
                    effective_from=rng.choice(TERM_DAYS),
                    today=TERM_START,
                )
        else:
            placement = Placement.objects.get(pk=rng.choice(placements).pk)
            if placement.status == Status.ACTIVE:
                placement.end(by=admin_assistant, on=rng.choice(TERM_DAYS), reason="moved_on")

    kept = _rows()
    assert kept, "the changes left something to summarise"
    rebuild_summary()
    assert _rows() == kept

    learner_ids = [p.learner_id for p in placements]
    start, today = date(2026, 9, 2), MONDAY + timedelta(days=2)
    assert figures_for(learner_ids, start, today, unmarked_until=today) == _live(
        learner_ids, start, today, today
    )


def test_rebuilding_twice_gives_the_same_summary(school, autumn, active_placement, admin_assistant):
    record_marks(
        school=school,
        entries=[MarkInput(active_placement, date(2026, 11, 23), "AM", MarkStatus.PRESENT, code="/")],
        source=Source.PHONE,
        by=admin_assistant,
    )
    call_command("rebuild_attendance_summary", stdout=StringIO())
    first = _rows()
    call_command("rebuild_attendance_summary", stdout=StringIO())
    assert _rows() == first
    week = AttendanceWeek.objects.get(placement=active_placement, week_start=date(2026, 11, 23))
    # Monday and Tuesday mornings and Monday afternoon expected; Monday morning present.
    assert (week.expected, week.attended, week.not_yet_marked) == (3, 1, 2)


def test_a_school_closure_recorded_on_the_calendar_page_leaves_the_day_out_of_the_summary(
    client, school, autumn, active_placement, head
):
    closed = date(2026, 11, 24)  # a Tuesday: the placement expects the morning
    rebuild_summary()
    week = AttendanceWeek.objects.get(placement=active_placement, week_start=date(2026, 11, 23))
    assert week.not_yet_marked == 3
    client.force_login(head)

    response = client.post(
        reverse("placements:closure_create"),
        {"date": closed.isoformat(), "kind": "inset", "description": "Training day"},
    )

    assert response.status_code == 302
    week = AttendanceWeek.objects.get(placement=active_placement, week_start=date(2026, 11, 23))
    assert (week.expected, week.not_yet_marked) == (2, 2)
