"""Every lookup of a monitoring record goes through here, scoped to the user's schools.

A record of a school where the user holds no role answers 404; one at their
school that their role may not act on answers 403 (altprov.access).
"""

from django.db.models import Prefetch
from django.http import Http404

from altprov.access import get_for_user

from .models import Action, CeaseDecision, Incident, ReviewMeeting, TermlyReview, Visit, VisitStatus

VISIT_RELATED = (
    "school",
    "placement__learner",
    "placement__provider",
    "placement__site",
    "staff",
    "created_by",
)


def get_review_for_user(user, pk: int, *, perm: str = "monitoring.view") -> TermlyReview:
    queryset = TermlyReview.objects.select_related(
        "school",
        "term",
        "placement__learner",
        "placement__provider",
        "placement__site",
        "school_response_by",
        "supersedes",
        "superseded_by",
    )
    return get_for_user(queryset, user, pk, perm=perm, view_perm="monitoring.view")


def get_visit_for_user(user, pk: int) -> Visit:
    """A submitted visit for anyone who may read monitoring records; a draft only for the one writing it."""
    visit = get_for_user(
        Visit.objects.select_related(*VISIT_RELATED, "concern"), user, pk, perm="monitoring.view"
    )
    if visit.status == VisitStatus.DRAFT and visit.created_by_id != user.pk:
        raise Http404
    return visit


def get_draft_for_user(user, pk: int) -> Visit:
    """The user's own draft visit (404 for anyone else's, and once submitted)."""
    return get_for_user(
        Visit.objects.select_related(*VISIT_RELATED).filter(created_by=user, status=VisitStatus.DRAFT),
        user,
        pk,
        perm="monitoring.visit",
    )


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


def get_incident_for_user(user, pk: int, *, perm: str = "monitoring.view") -> Incident:
    queryset = Incident.objects.select_related(
        "school",
        "placement__learner",
        "placement__provider",
        "placement__visiting_staff",
        "reported_by",
        "decided_by",
        "decided_with",
    ).prefetch_related(Prefetch("actions", Action.objects.select_related("owner")))
    return get_for_user(queryset, user, pk, perm=perm, view_perm="monitoring.view")
