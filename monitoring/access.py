"""Scoped lookups of monitoring records: another school's record answers 404, a role without the right 403."""

from django.db.models import Prefetch

from altprov.access import get_for_user

from .models import Action, Incident


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
