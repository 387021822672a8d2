"""Review meetings: recording one, and the unsatisfactory-review rule that puts a placement to SLT."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from altprov.models import Flag, FlagNotice, Notification
from monitoring.meeting_flags import CEASE_DECISION
from monitoring.models import (
    Action,
    CeaseDecision,
    CeaseOutcome,
    MeetingOutcome,
    ReviewMeeting,
    TargetProgress,
)

from .meeting_world import active_placement, meeting, plan

pytestmark = pytest.mark.django_db

SAT, UNSAT = MeetingOutcome.SATISFACTORY, MeetingOutcome.UNSATISFACTORY


def form_data(placement, **overrides) -> dict:
    data = {
        "held_on": "2026-11-30",
        "attendees": "Priya Pastoral (pastoral lead), Mrs Jones (mother), the learner, Lee (provider)",
        "school_attended": "on",
        "learner_attended": "on",
        "parents_attended": "on",
        "provider_attended": "on",
        "learner_views": "Likes the workshop; mornings are hard.",
        "parent_views": "Wants more contact.",
        "outcome": UNSAT,
        "notes": "",
        "actions-TOTAL_FORMS": "2",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "1000",
    }
    for target in placement.targets.all():
        data[f"progress_{target.pk}"] = f"Some progress on {target.description}"
    data.update(overrides)
    return data


def test_pastoral_records_a_meeting_with_progress_per_target_and_actions(client, school, pastoral):
    placement = active_placement(school)
    client.force_login(pastoral)
    url = reverse("monitoring:meeting_create", args=[placement.pk])
    page = client.get(url).content.decode()
    for target in placement.targets.all():
        assert f"Progress against “{target.description}”" in page
    data = form_data(
        placement,
        **{
            "actions-0-description": "Send the new timetable home",
            "actions-0-side": "school",
            "actions-0-owner": pastoral.pk,
            "actions-0-due_date": "2026-12-10",
            "actions-1-description": "Weekly phone call home",
            "actions-1-side": "provider",
            "actions-1-owner_name": "Lee Contact",
            "actions-1-due_date": "2026-12-11",
        },
    )
    response = client.post(url, data)
    recorded = ReviewMeeting.objects.get(placement=placement)
    assert response.status_code == 302 and response["Location"] == recorded.get_absolute_url()
    assert recorded.outcome == UNSAT and recorded.parents_attended and recorded.recorded_by == pastoral
    assert TargetProgress.objects.filter(meeting=recorded).count() == 2
    actions = {a.description: a for a in Action.objects.filter(meeting=recorded)}
    assert actions["Send the new timetable home"].owner == pastoral
    assert actions["Weekly phone call home"].owner_name == "Lee Contact"
    assert actions["Weekly phone call home"].side == "provider"
    detail = client.get(recorded.get_absolute_url()).content.decode()
    assert "Some progress on Target 1" in detail and "Weekly phone call home" in detail
    # One unsatisfactory meeting of the default two: no question of ceasing yet.
    assert not CeaseDecision.objects.exists()


def test_a_meeting_with_mistakes_says_what_to_do_and_keeps_what_was_typed(client, school, pastoral):
    placement = active_placement(school)
    client.force_login(pastoral)
    data = form_data(
        placement,
        learner_views="",
        outcome="",
        **{
            "actions-0-description": "Phone the provider every Friday",
            "actions-0-side": "school",
            "actions-0-due_date": "",
        },
    )
    target = placement.targets.first()
    data[f"progress_{target.pk}"] = ""
    response = client.post(reverse("monitoring:meeting_create", args=[placement.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    for message in (
        "Enter the learner&#x27;s views",
        "Choose whether progress is satisfactory or unsatisfactory",
        f"Enter the progress against “{target.description}”",
        "Enter the date the action is due by",
        "Choose who owns the action, or give the name of its owner at the provider",
    ):
        assert message in page, message
    assert "Phone the provider every Friday" in page and "Wants more contact." in page
    assert not ReviewMeeting.objects.exists()


def test_the_second_unsatisfactory_meeting_puts_the_placement_to_slt_once(school, pastoral, head, slt):
    placement = active_placement(school)
    meeting(placement, pastoral, outcome=UNSAT)
    meeting(placement, pastoral, outcome=SAT)
    second = meeting(placement, pastoral, outcome=UNSAT)
    decision = CeaseDecision.objects.get(placement=placement)
    assert decision.prompted_by == second and decision.unsatisfactory_count == 2
    flag = Flag.objects.get(kind=CEASE_DECISION.name)
    assert flag.summary == (
        f"Decide whether to cease {placement.learner}'s placement at {placement.provider}: "
        "2 unsatisfactory reviews"
    )
    assert flag.roles == ",head,slt,"
    assert flag.url == reverse("monitoring:cease_decision", args=[decision.pk])
    assert {n.recipient for n in Notification.objects.filter(key=f"flag:{flag.pk}:raised")} == {head, slt}
    assert FlagNotice.objects.filter(flag=flag).count() == 2
    # A third while the question is open asks nothing more.
    meeting(placement, pastoral, outcome=UNSAT)
    assert CeaseDecision.objects.filter(placement=placement).count() == 1
    assert Notification.objects.filter(recipient=head).count() == 1


def test_the_number_agreed_on_the_placement_is_the_one_that_counts(school, pastoral):
    placement = active_placement(school, unsatisfactory_reviews_to_cease=3)
    meeting(placement, pastoral)
    meeting(placement, pastoral)
    assert not CeaseDecision.objects.exists()
    meeting(placement, pastoral)
    assert CeaseDecision.objects.get().unsatisfactory_count == 3


def test_after_a_decision_to_continue_the_count_starts_again(client, school, pastoral, slt):
    placement = active_placement(school)
    meeting(placement, pastoral)
    meeting(placement, pastoral)
    decision = CeaseDecision.objects.get()
    client.force_login(slt)
    response = client.post(
        reverse("monitoring:cease_decision", args=[decision.pk]),
        {"outcome": CeaseOutcome.CONTINUE, "reason": "New mentor in place; review at Christmas."},
    )
    assert response.status_code == 302 and response["Location"] == placement.get_absolute_url()
    decision.refresh_from_db()
    assert decision.outcome == CeaseOutcome.CONTINUE and decision.decided_by == slt
    flag = Flag.objects.get(kind=CEASE_DECISION.name)
    assert flag.resolution == "Decided: continue"
    placement.refresh_from_db()
    assert placement.status == "active"
    meeting(placement, pastoral)
    assert CeaseDecision.objects.count() == 1
    meeting(placement, pastoral)
    assert CeaseDecision.objects.filter(decided_at__isnull=True).get().unsatisfactory_count == 4


def test_ceasing_goes_through_the_placement_lifecycle(client, school, pastoral, head):
    placement = active_placement(school)
    meeting(placement, pastoral)
    meeting(placement, pastoral)
    decision = CeaseDecision.objects.get()
    client.force_login(head)
    url = reverse("monitoring:cease_decision", args=[decision.pk])
    refused = client.post(url, {"outcome": CeaseOutcome.CEASE, "reason": "No progress.", "on": ""})
    page = refused.content.decode()
    assert "Enter the last day of the placement" in page
    assert "Tick the box to confirm that the placement is to cease" in page
    response = client.post(
        url,
        {
            "outcome": CeaseOutcome.CEASE,
            "reason": "No progress after two reviews.",
            "on": "2026-12-04",
            "confirm": "on",
        },
    )
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.status == "ceased" and placement.ceased_reason == "No progress after two reviews."
    change = placement.status_changes.get()
    assert change.to_status == "ceased" and change.changed_by == head
    assert Flag.objects.get(kind=CEASE_DECISION.name).resolution == "Decided: ceased"
    # Decided: the page now says what was decided, and cannot be sent again.
    assert "Cease the placement" in client.get(url).content.decode()
    client.post(url, {"outcome": CeaseOutcome.CONTINUE, "reason": "again"})
    decision.refresh_from_db()
    assert decision.outcome == CeaseOutcome.CEASE


def test_only_one_open_decision_per_placement(school, pastoral):
    placement = active_placement(school)
    meeting(placement, pastoral)
    first = meeting(placement, pastoral)
    third = meeting(placement, pastoral)
    assert first.cease_decision
    with pytest.raises(IntegrityError), transaction.atomic():
        CeaseDecision.objects.create(
            school=school, placement=placement, prompted_by=third, unsatisfactory_count=3
        )


def test_the_banner_asks_the_head_and_slt_and_no_one_else(client, school, pastoral, head, slt, dsl):
    placement = active_placement(school)
    meeting(placement, pastoral)
    meeting(placement, pastoral)
    for user in (head, slt):
        client.force_login(user)
        page = client.get(placement.get_absolute_url()).content.decode()
        assert 'id="cease-decision-banner"' in page, user
        assert reverse("monitoring:cease_decision", args=[CeaseDecision.objects.get().pk]) in page
    for user in (pastoral, dsl):
        client.force_login(user)
        page = client.get(placement.get_absolute_url()).content.decode()
        assert 'id="cease-decision-banner"' not in page, user


def test_the_decision_is_refused_to_pastoral_and_hidden_from_another_school(
    client, school, pastoral, other_head
):
    placement = active_placement(school)
    meeting(placement, pastoral)
    meeting(placement, pastoral)
    url = reverse("monitoring:cease_decision", args=[CeaseDecision.objects.get().pk])
    client.force_login(pastoral)
    assert client.get(url).status_code == 403
    client.force_login(other_head)
    assert client.get(url).status_code == 404


def test_meetings_are_recorded_for_active_placements_only(client, school, pastoral):
    placement = active_placement(school)
    placement.status = "ended"
    placement.end_reason = "completed"
    placement.end_date = placement.start_date
    placement.save()
    client.force_login(pastoral)
    response = client.get(reverse("monitoring:meeting_create", args=[placement.pk]), follow=True)
    assert "recorded for an active placement" in response.content.decode()


def test_actions_agreed_at_a_meeting_are_saved_with_it(school, pastoral):
    placement = active_placement(school)
    recorded = meeting(placement, pastoral, outcome=SAT, actions=[plan(pastoral), plan(side="provider")])
    assert recorded.actions.count() == 2
    assert set(recorded.actions.values_list("created_by", flat=True)) == {pastoral.pk}
