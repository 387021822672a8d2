"""Scoped lookups of monitoring records: another school's record answers 404,
a role at the school without the right answers 403 (altprov.access)."""

from django.http import Http404

from altprov.access import get_for_user

from .models import Visit, VisitStatus

VISIT_RELATED = (
    "school",
    "placement__learner",
    "placement__provider",
    "placement__site",
    "staff",
    "created_by",
)


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
    visit = get_for_user(
        Visit.objects.select_related(*VISIT_RELATED).filter(created_by=user, status=VisitStatus.DRAFT),
        user,
        pk,
        perm="monitoring.visit",
    )
    return visit
