"""Every lookup of a record goes through here, scoped to the user's schools.

A record of a school where the user holds no role answers 404; one at their
school that their role may not act on answers 403.
"""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404

from altprov.roles import check_perm, school_ids

from .models import EvidenceItem, Learner, Placement, PlacementTimetable, Provider, SchoolClosure, Term


def _scoped(queryset, user, pk: int, perm: str, view_perm: str):
    obj = get_object_or_404(queryset.filter(school_id__in=school_ids(user)), pk=pk)
    check_perm(user, obj.school_id, view_perm)
    if perm != view_perm:
        check_perm(user, obj.school_id, perm)
    return obj


def get_learner_for_user(user, pk: int, *, perm: str = "learner.view") -> Learner:
    queryset = Learner.objects.select_related("school", "key_worker")
    return _scoped(queryset, user, pk, perm, "learner.view")


def get_placement_for_user(user, pk: int, *, perm: str = "placement.view") -> Placement:
    queryset = Placement.objects.select_related(
        "school", "learner", "provider", "site", "visiting_staff", "cost_authorised_by"
    ).prefetch_related(Prefetch("timetables", PlacementTimetable.objects.select_related("created_by")))
    return _scoped(queryset, user, pk, perm, "placement.view")


def get_provider_for_user(user, pk: int, *, perm: str = "provider.view") -> Provider:
    """Providers are one shared directory: any school's staff may see one."""
    if not school_ids(user, "provider.view"):
        raise Http404
    provider = get_object_or_404(
        Provider.objects.prefetch_related(
            "sites",
            Prefetch("evidence_items", EvidenceItem.objects.select_related("checked_by", "evidence_type")),
        ),
        pk=pk,
    )
    if perm != "provider.view" and not school_ids(user, perm):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    return provider


def get_evidence_for_user(user, pk: int) -> EvidenceItem:
    if not school_ids(user, "provider.view"):
        raise Http404
    return get_object_or_404(EvidenceItem.objects.select_related("provider", "evidence_type"), pk=pk)


def get_term_for_user(user, pk: int, *, perm: str = "calendar.edit") -> Term:
    return _scoped(Term.objects.all(), user, pk, perm, "calendar.view")


def get_closure_for_user(user, pk: int, *, perm: str = "calendar.edit") -> SchoolClosure:
    return _scoped(SchoolClosure.objects.all(), user, pk, perm, "calendar.view")
