"""A provider reports "closed today" on its phone; Today shows it and lists the families to call."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from altprov.links import issue_link
from altprov.models import LinkPurpose, Notification, Role
from placements.models import ProviderClosure, Status

from ..factories import (
    LearnerFactory,
    PlacementFactory,
    approved_provider,
)
from .school_day import staff, term_around
from .test_provider_register_phone import EVERY_SESSION, next_weekday

LONDON = ZoneInfo("Europe/London")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def setup(school, dsl):
    # The whole process's clock, the live server's included: a school day at
    # 09:12, before the morning cut-off. Only forward, as in the register test.
    day = next_weekday(timezone.localdate())
    with time_machine.travel(datetime.combine(day, time(9, 12), tzinfo=LONDON), tick=True):
        term_around(school, day)
        admin = staff(school, Role.ADMIN, "alex", "Alex", "Admin")
        provider = approved_provider(school, dsl, day, name="Riverside Skills")
        placements = [
            PlacementFactory(
                learner=LearnerFactory(school=school, legal_first_name=first, legal_last_name=last),
                provider=provider,
                status=Status.ACTIVE,
                start_date=day,
                activated_on=day,
                target_end_date=day + timedelta(weeks=12),
                **EVERY_SESSION,
            )
            for first, last in [("Tyler", "Brookes"), ("Amira", "Khan")]
        ]
        _, token = issue_link(purpose=LinkPurpose.PROVIDER_REGISTER, school=school, subject=provider)
        yield {"admin": admin, "provider": provider, "placements": placements, "token": token}


def test_provider_reports_closed_and_the_admin_assistant_calls_the_families(page: Page, live_server, setup):
    base = live_server.url
    page.set_viewport_size({"width": 375, "height": 812})
    page.emulate_media(reduced_motion="reduce")
    page.goto(base + reverse("link_page", kwargs={"token": setup["token"]}))
    page.get_by_label("We are closed today").check()
    page.get_by_role("button", name="Report closed today").click()
    expect(page.get_by_role("status")).to_contain_text("Riverside Skills is recorded as closed today")
    page.screenshot(path="var/screenshot-provider-reports-closed.png", full_page=True)

    closure = ProviderClosure.objects.get()
    assert closure.provider == setup["provider"]
    assert Notification.objects.filter(recipient=setup["admin"]).count() == 1

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("alex")
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{base}/attendance/")
    row = page.locator(f"#provider-{setup['provider'].pk}")
    expect(row.locator(".rag")).to_have_text("Closed")
    expect(row).to_contain_text("Closed, reported by the provider at 09:1")
    parents = page.locator("section[aria-labelledby='parents-heading']")
    for name in ("Tyler Brookes", "Amira Khan"):
        expect(parents.get_by_role("listitem").filter(has_text=name)).to_contain_text(
            "expected at Riverside Skills: closed, reported by the provider"
        )
    page.screenshot(path="var/screenshot-provider-closed-today.png", full_page=True)
