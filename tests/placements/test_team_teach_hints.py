"""The referral form carries what static/js/team-teach.js needs to warn as soon as the provider is chosen."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from ..factories import LearnerFactory, approved_provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(school, dsl):
    today = timezone.localdate()
    trained = approved_provider(school, dsl, today, name="Riverside Skills")
    untrained = approved_provider(
        school, dsl, today, name="Hilltop Farm", team_teach_trained=False, team_teach_evidence_date=None
    )
    risky = LearnerFactory(
        school=school, behaviour_risk_assessment=True, behaviour_risk_assessment_date=today
    )
    LearnerFactory(school=school)
    return trained, untrained, risky


def hints(body: str) -> dict[str, str] | None:
    found = re.search(r'<div id="team-teach-now" aria-live="polite"([^>]*)>', body)
    return dict(re.findall(r'data-(\w+)="([^"]*)"', found[1])) if found else None


def test_the_form_names_untrained_providers_and_learners_with_a_risk_assessment(client, setup, slt):
    trained, untrained, risky = setup
    client.force_login(slt)
    body = client.get(reverse("placements:placement_create")).content.decode()
    found = hints(body)
    assert found["untrained"].split() == [str(untrained.pk)]
    assert found["risk"].split() == [str(risky.pk)]
    assert 'src="/static/js/team-teach.js"' in body
