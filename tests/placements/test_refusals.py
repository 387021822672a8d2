"""Refusals say what to do next, and a button that cannot succeed is not offered:
an agreed placement that cannot start shows why instead of an Activate button; a
Team Teach mismatch is raised at referral; ceasing asks for confirmation."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from altprov.models import Role
from placements.models import EvidenceItem, Placement, Status

from ..factories import LearnerFactory, PlacementFactory, approved_provider, signed_documents
from .test_placement_views import placement_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


ACTIVATE_BUTTON = '<button class="btn btn-primary" type="submit">Activate</button>'


def detail(client, placement) -> str:
    return client.get(reverse("placements:placement_detail", args=[placement.pk])).content.decode()


@pytest.fixture
def refused(school, dsl, today):
    """An agreed placement whose provider's insurance has expired and has no Team Teach staff,
    for a learner with a behaviour risk assessment."""
    provider = approved_provider(
        school, dsl, today, name="Old Mill Workshop", team_teach_trained=False, team_teach_evidence_date=None
    )
    EvidenceItem.objects.filter(provider=provider, evidence_type__code="insurance").update(
        date_received=today - timedelta(days=400), expires_on=today - timedelta(days=2)
    )
    learner = LearnerFactory(
        school=school, behaviour_risk_assessment=True, behaviour_risk_assessment_date=today
    )
    return PlacementFactory(learner=learner, provider=provider, status=Status.AGREED)


def test_a_placement_that_cannot_start_shows_what_to_do_instead_of_activate(client, slt, refused):
    client.force_login(slt)
    body = detail(client, refused)
    assert ACTIVATE_BUTTON not in body
    assert "Activate becomes available here once these are done." in body
    assert (
        "Employer&#x27;s and public liability insurance: expired. Record the current one on the provider "
        "page, then activate."
    ) in body
    assert (
        "Choose a provider with Team Teach trained staff, or record their training on the provider page."
        in body
    )


def test_a_placement_ready_to_start_offers_activate(client, school, slt, dsl, today):
    provider = approved_provider(school, dsl, today)
    placement = PlacementFactory(
        learner=LearnerFactory(school=school), provider=provider, status=Status.AGREED
    )
    signed_documents(placement)
    client.force_login(slt)
    body = detail(client, placement)
    assert ACTIVATE_BUTTON in body
    assert "Activate becomes available" not in body


def test_refusal_wording_keeps_the_learners_needs_from_roles_without_the_right(client, role_user, refused):
    """The finance officer may see the placement but not the learner's needs."""
    client.force_login(role_user(Role.FINANCE))
    body = detail(client, refused)
    assert "behaviour risk assessment" not in body
    assert "This placement needs a check by the head teacher." in body
    assert ACTIVATE_BUTTON not in body


def test_team_teach_mismatch_is_warned_at_referral(client, school, pastoral, dsl, today):
    provider = approved_provider(
        school, dsl, today, name="Old Mill Workshop", team_teach_trained=False, team_teach_evidence_date=None
    )
    learner = LearnerFactory(
        school=school,
        legal_first_name="Tyler",
        legal_last_name="Brookes",
        behaviour_risk_assessment=True,
        behaviour_risk_assessment_date=today,
    )
    client.force_login(pastoral)
    url = reverse("placements:placement_create")
    body = client.post(url, placement_post(learner, provider, today)).content.decode()
    assert not Placement.objects.exists()
    assert "<title>Error: " in body
    assert (
        '<a class="alert-link" href="#id_team_teach_understood">Tyler Brookes has a behaviour risk '
        "assessment and Old Mill Workshop has no Team Teach (or equivalent) trained staff. Choose a "
        "provider with Team Teach trained staff"
    ) in body
    assert 'id="id_team_teach_understood"' in body

    response = client.post(url, placement_post(learner, provider, today, team_teach_understood="on"))
    assert response.status_code == 302
    assert Placement.objects.get().provider == provider


def test_no_team_teach_warning_when_the_provider_is_trained(client, school, pastoral, dsl, today):
    provider = approved_provider(school, dsl, today)
    learner = LearnerFactory(
        school=school, behaviour_risk_assessment=True, behaviour_risk_assessment_date=today
    )
    client.force_login(pastoral)
    response = client.post(reverse("placements:placement_create"), placement_post(learner, provider, today))
    assert response.status_code == 302


def test_cease_asks_for_confirmation(client, school, slt, dsl, today):
    provider = approved_provider(school, dsl, today)
    placement = PlacementFactory(
        learner=LearnerFactory(school=school), provider=provider, status=Status.ACTIVE
    )
    client.force_login(slt)
    url = reverse("placements:placement_cease", args=[placement.pk])
    page = client.get(url).content.decode()
    assert "cannot be restarted" in page
    assert 'name="confirm"' in page
    body = client.post(url, {"on": today.isoformat(), "reason": "Serious incident"}).content.decode()
    assert (
        '<a class="alert-link" href="#id_confirm">Tick the box to confirm that the placement is to cease</a>'
        in body
    )
    placement.refresh_from_db()
    assert placement.status == Status.ACTIVE
