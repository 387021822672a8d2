"""Monitoring shown on the placements app's pages (a learner's record, a placement).

placements may not import monitoring (the layers run monitoring ->
attendance -> placements -> altprov), so its templates load this library
and monitoring computes its own panels.
"""

from django import template
from django.db.models import Count, Max, Q
from django.utils import timezone

from placements.models import Status

from ..chronology import chronology
from ..meeting_flags import agreement_review_due
from ..meetings import open_decision
from ..models import AgreementReview, MeetingOutcome, ReviewMeeting

register = template.Library()


@register.inclusion_tag("monitoring/_chronology.html")
def monitoring_chronology(*, can, learner=None, placement=None) -> dict:
    """`{% monitoring_chronology learner=learner can=can %}` or `placement=placement`: newest first."""
    return {"items": chronology(can=can, learner=learner, placement=placement), "can": can}


@register.inclusion_tag("monitoring/meetings/_placement_panel.html")
def monitoring_placement_reviews(*, placement, can) -> dict:
    """The open question of ceasing (a banner for the head and SLT), the agreement review's due date,
    and the review meetings so far, with the buttons to record them.

    Queries: the open decision (1), the last agreement review (1), the meetings counted (1).
    """
    today = timezone.localdate()
    active = placement.status == Status.ACTIVE
    last = AgreementReview.objects.filter(placement=placement).aggregate(last=Max("held_on"))["last"]
    counts = ReviewMeeting.objects.filter(placement=placement).aggregate(
        total=Count("pk"), unsatisfactory=Count("pk", filter=Q(outcome=MeetingOutcome.UNSATISFACTORY))
    )
    return {
        "placement": placement,
        "can": can,
        "decision": open_decision(placement) if active else None,
        "active": active,
        "due": agreement_review_due(placement, last, today=today) if active else None,
        "last_review_on": last,
        "meetings": counts,
    }
