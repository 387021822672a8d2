"""The Team Teach warning shows as soon as the provider is chosen, read out by screen readers."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, expect

from ..factories import LearnerFactory, approved_provider
from .choosers import choose
from .sessions import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_choosing_a_provider_without_team_teach_warns_at_once(
    browser: Browser, live_server, school, dsl, slt
):
    today = timezone.localdate()
    approved_provider(school, dsl, today, name="Riverside Skills")
    approved_provider(
        school, dsl, today, name="Hilltop Farm", team_teach_trained=False, team_teach_evidence_date=None
    )
    LearnerFactory(
        school=school,
        legal_first_name="Tyler",
        legal_last_name="Brookes",
        behaviour_risk_assessment=True,
        behaviour_risk_assessment_date=today,
    )
    LearnerFactory(school=school, legal_first_name="Amy", legal_last_name="Able")
    context = browser.new_context(base_url=live_server.url)
    sign_in(context, live_server, slt)
    page = context.new_page()
    page.goto(reverse("placements:placement_create"))
    region = page.locator("#team-teach-now")
    expect(region).to_have_attribute("aria-live", "polite")
    choose(page, "#id_learner", "Amy Able")
    choose(page, "#id_provider", "Hilltop Farm")
    expect(region).to_be_empty()
    choose(page, "#id_learner", "Tyler Brookes")
    expect(region).to_contain_text("Hilltop Farm has no Team Teach (or equivalent) trained staff")
    choose(page, "#id_provider", "Riverside Skills")
    expect(region).to_be_empty()
    context.close()
