"""Builders for the review meeting, agreement review, action and chronology tests."""

from datetime import date, timedelta

from django.utils import timezone

from monitoring.meetings import ActionPlan, record_meeting
from monitoring.models import Action, ActionSide, MeetingOutcome
from placements.models import Status

from ..factories import PlacementFactory, PlacementTargetFactory


def active_placement(school, *, targets: int = 2, start: date | None = None, **kwargs):
    start = start or timezone.localdate() - timedelta(weeks=3)
    placement = PlacementFactory(
        learner__school=school,
        status=Status.ACTIVE,
        start_date=start,
        activated_on=start,
        target_end_date=start + timedelta(weeks=30),
        **kwargs,
    )
    for n in range(targets):
        PlacementTargetFactory(placement=placement, description=f"Target {n + 1}")
    return placement


def meeting(placement, by, *, outcome=MeetingOutcome.UNSATISFACTORY, held_on=None, actions=(), **kwargs):
    return record_meeting(
        placement=placement,
        by=by,
        held_on=held_on or timezone.localdate(),
        attendees="Sam Senior (SLT), parent, learner, provider lead",
        outcome=outcome,
        learner_views="Finds the mornings hard.",
        actions=list(actions),
        **kwargs,
    )


def action(placement, *, owner=None, owner_name="", due_date=None, by=None, **kwargs) -> Action:
    return Action.objects.create(
        school_id=placement.school_id,
        placement=placement,
        side=kwargs.pop("side", ActionSide.SCHOOL),
        description=kwargs.pop("description", "Phone home about the timetable"),
        owner=owner,
        owner_name=owner_name if owner is None and owner_name else ("" if owner else "Lee at the provider"),
        due_date=due_date or timezone.localdate() + timedelta(days=7),
        created_by=by,
        **kwargs,
    )


def plan(owner=None, *, description="Send the timetable home", days=7, side=ActionSide.SCHOOL) -> ActionPlan:
    return ActionPlan(
        side=side,
        description=description,
        due_date=timezone.localdate() + timedelta(days=days),
        owner=owner,
        owner_name="" if owner else "Lee at the provider",
    )
