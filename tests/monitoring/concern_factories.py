"""Records for the concern and incident tests: placements to report about, concerns and incidents."""

from django.utils import timezone

from altprov.models import Membership
from monitoring.models import ConcernSource, Incident, SafeguardingConcern
from placements.models import Status

from ..factories import LearnerFactory, PlacementFactory, ProviderFactory, UserFactory


def staff(school, role, **kwargs):
    user = UserFactory(**kwargs)
    Membership.objects.create(user=user, school=school, role=role)
    return user


def placement_at(school, *, provider=None, status=Status.ACTIVE, learner=None, **kwargs):
    """A placement of `school` (active by default) at `provider` (a new one if not given)."""
    return PlacementFactory(
        learner=learner or LearnerFactory(school=school),
        provider=provider or ProviderFactory(),
        status=status,
        **kwargs,
    )


def make_concern(learner, *, raised_by, detail="She said she was scared to go home.", **kwargs):
    kwargs.setdefault("raised_at", timezone.now())
    kwargs.setdefault("source", ConcernSource.STAFF)
    return SafeguardingConcern.objects.create(
        school=learner.school, learner=learner, raised_by=raised_by, detail=detail, **kwargs
    )


def make_incident(placement, *, reported_by=None, **kwargs):
    now = timezone.now()
    fields = {
        "occurred_at": now,
        "what_happened": "Threw a chair in the workshop.",
        "who_involved": "The learner and the workshop tutor.",
        "immediate_action": "Removed to the quiet room; parent phoned.",
        "physical_intervention": False,
        "reported_at": now,
        "reported_by": reported_by,
        "reported_by_name": "" if reported_by else "Jo Tutor",
    } | kwargs
    return Incident.objects.create(school=placement.school, placement=placement, **fields)
