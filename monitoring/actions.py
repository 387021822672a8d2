"""Actions agreed at visits, review meetings and incidents: who owns them, and marking one done.

An action is owned by a member of staff (who sees it first on the Actions
page and is told when it is overdue) or, at the provider, by a name. It
may be marked done by its owner, by SLT and the head (monitoring.oversee)
and by those who run the placement (placement.edit); the overdue flag
resolves "Done" at once.
"""

from datetime import date, datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from altprov import flags
from altprov.models import Flag, Role, User
from altprov.roles import PERMISSIONS, has_perm
from placements.models import TransitionError

from .meeting_flags import ACTION_OVERDUE, action_key
from .models import Action

# Who may own an action at the school: the roles that read monitoring records.
OWNER_ROLES = tuple(role for role in Role if role in PERMISSIONS["monitoring.view"])


def possible_owners(school) -> QuerySet:
    return (
        User.objects.filter(is_active=True, memberships__school=school, memberships__role__in=OWNER_ROLES)
        .distinct()
        .order_by("first_name", "last_name", "pk")
    )


def open_actions(school) -> QuerySet:
    return (
        Action.objects.filter(school=school, done_on__isnull=True)
        .select_related("placement__learner", "placement__provider", "owner", "meeting", "visit", "incident")
        .order_by("due_date", "pk")
    )


def may_mark_done(user, action: Action) -> bool:
    if action.owner_id is not None and action.owner_id == user.pk:
        return True
    return has_perm(user, action.school_id, "monitoring.oversee") or has_perm(
        user, action.school_id, "placement.edit"
    )


@transaction.atomic
def mark_done(*, action: Action, by, note: str, on: date | None = None, now: datetime | None = None) -> None:
    """Record that the action is done and what was done; its overdue flag resolves."""
    now = now or timezone.now()
    done_on = Action.objects.select_for_update().filter(pk=action.pk).values_list("done_on", flat=True).get()
    if done_on is not None:
        raise TransitionError(["Someone else has just marked this action done: reload the page."])
    if not note.strip():
        raise TransitionError(["Say what was done."])
    action.done_on = on or timezone.localdate(now)
    action.done_by = by
    action.done_note = note.strip()
    action._history_user = by
    action.save(update_fields=["done_on", "done_by", "done_note"])
    flags.resolve(
        Flag.objects.filter(kind=ACTION_OVERDUE.name, key=action_key(action.pk)), reason="Done", now=now
    )
