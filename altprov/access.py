"""The one scoped lookup every app's record lookups go through.

A record of a school where the user holds no role answers 404, as if it did
not exist; one at their school that their role may not act on answers 403.
"""

from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from .roles import check_perm, school_ids

BIGINT_MAX = 2**63 - 1


def get_for_user(queryset: QuerySet, user, pk: int, *, perm: str, view_perm: str | None = None) -> Model:
    """The record `pk` of a school of the user's, if they may `view_perm` it (404) and `perm` it (403)."""
    if not 0 < pk <= BIGINT_MAX:
        raise Http404  # no such row: and the database would refuse to compare it
    obj = get_object_or_404(queryset.filter(school_id__in=school_ids(user)), pk=pk)
    if view_perm is not None and view_perm != perm:
        check_perm(user, obj.school_id, view_perm)
    check_perm(user, obj.school_id, perm)
    return obj
