"""The head signs the agreement in the app, the provider and a parent by link; the placement starts."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from altprov.models import Membership, Role
from placements.models import Agreement, Placement, Status

from ..factories import (
    ContactFactory,
    LearnerFactory,
    PlacementFactory,
    PlacementTargetFactory,
    UserFactory,
    approved_provider,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def link_to(address: str) -> str:
    # The outbox sends after commit and then blanks a link's message; the email itself has it.
    body = [m for m in mail.outbox if address in m.to][-1].body
    return re.search(r"https?://\S+/l/[^/\s]+/", body)[0]


def test_head_provider_and_parent_sign_then_the_placement_starts(
    page: Page, live_server, settings, school, dsl
):
    settings.SITE_URL = live_server.url
    base = live_server.url
    head = UserFactory(username="helen", first_name="Helen", last_name="Head")
    Membership.objects.create(user=head, school=school, role=Role.HEAD)
    today = timezone.localdate()
    provider = approved_provider(
        school, dsl, today, name="Riverside Skills", lead_contact_email="dana@river.test"
    )
    learner = LearnerFactory(school=school, legal_first_name="Zara", legal_last_name="Okafor")
    ContactFactory(
        learner=learner, name="Grace Okafor", email="grace@home.test", parental_responsibility=True
    )
    placement = PlacementFactory(
        learner=learner, provider=provider, status=Status.AGREED, start_date=today + timedelta(days=3)
    )
    PlacementTargetFactory(placement=placement)

    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("helen")
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()

    page.goto(f"{base}/placements/{placement.pk}/documents/")
    page.get_by_role("button", name="Prepare the alternative provision agreement").click()
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Send for signature").first.click()
    expect(page.get_by_text("Sent for signature")).to_be_visible()
    page.get_by_role("button", name="Prepare the parent/carer contract").click()
    page.get_by_role("button", name="Save").click()
    page.locator("#contract").get_by_role("button", name="Send for signature").click()

    page.get_by_role("link", name="Sign as head teacher").click()
    page.get_by_label("Your full name").fill("Helen Head")
    page.get_by_label("I agree with the declaration above").check()
    page.get_by_role("button", name="Sign the agreement").click()
    expect(page.get_by_text("You have signed the agreement.")).to_be_visible()

    for address, name in (("dana@river.test", "Dana Reeve"), ("grace@home.test", "Grace Okafor")):
        other = page.context.browser.new_context(viewport={"width": 375, "height": 740})
        phone = other.new_page()
        phone.goto(link_to(address))
        expect(phone.get_by_role("heading", name="What you are agreeing to")).to_be_visible()
        phone.get_by_label("Your full name").fill(name)
        phone.get_by_label("I agree with the declaration above").check()
        phone.get_by_role("button", name="Sign", exact=True).click()
        expect(phone.get_by_text("Thank you, you signed")).to_be_visible()
        other.close()

    page.goto(f"{base}/placements/{placement.pk}/")
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_text("The placement is active.").first).to_be_visible()
    assert Placement.objects.get(pk=placement.pk).status == Status.ACTIVE

    agreement = Agreement.objects.get(placement=placement)
    response = page.request.get(f"{base}/agreements/{agreement.pk}/pdf/")
    assert response.headers["content-type"] == "application/pdf"
    assert response.body() == agreement.pdf.open("rb").read()
