"""Review meetings, the decision on ceasing a placement, and agreement reviews.

Policy ("Monitoring Academic Progress, Behaviour and Pastoral Welfare"):
learners making less than satisfactory progress have a formal review
meeting with the school, the learner, parents/carers and the provider;
"following an agreed number of unsatisfactory review meetings, the placement
may be ceased". The number is set per placement
(`Placement.unsatisfactory_reviews_to_cease`, default 2). When a meeting
brings the unsatisfactory ones since the last decision to that number, the
placement is put to the head and SLT (one open question at a time, a
database constraint); they continue it or cease it, giving the reason, and
ceasing goes through the placement lifecycle (`Placement.cease`).

Agreement reviews: at the frequency agreed on the placement, counted from
activation or the last review (monitoring.meeting_flags).
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from altprov import flags
from altprov.models import Flag, Role
from altprov.notifications import Notice, staff_with_role
from placements.models import Placement, PlacementTarget, TransitionError

from .meeting_flags import AGREEMENT_REVIEW_DUE, CEASE_DECISION, cease_key
from .models import (
    Action,
    AgreementReview,
    CeaseDecision,
    CeaseOutcome,
    MeetingOutcome,
    ReviewMeeting,
    TargetProgress,
)


@dataclass(frozen=True)
class ActionPlan:
    """An action agreed at a meeting, before it is saved."""

    side: str
    description: str
    due_date: date
    owner: object | None = None
    owner_name: str = ""


def _lock(placement: Placement) -> None:
    # Two meetings recorded at once for one placement count each other's outcome.
    Placement.objects.select_for_update().filter(pk=placement.pk).values_list("pk").get()


def unsatisfactory_since_last_decision(placement: Placement) -> int:
    """Unsatisfactory meetings not yet put to a decision: after "continue", the count starts again."""
    meetings = ReviewMeeting.objects.filter(placement=placement, outcome=MeetingOutcome.UNSATISFACTORY)
    last = (
        CeaseDecision.objects.filter(placement=placement, decided_at__isnull=False)
        .select_related("prompted_by")
        .order_by("-prompted_by__held_on", "-prompted_by__pk")
        .first()
    )
    if last is not None:
        prompted = last.prompted_by
        meetings = meetings.exclude(held_on__lt=prompted.held_on).exclude(
            held_on=prompted.held_on, pk__lte=prompted.pk
        )
    return meetings.count()


@transaction.atomic
def record_meeting(
    *,
    placement: Placement,
    by,
    held_on: date,
    attendees: str,
    outcome: str,
    learner_views: str,
    parent_views: str = "",
    notes: str = "",
    school_attended: bool = True,
    learner_attended: bool = False,
    parents_attended: bool = False,
    provider_attended: bool = False,
    progress: dict[int, str] | None = None,
    actions: list[ActionPlan] = (),
    now: datetime | None = None,
) -> ReviewMeeting:
    """Save a review meeting with its progress against each target and its actions.

    When it brings the unsatisfactory meetings since the last decision to the
    placement's agreed number, opens the question of ceasing for the head and
    SLT, and tells them.
    """
    now = now or timezone.now()
    _lock(placement)
    meeting = ReviewMeeting(
        school_id=placement.school_id,
        placement=placement,
        held_on=held_on,
        attendees=attendees,
        school_attended=school_attended,
        learner_attended=learner_attended,
        parents_attended=parents_attended,
        provider_attended=provider_attended,
        learner_views=learner_views,
        parent_views=parent_views,
        outcome=outcome,
        notes=notes,
        recorded_by=by,
    )
    meeting._history_user = by
    meeting.save()
    targets = set(PlacementTarget.objects.filter(placement=placement).values_list("pk", flat=True))
    bulk_create_with_history(
        [
            TargetProgress(meeting=meeting, target_id=pk, progress=text.strip())
            for pk, text in (progress or {}).items()
            if pk in targets and text.strip()
        ],
        TargetProgress,
        default_user=by,
    )
    for plan in actions:
        action = Action(
            school_id=placement.school_id,
            placement=placement,
            meeting=meeting,
            side=plan.side,
            description=plan.description,
            owner=plan.owner,
            owner_name="" if plan.owner else plan.owner_name,
            due_date=plan.due_date,
            created_by=by,
        )
        action._history_user = by
        action.save()
    if outcome == MeetingOutcome.UNSATISFACTORY:
        _ask_whether_to_cease(placement, meeting, now=now)
    return meeting


def _ask_whether_to_cease(placement: Placement, meeting: ReviewMeeting, *, now: datetime) -> None:
    if CeaseDecision.objects.filter(placement=placement, decided_at__isnull=True).exists():
        return
    since = unsatisfactory_since_last_decision(placement)
    if since < placement.unsatisfactory_reviews_to_cease:
        return
    total = ReviewMeeting.objects.filter(placement=placement, outcome=MeetingOutcome.UNSATISFACTORY).count()
    decision = CeaseDecision.objects.create(
        school_id=placement.school_id, placement=placement, prompted_by=meeting, unsatisfactory_count=total
    )
    summary = (
        f"Decide whether to cease {placement.learner}'s placement at {placement.provider}: "
        f"{total} unsatisfactory review{'s' if total != 1 else ''}"
    )
    url = reverse("monitoring:cease_decision", args=[decision.pk])
    raised = flags.raise_flags(
        CEASE_DECISION,
        [
            flags.FlagSpec(
                key=cease_key(decision.pk),
                school_id=placement.school_id,
                summary=summary,
                url=url,
                subject=decision,
            )
        ],
        now=now,
    )
    if cease_key(decision.pk) not in raised.new:
        return
    flag = raised.flags[cease_key(decision.pk)]
    flags.tell(
        [
            flags.Telling(
                flag=flag,
                audience="the head teacher and SLT",
                notice=Notice(
                    users=list(staff_with_role(placement.school, Role.HEAD, Role.SLT)),
                    school=placement.school,
                    key=f"flag:{flag.pk}:raised",
                    subject=summary,
                    template="monitoring/email/cease_decision.txt",
                    context={"placement": placement, "decision": decision, "summary": summary},
                    url=url,
                ),
            )
        ],
        now=now,
    )


def open_decision(placement: Placement) -> CeaseDecision | None:
    return (
        CeaseDecision.objects.filter(placement=placement, decided_at__isnull=True)
        .select_related("prompted_by")
        .first()
    )


@transaction.atomic
def decide(
    *,
    decision: CeaseDecision,
    by,
    outcome: str,
    reason: str,
    last_day: date | None = None,
    now: datetime | None = None,
) -> None:
    """Continue or cease the placement; ceasing is the placement's own lifecycle step.

    Raises TransitionError with every reason it cannot be done.
    """
    now = now or timezone.now()
    locked = CeaseDecision.objects.select_for_update().filter(pk=decision.pk).values_list("decided_at").get()
    if locked[0] is not None:
        raise TransitionError(["Someone else has just decided this: reload the page."])
    problems = []
    if outcome not in CeaseOutcome.values:
        problems.append("Choose whether to continue or cease the placement.")
    if not reason.strip():
        problems.append("Give the reason for the decision.")
    if problems:
        raise TransitionError(problems)
    placement = decision.placement
    if outcome == CeaseOutcome.CEASE:
        placement.cease(by=by, on=last_day or timezone.localdate(now), reason=reason)
    decision.outcome = outcome
    decision.reason = reason
    decision.decided_by = by
    decision.decided_at = now
    decision._history_user = by
    decision.save(update_fields=["outcome", "reason", "decided_by", "decided_at"])
    flags.resolve(
        Flag.objects.filter(kind=CEASE_DECISION.name, key=cease_key(decision.pk)),
        reason="Decided: ceased" if outcome == CeaseOutcome.CEASE else "Decided: continue",
        now=now,
    )


@transaction.atomic
def record_agreement_review(
    *, placement: Placement, by, held_on: date, notes: str, changes_needed: bool, now: datetime | None = None
) -> AgreementReview:
    """Save an agreement review; the flag for the review it meets resolves."""
    now = now or timezone.now()
    review = AgreementReview(
        school_id=placement.school_id,
        placement=placement,
        held_on=held_on,
        notes=notes,
        changes_needed=changes_needed,
        recorded_by=by,
    )
    review._history_user = by
    review.save()
    flags.resolve(
        Flag.objects.filter(
            kind=AGREEMENT_REVIEW_DUE.name,
            subject_id=placement.pk,
            key__startswith=f"agreement-review:{placement.pk}:",
        ),
        reason="Review recorded",
        now=now,
    )
    return review
