"""seed_demo's attendance: marks for the term so far, and what staff did about them."""

import csv
from collections import Counter
from datetime import date, datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from altprov.models import Flag, Notification, School, User
from attendance.demo import plan_placement
from attendance.figures import Band, figures_for
from attendance.missing import MISSING_REPORT
from attendance.models import (
    AttendanceMark,
    ChaseNote,
    Intervention,
    InterventionKind,
    MarkAmendment,
    MarkStatus,
    MissingReport,
    ParentContact,
    Source,
)
from attendance.today import today_page
from placements.models import Arrangement, Learner, Placement, Status
from placements.schedule import expected_sessions, school_days

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
TERM_START = date(2026, 9, 2)
MONDAY = date(2026, 11, 30)
SUNDAY = date(2026, 11, 29)


def london(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


ELEVEN = london(MONDAY, 11)
SEEDED = [AttendanceMark, MarkAmendment, Intervention, ParentContact, ChaseNote]


def seed(moment: datetime = ELEVEN) -> None:
    with time_machine.travel(moment, tick=False):
        call_command("seed_demo", stdout=StringIO())


def counts() -> dict[str, int]:
    """What the attendance demo made. (Monitoring and agreements seed flags and messages of their own.)"""
    found = {model.__name__: model.objects.count() for model in SEEDED}
    found["missing reports"] = Flag.objects.filter(kind=MISSING_REPORT.name).count()
    found["messages about attendance"] = Notification.objects.filter(key__in=attendance_keys()).count()
    return found


def attendance_keys() -> list[str]:
    """Keys of the messages attendance sends: about missing reports, links, absences, amendments, closures."""
    missing = tuple(
        f"flag:{pk}:" for pk in Flag.objects.filter(kind=MISSING_REPORT.name).values_list("pk", flat=True)
    )
    own = ("register-link:", "dsl:", "amendment:", "provider-closed:")
    return [
        key for key in Notification.objects.values_list("key", flat=True) if key.startswith(own + missing)
    ]


def keys(sessions) -> set:
    return {(e.placement_id, e.day, e.session) for e in sessions}


@pytest.fixture
def seeded():
    seed()


@pytest.fixture
def main():
    return School.objects.get(urn="139999")


def test_each_past_expected_session_has_a_mark_and_today_only_some_mornings(seeded):
    marks = set(AttendanceMark.objects.values_list("placement_id", "date", "session"))
    today = keys(expected_sessions(MONDAY, MONDAY))
    marked_today = {key for key in marks if key[1] == MONDAY}

    assert {key for key in marks if key[1] < MONDAY} == keys(expected_sessions(TERM_START, SUNDAY))
    assert not any(key[1] > MONDAY for key in marks)
    assert marked_today and marked_today < {key for key in today if key[2] == "AM"}


def test_marks_follow_the_recording_rules(seeded, main):
    admin = User.objects.get(username="admin")
    marks = list(AttendanceMark.objects.select_related("placement"))
    sources = Counter(mark.source for mark in marks)

    for mark in marks:
        if mark.status == MarkStatus.ABSENT:
            assert mark.code in {"I", "M", "N", "O", "C2"}
        else:
            assert mark.code == mark.placement.attended_code
        if mark.status == MarkStatus.LATE:
            assert 5 <= mark.late_minutes <= 25
        assert (mark.entered_by is None) == (mark.source == Source.PROVIDER_LINK)
        if mark.entered_by and mark.school_id == main.pk:
            assert mark.entered_by == admin
        # A register arrives on its own day, and never after the moment the command ran.
        assert timezone.localtime(mark.entered_at).date() == mark.date
        assert mark.entered_at <= ELEVEN
    assert {mark.code for mark in marks} >= {"B", "I", "N", "O", "C2"}
    assert any(mark.status == MarkStatus.LATE for mark in marks)
    assert sources[Source.PROVIDER_LINK] > 0.8 * len(marks)
    assert sources[Source.PHONE] and sources[Source.EMAIL]
    c2 = [mark for mark in marks if mark.code == "C2"]
    assert len(c2) <= 2
    assert all(mark.placement.part_time_until for mark in c2)


def test_a_second_run_adds_nothing(seeded):
    first = counts()
    seed()

    assert counts() == first


def test_about_a_quarter_of_learners_are_below_target_and_one_is_severe(seeded, main):
    figures = figures_for(Learner.objects.all(), TERM_START, SUNDAY)
    bands = Counter(f.band(main.attendance_target) for f in figures.values())
    below = len(figures) - bands[Band.AT_TARGET]

    assert bands[Band.SEVERE] == 1
    assert bands[Band.PERSISTENT] in (2, 3)
    assert 0.2 <= below / len(figures) <= 0.35
    assert sorted(f.percent for f in figures.values())[len(figures) // 2] >= 95
    severe = next(pk for pk, f in figures.items() if f.band(main.attendance_target) == Band.SEVERE)
    # Learner 26's placement ceased for attendance under 40%.
    assert Learner.objects.get(pk=severe).placements.get().status == Status.CEASED
    assert figures[severe].percent < 40


def test_recent_absences_without_a_reason_are_still_n_and_older_ones_were_settled(seeded, main, client):
    days = school_days([main.pk], date(2026, 9, 1), SUNDAY)[main.pk]
    unexplained = AttendanceMark.objects.filter(code="N")
    admin = User.objects.get(username="admin")

    assert unexplained.filter(date__lt=days[-5]).exists()
    assert not unexplained.filter(date__lt=days[-10]).exists()
    amendments = list(MarkAmendment.objects.filter(mark__school=main).select_related("mark"))
    assert amendments
    for amendment in amendments:
        assert (amendment.old_code, amendment.by) == ("N", admin)
        assert amendment.new_code == amendment.mark.code in {"I", "M", "O"}
        assert amendment.mark.date < days[-10]
        assert timezone.localtime(amendment.at).date() > amendment.mark.date
    assert {a.reason for a in amendments} >= {
        "Parent phoned: ill",
        "No reason given by parents/carers after five school days",
    }
    calls = ParentContact.objects.filter(school=main)
    assert calls.filter(reached=True).exists() and calls.filter(reached=False).exists()
    assert set(calls.values_list("by__username", flat=True)) == {"admin"}
    assert not calls.filter(at__gt=ELEVEN).exists()

    with time_machine.travel(ELEVEN, tick=False):
        client.force_login(admin)
        response = client.get(reverse("attendance:unexplained"))
    assert list(response.context["page"])


def test_learners_below_90_percent_have_letters_and_meetings(seeded, main):
    figures = figures_for(Learner.objects.all(), TERM_START, SUNDAY)
    low = {
        pk for pk, f in figures.items() if f.band(main.attendance_target) in (Band.PERSISTENT, Band.SEVERE)
    }
    interventions = Intervention.objects.all()

    assert interventions.exists()
    assert set(interventions.values_list("learner_id", flat=True)) <= low
    assert set(interventions.values_list("by__username", flat=True)) == {"pastoral"}
    assert not interventions.filter(date__gte=MONDAY).exists()
    severe = next(pk for pk in low if figures[pk].band(main.attendance_target) == Band.SEVERE)
    steps = list(interventions.filter(learner_id=severe).order_by("date").values_list("kind", flat=True))
    assert steps == [InterventionKind.LETTER, InterventionKind.MEETING, InterventionKind.HOME_VISIT]


def test_today_some_providers_have_reported_and_the_rest_are_flagged(seeded, main):
    page = today_page(school=main, day=MONDAY, now=ELEVEN)
    states = Counter(row.state for row in page.providers)
    flagged = set(
        MissingReport.objects.filter(day=MONDAY, school=main, flag__resolved_at__isnull=True).values_list(
            "provider_id", flat=True
        )
    )

    assert states["reported"] >= 1 and states["missing"] >= 1
    assert set(states) <= {"reported", "missing"}
    assert flagged == {row.provider.pk for row in page.providers if row.state == "missing"}
    chases = ChaseNote.objects.filter(day=MONDAY)
    assert chases.exists()
    assert set(chases.values_list("provider_id", flat=True)) <= flagged
    for note in chases:
        assert london(MONDAY, 10) <= note.at <= ELEVEN


def test_before_the_cut_off_nothing_is_flagged_or_chased():
    seed(london(MONDAY, 9, 30))
    main = School.objects.get(urn="139999")

    assert AttendanceMark.objects.filter(date=MONDAY).exists()
    assert not Flag.objects.filter(kind=MISSING_REPORT.name).exists()
    assert not ChaseNote.objects.exists()
    states = {row.state for row in today_page(school=main, day=MONDAY, now=london(MONDAY, 9, 30)).providers}
    assert states == {"reported", "due"}


def test_before_term_there_is_no_attendance():
    seed(london(date(2026, 8, 20), 11))

    assert not any(counts().values())


def test_a_later_run_adds_the_days_since_and_settles_old_absences():
    seed()
    main = School.objects.get(urn="139999")
    first = dict(AttendanceMark.objects.filter(date__lt=MONDAY).values_list("pk", "code"))
    friday = date(2026, 12, 11)
    seed(london(date(2026, 12, 14), 11))

    marks = dict(AttendanceMark.objects.values_list("pk", "code"))
    changed = {pk for pk, code in first.items() if marks[pk] != code}
    assert changed
    assert {first[pk] for pk in changed} == {"N"}
    assert set(MarkAmendment.objects.filter(mark_id__in=changed).values_list("mark_id", flat=True)) == changed
    stored = set(
        AttendanceMark.objects.filter(date__lte=friday).values_list("placement_id", "date", "session")
    )
    assert stored == keys(expected_sessions(TERM_START, friday))
    days = school_days([main.pk], date(2026, 9, 1), friday)[main.pk]
    assert not AttendanceMark.objects.filter(code="N", date__lt=days[-10]).exists()


def test_the_attendance_pages_have_something_to_show(seeded, client, main):
    admin, pastoral = User.objects.get(username="admin"), User.objects.get(username="pastoral")
    severe = Learner.objects.get(placements__status=Status.CEASED, placements__ceased_reason__contains="40%")

    with time_machine.travel(ELEVEN, tick=False):
        client.force_login(admin)
        today = client.get(reverse("attendance:today"))
        grid = client.get(reverse("attendance:register_grid"), {"start": "2026-11-23", "end": "2026-11-27"})
        export = client.get(reverse("attendance:export_marks"))
        client.force_login(pastoral)
        follow_up = client.get(reverse("attendance:follow_up"))
        learner = client.get(reverse("attendance:learner_attendance", args=[severe.pk]))

    assert today.status_code == grid.status_code == learner.status_code == 200
    assert "Reported" in today.text and "Missing" in today.text
    assert any(cell.mark for row in grid.context["grid"].rows for cell in row.cells)
    rows = list(csv.reader(StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert len(rows) - 1 == AttendanceMark.objects.filter(school=main).count()
    listed = {row.learner.pk for row in follow_up.context["rows"]}
    assert severe.pk in listed and len(listed) >= 4
    assert learner.context["interventions"] and learner.context["contacts"]


def weekday_sessions(count: int) -> list[tuple[date, str]]:
    days = [TERM_START + timedelta(days=n) for n in range(count)]
    return [(day, session) for day in days if day.weekday() < 5 for session in ("AM", "PM")][:count]


def test_a_placements_marks_do_not_depend_on_the_day_the_command_runs():
    placement = Placement(pk=7, arrangement=Arrangement.SCHOOL)
    sessions = weekday_sessions(80)
    whole = plan_placement(placement, sessions, 0.86)

    assert plan_placement(placement, sessions[:33], 0.86) == whole[:33]
    absent = sum(mark.status == MarkStatus.ABSENT for mark in whole)
    assert abs(absent - 0.14 * len(sessions)) < 2


def test_dual_registered_absences_are_d_with_the_reason_in_the_note():
    planned = plan_placement(Placement(pk=7, arrangement=Arrangement.DUAL), weekday_sessions(40), 0.6)
    absent = [mark for mark in planned if mark.status == MarkStatus.ABSENT]

    assert absent and {mark.code for mark in planned} == {"D"}
    assert all(mark.note.startswith("Absence reported: ") for mark in absent)
    assert all(mark.note.startswith(f"Absence reported: {mark.dual_absence_reason} ") for mark in absent)
