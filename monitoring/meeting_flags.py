"""Flags for review meetings, agreement reviews and actions, and the daily job that keeps them.

- cease_decision: raised when a placement reaches its agreed number of
  unsatisfactory review meetings (monitoring.meetings.record_meeting), for
  the head and SLT to decide whether to cease it (policy: "following an
  agreed number of unsatisfactory review meetings, the placement may be
  ceased"). Resolved "Decided: continue" or "Decided: ceased" by the
  decision, or "Placement ended" by this job when the placement finished
  some other way.
- agreement_review_due: an active placement's agreement review falls due
  within 7 days, or is overdue (every `review_frequency_weeks` from
  activation or the last review). One flag per placement and due date,
  for the pastoral team; told to the visiting member of staff (or, with
  none appointed, the pastoral team); escalated to the head once overdue.
  Resolved "Review recorded" or "Placement ended".
- action_overdue: an action (from a visit, meeting or incident) past its
  due date and not done. One flag per action, for the pastoral team; told
  to its owner (or, for an owner outside the school, to whoever recorded
  it). Resolved "Done" when marked done.

A key names one occurrence and is never raised again once resolved, so the
job may run twice or in two workers at once: one flag, one message. Its
queries do not grow with the number of placements, actions or flags.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from altprov import flags
from altprov.models import Flag, Membership, Role
from altprov.notifications import Notice
from altprov.templatetags.altprov_tags import date_words
from placements.models import Placement, Status
from placements.models.placements import OPEN_STATUSES

from .models import Action, CeaseDecision

CEASE_DECISION = flags.register(
    flags.FlagKind(
        name="cease_decision", label="Decide whether to cease a placement", roles=(Role.HEAD, Role.SLT)
    )
)
AGREEMENT_REVIEW_DUE = flags.register(
    flags.FlagKind(
        name="agreement_review_due",
        label="Placement agreement review due",
        roles=(Role.PASTORAL,),
        # Overdue: the head teacher, who signed the agreement, sees it too.
        escalate_to=(Role.HEAD,),
    )
)
ACTION_OVERDUE = flags.register(
    flags.FlagKind(name="action_overdue", label="Action past its due date", roles=(Role.PASTORAL,))
)
KINDS = (CEASE_DECISION, AGREEMENT_REVIEW_DUE, ACTION_OVERDUE)

DUE_SOON = timedelta(days=7)
PASTORAL_TEAM = "the pastoral team"


# Agreement reviews ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewDue:
    """When a placement's next agreement review is due, and how near that is."""

    due_on: date
    state: str  # "ok", "due" (within 7 days) or "overdue"

    @property
    def label(self) -> str:
        return {"ok": "Not due yet", "due": "Due soon", "overdue": "Overdue"}[self.state]


def agreement_review_due(placement: Placement, last_review_on: date | None, *, today: date) -> ReviewDue:
    """Every `review_frequency_weeks` from the last review, or from activation when there is none."""
    since = last_review_on or placement.activated_on or placement.start_date
    due_on = since + timedelta(weeks=placement.review_frequency_weeks)
    if today > due_on:
        state = "overdue"
    elif today >= due_on - DUE_SOON:
        state = "due"
    else:
        state = "ok"
    return ReviewDue(due_on, state)


def agreement_key(placement_id: int, due_on: date) -> str:
    return f"agreement-review:{placement_id}:{due_on.isoformat()}"


def action_key(action_id: int) -> str:
    return f"action-overdue:{action_id}"


def cease_key(decision_id: int) -> str:
    return f"cease-decision:{decision_id}"


