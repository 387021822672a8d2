"""Scoped lookups of monitoring records: another school's record answers 404, a role without the right 403."""

from altprov.access import get_for_user

from .models import Action, CeaseDecision, ReviewMeeting


def get_meeting_for_user(user, pk: int, *, perm: str = "monitoring.view") -> ReviewMeeting:
    queryset = ReviewMeeting.objects.select_related(
        "school", "placement__learner", "placement__provider", "recorded_by", "cease_decision__decided_by"
    ).prefetch_related("progress__target", "actions__owner", "actions__done_by")
    return get_for_user(queryset, user, pk, perm=perm, view_perm="monitoring.view")


def get_decision_for_user(user, pk: int, *, perm: str = "placement.decide") -> CeaseDecision:
    queryset = CeaseDecision.objects.select_related(
        "school", "placement__learner", "placement__provider", "prompted_by", "decided_by"
    )
    return get_for_user(queryset, user, pk, perm=perm)


def get_action_for_user(user, pk: int) -> Action:
    """An action of the user's school, for those who read monitoring records (may_mark_done: who acts)."""
    queryset = Action.objects.select_related(
        "school",
        "placement__learner",
        "placement__provider",
        "owner",
        "done_by",
        "meeting",
        "visit",
        "incident",
    )
    return get_for_user(queryset, user, pk, perm="monitoring.view")
