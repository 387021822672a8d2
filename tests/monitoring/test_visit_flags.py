"""Visit flags: due soon and overdue, once per placement, half term and kind; resolved when done."""

from datetime import date, datetime, time

import pytest
from django.conf import settings
from django.core.management import call_command

from altprov.models import Flag, FlagNotice, Notification
from monitoring.visit_flags import check_visits
from placements.models import Placement, Status

from ..factories import UserFactory
from .visit_support import LONDON, active_placement, submitted_visit, terms

pytestmark = pytest.mark.django_db


def at(day: date) -> datetime:
    return datetime.combine(day, time(7, 15), tzinfo=LONDON)


@pytest.fixture
def setup(school, pastoral):
    terms(school)
    return active_placement(school, visiting_staff=pastoral, start_date=date(2026, 9, 7))


def test_due_soon_is_raised_once_and_told_to_the_visiting_staff_member(setup, pastoral):
    summary = check_visits(now=at(date(2026, 12, 7)))
    assert summary == {"due_soon": 1, "overdue": 1, "resolved": 0}  # Autumn 1 had no visit either
    flag = Flag.objects.get(kind="visit_due_soon")
    assert flag.url == setup.get_absolute_url()
    assert "needs a visit by Friday 18 December 2026" in flag.summary
    assert ",pastoral," in flag.roles
    assert FlagNotice.objects.filter(flag=flag, user=pastoral, audience="the visiting staff member").exists()
    assert Notification.objects.filter(recipient=pastoral).count() == 2
    # A second run: nothing new.
    assert check_visits(now=at(date(2026, 12, 7))) == {"due_soon": 0, "overdue": 0, "resolved": 0}
    assert Flag.objects.count() == 2 and Notification.objects.filter(recipient=pastoral).count() == 2


def test_a_visit_resolves_the_flags_of_its_half_and_a_late_one_the_overdue(setup, pastoral):
    check_visits(now=at(date(2026, 12, 7)))
    submitted_visit(setup, pastoral, date(2026, 12, 8))
    assert check_visits(now=at(date(2026, 12, 9)))["resolved"] == 2
    assert set(Flag.objects.values_list("kind", "resolution")) == {
        ("visit_due_soon", "Visit recorded"),
        ("visit_overdue", "Visit recorded"),
    }


def test_due_soon_gives_way_to_overdue_and_an_ended_placement_resolves_both(setup):
    check_visits(now=at(date(2026, 12, 7)))
    check_visits(now=at(date(2027, 1, 4)))
    assert Flag.objects.get(kind="visit_due_soon").resolution == "Half term ended"
    assert Flag.objects.filter(kind="visit_overdue", resolved_at__isnull=True).count() == 2
    Placement.objects.filter(pk=setup.pk).update(
        status=Status.ENDED, end_date=date(2027, 1, 4), end_reason="completed"
    )
    check_visits(now=at(date(2027, 1, 5)))
    assert set(Flag.objects.filter(kind="visit_overdue").values_list("resolution", flat=True)) == {
        "Placement ended"
    }


@pytest.mark.parametrize("count", [1, 8])
def test_the_job_takes_the_same_queries_however_many_placements(school, count, django_assert_num_queries):
    terms(school)
    for _ in range(count):
        active_placement(school, visiting_staff=UserFactory(), start_date=date(2026, 9, 7))
    check_visits(now=at(date(2026, 12, 7)))
    with django_assert_num_queries(17):
        check_visits(now=at(date(2026, 12, 8)))


def test_the_command_runs_the_job_and_beat_runs_it_at_7_15_on_weekdays(setup, capsys):
    call_command("check_visits")
    assert "due_soon:" in capsys.readouterr().out
    entry = settings.CELERY_BEAT_SCHEDULE["check-visits"]
    assert entry["task"] == "monitoring.tasks.check_visits_task"
    schedule = entry["schedule"]
    assert (schedule.hour, schedule.minute, schedule.day_of_week) == ({7}, {15}, {1, 2, 3, 4, 5})
