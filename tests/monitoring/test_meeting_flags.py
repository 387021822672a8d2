"""The daily monitoring job: reviews due, actions overdue, decisions left open; raised once, told once."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone

from altprov.models import Flag, FlagNotice, FlagStage, Notification, Role
from monitoring.actions import mark_done
from monitoring.meeting_flags import (
    ACTION_OVERDUE,
    AGREEMENT_REVIEW_DUE,
    CEASE_DECISION,
    agreement_review_due,
    check_monitoring_due,
)
from monitoring.meetings import record_agreement_review
from monitoring.models import Action
from monitoring.tasks import check_monitoring_due_task
from placements.models import Placement

from ..factories import MembershipFactory, UserFactory
from .meeting_world import action, active_placement, meeting

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def at(day, hour=7, minute=20):
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def due_in(days: int, school, **kwargs):
    """An active placement reviewed every 6 weeks whose first agreement review is due in `days` days."""
    today = timezone.localdate()
    start = today + timedelta(days=days) - timedelta(weeks=6)
    return active_placement(school, start=start, review_frequency_weeks=6, **kwargs)


def test_due_dates_count_from_activation_then_from_the_last_review(school):
    placement = due_in(10, school)
    today = timezone.localdate()
    due = agreement_review_due(placement, None, today=today)
    assert (due.due_on, due.state) == (today + timedelta(days=10), "ok")
    assert agreement_review_due(placement, None, today=today + timedelta(days=3)).state == "due"
    assert agreement_review_due(placement, None, today=today + timedelta(days=11)).state == "overdue"
    later = agreement_review_due(placement, today, today=today)
    assert later.due_on == today + timedelta(weeks=6)


def test_a_review_due_within_7_days_is_flagged_once_and_told_to_the_visiting_member_of_staff(
    school, pastoral
):
    visitor = UserFactory()
    MembershipFactory(user=visitor, school=school, role=Role.PASTORAL)
    soon = due_in(5, school, visiting_staff=visitor)
    due_in(20, school)
    now = timezone.now()
    assert check_monitoring_due(now=now)["agreement_review_due"] == 1
    flag = Flag.objects.get(kind=AGREEMENT_REVIEW_DUE.name)
    assert flag.subject == soon and flag.roles == ",pastoral,"
    assert f"{soon.learner} at {soon.provider}" in flag.summary
    assert list(Notification.objects.values_list("recipient", flat=True)) == [visitor.pk]
    assert FlagNotice.objects.get(flag=flag).audience == "the visiting member of staff"
    # Again: nothing new raised or told.
    assert check_monitoring_due(now=now + timedelta(hours=1))["agreement_review_due"] == 0
    assert Flag.objects.count() == 1 and Notification.objects.count() == 1


def test_with_no_visiting_member_of_staff_the_pastoral_team_is_told(school, pastoral):
    placement = due_in(2, school)
    placement.visiting_staff = None
    placement.save()
    check_monitoring_due()
    assert list(Notification.objects.values_list("recipient", flat=True)) == [pastoral.pk]
    assert FlagNotice.objects.get().audience == "the pastoral team"


def test_an_overdue_review_goes_to_the_head_too_and_a_recorded_review_resolves_it(school, pastoral, head):
    placement = due_in(-1, school)
    check_monitoring_due()
    flag = Flag.objects.get(kind=AGREEMENT_REVIEW_DUE.name)
    assert flag.stage == FlagStage.ESCALATED and flag.roles == ",pastoral,head,"
    record_agreement_review(
        placement=placement,
        by=pastoral,
        held_on=timezone.localdate(),
        notes="Timetable kept.",
        changes_needed=False,
    )
    flag.refresh_from_db()
    assert flag.resolution == "Review recorded"
    check_monitoring_due()
    assert Flag.objects.filter(kind=AGREEMENT_REVIEW_DUE.name).count() == 1


def test_the_job_resolves_a_review_flag_when_the_placement_ends(school, pastoral):
    placement = due_in(3, school)
    check_monitoring_due()
    placement.status, placement.end_reason, placement.end_date = "ended", "completed", timezone.localdate()
    placement.save()
    check_monitoring_due()
    assert Flag.objects.get(kind=AGREEMENT_REVIEW_DUE.name).resolution == "Placement ended"


def test_an_overdue_action_is_flagged_to_its_owner_once_and_resolves_done(school, pastoral, slt):
    placement = due_in(30, school)
    mine = action(placement, owner=slt, due_date=timezone.localdate() - timedelta(days=1), by=pastoral)
    theirs = action(
        placement,
        owner_name="Lee at the provider",
        due_date=timezone.localdate() - timedelta(days=2),
        by=pastoral,
    )
    action(placement, owner=slt, due_date=timezone.localdate())  # due today: not overdue yet
    assert check_monitoring_due()["action_overdue"] == 2
    flags = {f.subject: f for f in Flag.objects.filter(kind=ACTION_OVERDUE.name)}
    assert set(flags) == {mine, theirs}
    assert flags[mine].roles == ",pastoral,"
    told = {(n.flag.subject, n.user, n.audience) for n in FlagNotice.objects.select_related("flag", "user")}
    assert told == {(mine, slt, "the action's owner"), (theirs, pastoral, "whoever recorded the action")}
    assert check_monitoring_due()["action_overdue"] == 0
    assert Notification.objects.count() == 2
    mark_done(action=mine, by=slt, note="Called the provider.")
    flags[mine].refresh_from_db()
    assert flags[mine].resolution == "Done"


def test_an_open_decision_left_by_a_placement_that_ended_is_resolved(school, pastoral):
    placement = due_in(30, school)
    meeting(placement, pastoral)
    meeting(placement, pastoral)
    placement.status, placement.end_reason, placement.end_date = "ended", "moved_on", timezone.localdate()
    placement.save()
    check_monitoring_due()
    assert Flag.objects.get(kind=CEASE_DECISION.name).resolution == "Placement ended"


def _world(school, pastoral, n: int) -> None:
    for i in range(n):
        placement = due_in(3 - i * 4, school)
        action(placement, owner=pastoral, due_date=timezone.localdate() - timedelta(days=1 + i), by=pastoral)


@pytest.mark.parametrize("n", [2, 5])
def test_the_job_makes_the_same_queries_however_many_rows(
    school, pastoral, head, django_assert_num_queries, n
):
    _world(school, pastoral, n)
    for model in (Placement, Action):  # the flags' subject types, cached once per process
        ContentType.objects.get_for_model(model)
    # Placements (1), overdue actions (1), open flags (1: none yet, so no subjects to load); raising
    # each kind (2 x 3) and escalating (2) in a savepoint (2); nothing to resolve; the pastoral
    # teams (1); the messages (2) and who was told (1).
    with django_assert_num_queries(17):
        summary = check_monitoring_due()
    assert summary["agreement_review_due"] == n and summary["action_overdue"] == n
    # A second run raises and tells nothing: the same reads, the open flags' subjects (2: no
    # decision is open), raising and escalating again (8 with the savepoint), no one told.
    with django_assert_num_queries(15):
        assert check_monitoring_due() == {
            "agreement_review_due": 0,
            "action_overdue": 0,
            "escalated": 0,
            "resolved": 0,
        }


def test_the_command_and_the_task_run_the_same_job(school, pastoral):
    due_in(1, school)
    call_command("check_monitoring_due")
    assert Flag.objects.filter(kind=AGREEMENT_REVIEW_DUE.name).count() == 1
    assert check_monitoring_due_task.delay().get()["agreement_review_due"] == 0
