"""The monthly retention review: records past their period are listed for the head, never deleted."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from altprov.models import Flag, Notification
from attendance.models import AttendanceMark, MarkStatus, Source
from monitoring.models import SafeguardingConcern
from monitoring.retention import RETENTION_REVIEW, RetentionError, dispose, due_for_review, retention_review
from placements.models import DisposalRecord, Learner

from ..factories import LearnerFactory, PlacementFactory
from .concern_factories import make_concern

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def _mark(placement, day):
    return AttendanceMark.objects.create(
        placement=placement,
        school=placement.school,
        date=day,
        session="AM",
        status=MarkStatus.PRESENT,
        code="B",
        source=Source.PROVIDER_LINK,
    )


@pytest.fixture
def old_marks(school):
    placement = PlacementFactory(learner=LearnerFactory(school=school), start_date=date(2019, 9, 2))
    return placement, [_mark(placement, date(2019, 9, 2)), _mark(placement, date(2020, 12, 1))]


def test_attendance_marks_fall_due_six_years_after_the_day(school, head, old_marks):
    with time_machine.travel(datetime(2026, 12, 1, 7, 40, tzinfo=LONDON)):
        (due,) = [
            d
            for d in due_for_review(today=date(2026, 12, 1))[school.pk]
            if d.record_type.key == "attendance_marks"
        ]
    # 2 September 2019 is past six years; 1 December 2020 reaches six years today, and is kept.
    assert due.count == 1


def test_the_head_is_flagged_and_told_once_a_month(school, head, dsl, old_marks):
    with time_machine.travel(datetime(2026, 12, 1, 7, 40, tzinfo=LONDON)):
        first = retention_review()
        again = retention_review()
    assert (first["raised"], again["raised"]) == (1, 0)
    flag = Flag.objects.get(kind=RETENTION_REVIEW.name)
    assert flag.school == school
    assert "1 attendance marks" in flag.summary
    assert Flag.objects.filter(kind=RETENTION_REVIEW.name).count() == 1
    told = Notification.objects.filter(key=flag.key)
    assert [n.recipient for n in told] == [head]
    # Nothing is deleted by the review.
    assert AttendanceMark.objects.count() == 2


def test_next_months_review_supersedes_the_last(school, head, old_marks):
    with time_machine.travel(datetime(2026, 12, 1, 7, 40, tzinfo=LONDON)):
        retention_review()
    with time_machine.travel(datetime(2027, 1, 1, 7, 40, tzinfo=LONDON)):
        summary = retention_review()
    assert summary == {"schools": 1, "raised": 1, "resolved": 1}
    december, january = Flag.objects.filter(kind=RETENTION_REVIEW.name).order_by("raised_at")
    assert december.resolved_at is not None and "January 2027" in december.resolution
    assert january.resolved_at is None


def test_nothing_past_its_period_raises_nothing(school, head):
    PlacementFactory(learner=LearnerFactory(school=school))
    with time_machine.travel(datetime(2026, 12, 1, 7, 40, tzinfo=LONDON)):
        assert retention_review()["raised"] == 0
    assert not Flag.objects.filter(kind=RETENTION_REVIEW.name).exists()


def test_child_protection_records_are_listed_but_never_deleted(school, head, dsl):
    learner = LearnerFactory(school=school, date_of_birth=date(2000, 5, 1))
    concern = make_concern(learner, raised_by=dsl)
    with time_machine.travel(datetime(2026, 12, 1, 7, 40, tzinfo=LONDON)):
        retention_review()
        flag = Flag.objects.get(kind=RETENTION_REVIEW.name)
        assert "1 safeguarding concerns (child protection)" in flag.summary
        assert "Never deleted by the app" in flag.summary
        with pytest.raises(RetentionError, match="never deleted"):
            dispose(record=concern, by=head, reason="Learner is 26")
    assert SafeguardingConcern.objects.filter(pk=concern.pk).exists()
    assert not DisposalRecord.objects.exists()


def test_a_disposal_through_the_app_is_logged_without_content(school, head, old_marks):
    _, (old, recent) = old_marks
    pk = old.pk
    with time_machine.travel(datetime(2026, 12, 1, 7, 40, tzinfo=LONDON)):
        record = dispose(record=old, by=head, reason="Past the six years of the registration regulations")
        with pytest.raises(RetentionError, match="within its retention period"):
            dispose(record=recent, by=head, reason="Tidying up")
    assert not AttendanceMark.objects.filter(pk=pk).exists()
    assert (record.record_type, record.record_id, record.by, record.school) == (
        "attendance.attendancemark",
        pk,
        head,
        school,
    )


def test_the_periods_are_a_setting(settings, school, head, old_marks):
    settings.RETENTION = {
        **settings.RETENTION,
        "attendance_marks": {**settings.RETENTION["attendance_marks"], "years": 10},
    }
    with time_machine.travel(datetime(2026, 12, 1, 7, 40, tzinfo=LONDON)):
        found = due_for_review(today=date(2026, 12, 1))
    assert all(d.record_type.key != "attendance_marks" for d in found.get(school.pk, []))


def test_learners_fall_due_when_they_are_25(school, head):
    LearnerFactory(school=school, date_of_birth=date(2001, 11, 30))
    LearnerFactory(school=school, date_of_birth=date(2001, 12, 2))
    with time_machine.travel(datetime(2026, 12, 1, 7, 40, tzinfo=LONDON)):
        dues = {d.record_type.key: d.count for d in due_for_review(today=date(2026, 12, 1))[school.pk]}
    assert dues["learners"] == 1
    assert Learner.objects.count() == 2


def test_the_command_lists_what_is_due_and_runs_the_review(school, head, old_marks, capsys):
    with time_machine.travel(datetime(2026, 12, 1, 7, 40, tzinfo=LONDON)):
        call_command("retention_review")
        call_command("retention_review")
    out = capsys.readouterr().out
    assert f"school {school.pk}: 1 attendance marks" in out
    assert Flag.objects.filter(kind=RETENTION_REVIEW.name).count() == 1


def test_the_review_is_in_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["retention-review"]
    assert entry["task"] == "monitoring.tasks.retention_review_task"
