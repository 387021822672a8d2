"""Raising a concern at a large school: the learner is searched, then their placements are offered."""

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, expect

from monitoring.models import SafeguardingConcern

from ..factories import LearnerFactory, PlacementFactory, ProviderFactory
from .choosers import choose
from .sessions import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_chosen_learners_placements_are_offered_without_typing(
    browser: Browser, live_server, school, pastoral
):
    tyler = LearnerFactory(school=school, legal_first_name="Tyler", legal_last_name="Brookes")
    mill = ProviderFactory(name="Old Mill")
    placement = PlacementFactory(learner=tyler, provider=mill, status="active")
    PlacementFactory(
        learner=LearnerFactory(school=school, legal_last_name="Other"), provider=mill, status="active"
    )
    context = browser.new_context(base_url=live_server.url)
    sign_in(context, live_server, pastoral)
    page = context.new_page()
    page.goto(reverse("monitoring:concern_raise"))
    choose(page, "#id_learner", "Tyler", "Tyler Brookes")
    page.locator("#id_placement").focus()
    options = page.locator("#id_placement-listbox").get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first).to_have_text("Tyler Brookes at Old Mill (active)")
    page.locator("#id_placement").press("ArrowDown")
    page.locator("#id_placement").press("Enter")
    expect(page.locator("#id_placement-value")).to_have_value(str(placement.pk))
    page.locator("#id_detail").fill("Said he was scared to go home.")
    page.get_by_role("button", name="Send to the DSL").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("sent")
    concern = SafeguardingConcern.objects.get()
    assert (concern.learner, concern.placement) == (tyler, placement)
    context.close()
