"""Every lookup of a record goes through here, scoped to the user's schools.

A record of a school where the user holds no role answers 404; one at their
school that their role may not act on answers 403.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404

from altprov.access import get_for_user
from altprov.roles import school_ids

from .models import EvidenceItem, Learner, Placement, PlacementTimetable, Provider, SchoolClosure, Term

# Wording drawn from a learner's needs (looked-after, EHC plan, behaviour risk
# assessment) reaches only the roles that see safeguarding or SEN detail.
NEEDS_PERMS = frozenset({"learner.passport.view", "learner.safeguarding"})


def sees_learner_needs(can: frozenset[str]) -> bool:
    return bool(NEEDS_PERMS & can)


def get_learner_for_user(user, pk: int, *, perm: str = "learner.view") -> Learner:
    queryset = Learner.objects.select_related("school", "key_worker")
    return get_for_user(queryset, user, pk, perm=perm, view_perm="learner.view")


def get_placement_for_user(user, pk: int, *, perm: str = "placement.view") -> Placement:
    queryset = Placement.objects.select_related(
        "school", "learner", "provider", "site", "visiting_staff", "cost_authorised_by"
    ).prefetch_related(Prefetch("timetables", PlacementTimetable.objects.select_related("created_by")))
    return get_for_user(queryset, user, pk, perm=perm, view_perm="placement.view")


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
        raise PermissionDenied
    return provider


def get_evidence_for_user(user, pk: int) -> EvidenceItem:
    if not school_ids(user, "provider.view"):
        raise Http404
    return get_object_or_404(EvidenceItem.objects.select_related("provider", "evidence_type"), pk=pk)


def get_term_for_user(user, pk: int, *, perm: str = "calendar.edit") -> Term:
    return get_for_user(Term.objects.all(), user, pk, perm=perm, view_perm="calendar.view")


def get_closure_for_user(user, pk: int, *, perm: str = "calendar.edit") -> SchoolClosure:
    return get_for_user(SchoolClosure.objects.all(), user, pk, perm=perm, view_perm="calendar.view")


def get_document_for_user(model, user, pk: int, *, perm: str = "placement.view"):
    """An agreement or contract (any version) of a placement the user may see; `perm` to act on it."""
    from django.db.models import F

    queryset = model.objects.annotate(school_id=F("placement__school_id")).select_related(
        "placement__school", "placement__learner", "placement__provider", "placement__site"
    )
    return get_for_user(queryset, user, pk, perm=perm, view_perm="placement.view")