def _day_after(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


# Telling ---------------------------------------------------------------------------------------------


class _Messenger:
    """Tells each new flag's people, loading every school's pastoral team in one query."""

    def __init__(self, school_ids: set[int]):
        self.pastoral: dict[int, list] = defaultdict(list)
        for membership in (
            Membership.objects.filter(school_id__in=school_ids, role=Role.PASTORAL, user__is_active=True)
            .select_related("user")
            .order_by("user_id")
        ):
            self.pastoral[membership.school_id].append(membership.user)
        self.tellings: list[flags.Telling] = []

    def add(self, flag: Flag, users: list, audience: str, template: str, context: dict) -> None:
        if not users:
            users, audience = self.pastoral[flag.school_id], PASTORAL_TEAM
        notice = Notice(
            users=users,
            school=flag.school,
            key=f"flag:{flag.pk}:raised",
            subject=flag.summary,
            template=template,
            context={"flag": flag, **context},
            url=flag.url,
        )
        self.tellings.append(flags.Telling(flag, notice, audience))

    def send(self, now: datetime) -> None:
        flags.tell(self.tellings, now=now)


# The daily job ---------------------------------------------------------------------------------------


def _agreement_specs(placements: list[Placement], today: date) -> dict[str, tuple[flags.FlagSpec, Placement]]:
    found = {}
    for placement in placements:
        due = agreement_review_due(placement, placement.last_review_on, today=today)
        if due.state == "ok":
            continue
        key = agreement_key(placement.pk, due.due_on)
        summary = (
            f"Review the placement agreement for {placement.learner} at {placement.provider}: "
            f"due by {date_words(due.due_on)}"
        )
        spec = flags.FlagSpec(
            key=key,
            school_id=placement.school_id,
            summary=summary,
            url=reverse("monitoring:agreement_review_create", args=[placement.pk]),
            subject=placement,
            escalate_at=_day_after(due.due_on),
        )
        found[key] = (spec, placement)
    return found


def _action_specs(actions: list[Action]) -> dict[str, tuple[flags.FlagSpec, Action]]:
    found = {}
    for action in actions:
        placement = action.placement
        summary = (
            f"Action overdue (due {date_words(action.due_date)}) for {placement.learner} at "
            f"{placement.provider}: {action.description}"
        )
        key = action_key(action.pk)
        spec = flags.FlagSpec(
            key=key,
            school_id=action.school_id,
            summary=summary,
            url=reverse("monitoring:action_done", args=[action.pk]),
            subject=action,
        )
        found[key] = (spec, action)
    return found


def _why_resolved(
    flag: Flag, holding: set[str], placements: dict, actions: dict, decisions: dict
) -> str | None:
    """The true reason an open flag no longer holds (None: it still does)."""
    if flag.key in holding:
        return None
    if flag.kind == ACTION_OVERDUE.name:
        done = actions.get(flag.subject_id)
        if done is None:
            return "Action removed"
        # Not done but no longer past due: its due date was moved on.
        return "Done" if done else "Due date moved"
    if flag.kind == AGREEMENT_REVIEW_DUE.name:
        status, last_recorded = placements.get(flag.subject_id, (None, None))
        if status != Status.ACTIVE:
            return "Placement ended"
        if last_recorded is not None and last_recorded >= flag.raised_at:
            return "Review recorded"
        return "Review frequency changed"
    if flag.kind == CEASE_DECISION.name:
        status = decisions.get(flag.subject_id)
        return "Placement ended" if status not in OPEN_STATUSES else None
    return None


def check_monitoring_due(*, now: datetime | None = None) -> dict[str, int]:
    """Raise, tell, escalate and resolve the agreement-review, action and cease-decision flags.

    Queries (whatever the number of rows): the active placements with their
    last agreement review (1), the overdue actions (1), the open flags (1)
    and what they are about (3), raising each kind (3 each), escalation (2),
    resolving (1), and for new flags the pastoral teams (1) and the messages (3).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    summary = {"agreement_review_due": 0, "action_overdue": 0, "escalated": 0, "resolved": 0}
    placements = list(
        Placement.objects.filter(status=Status.ACTIVE)
        .select_related("school", "learner", "provider", "visiting_staff")
        .annotate(last_review_on=Max("agreement_reviews__held_on"))
        .order_by("pk")
    )
    actions = list(
        Action.objects.filter(done_on__isnull=True, due_date__lt=today)
        .select_related("placement__learner", "placement__provider", "owner", "created_by")
        .order_by("pk")
    )
    agreement = _agreement_specs(placements, today)
    overdue = _action_specs(actions)
    open_flags = list(Flag.objects.open().filter(kind__in=[k.name for k in KINDS]))
    of = defaultdict(set)
    for flag in open_flags:
        of[flag.kind].add(flag.subject_id)
    placement_state = {
        pk: (status, recorded)
        for pk, status, recorded in Placement.objects.filter(pk__in=of[AGREEMENT_REVIEW_DUE.name])
        .annotate(recorded=Max("agreement_reviews__recorded_at"))
        .values_list("pk", "status", "recorded")
    }
    action_done = {
        pk: done_on is not None
        for pk, done_on in Action.objects.filter(pk__in=of[ACTION_OVERDUE.name]).values_list("pk", "done_on")
    }
    decisions = dict(
        CeaseDecision.objects.filter(pk__in=of[CEASE_DECISION.name]).values_list("pk", "placement__status")
    )

    with transaction.atomic():
        raised_agreement = flags.raise_flags(
            AGREEMENT_REVIEW_DUE, [spec for spec, _ in agreement.values()], now=now
        )
        raised_actions = flags.raise_flags(ACTION_OVERDUE, [spec for spec, _ in overdue.values()], now=now)
        summary["escalated"] = len(flags.escalate_due(AGREEMENT_REVIEW_DUE, now=now))

    holding = set(agreement) | set(overdue)
    reasons = {}
    for flag in open_flags:
        reason = _why_resolved(flag, holding, placement_state, action_done, decisions)
        if reason:
            reasons[flag.pk] = reason
    summary["resolved"] = flags.resolve_each(reasons, now=now)

    new_agreement = [(raised_agreement.flags[k], agreement[k][1]) for k in sorted(raised_agreement.new)]
    new_actions = [(raised_actions.flags[k], overdue[k][1]) for k in sorted(raised_actions.new)]
    if new_agreement or new_actions:
        messenger = _Messenger({f.school_id for f, _ in new_agreement + new_actions})
        for flag, placement in new_agreement:
            visitor = placement.visiting_staff
            messenger.add(
                flag,
                [visitor] if visitor and visitor.is_active else [],
                "the visiting member of staff",
                "monitoring/email/agreement_review_due.txt",
                {"placement": placement},
            )
        for flag, action in new_actions:
            if action.owner is not None and action.owner.is_active:
                users, audience = [action.owner], "the action's owner"
            elif action.created_by is not None and action.created_by.is_active:
                users, audience = [action.created_by], "whoever recorded the action"
            else:
                users, audience = [], PASTORAL_TEAM
            messenger.add(flag, users, audience, "monitoring/email/action_overdue.txt", {"action": action})
        messenger.send(now)
    summary["agreement_review_due"] = len(new_agreement)
    summary["action_overdue"] = len(new_actions)
    return summary
