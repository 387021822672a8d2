"""A pastoral user records a visit on a phone at the provider, losing the
connection halfway: every word is kept, sent when back online, and the
safeguarding concern goes to the DSL's log, not the visit."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from altprov.models import Role
from monitoring.models import ActionSide, SafeguardingConcern, Visit, VisitStatus
from placements.models import Status

from ..factories import LearnerFactory, PlacementFactory, approved_provider
from ..monitoring.visit_support import concern_pages  # noqa: F401
from .school_day import staff, term_around

LONDON = ZoneInfo("Europe/London")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
CONCERN = "Said an older boy at the provider takes his lunch money every day"


def next_weekday(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() > 4:
        day += timedelta(days=1)
    return day


@pytest.fixture
def setup(school, dsl, concern_pages):  # noqa: F811
    day = next_weekday(timezone.localdate())
    with time_machine.travel(datetime.combine(day, time(10, 30), tzinfo=LONDON), tick=True):
        cache.clear()
        term_around(school, day)
        priya = staff(school, Role.PASTORAL, "priya", "Priya", "Pastoral")
        provider = approved_provider(school, dsl, day, name="Riverside Skills")
        placement = PlacementFactory(
            learner=LearnerFactory(school=school, legal_first_name="Tyler", legal_last_name="Brookes"),
            provider=provider,
            status=Status.ACTIVE,
            start_date=day - timedelta(days=20),
            activated_on=day - timedelta(days=20),
            target_end_date=day + timedelta(weeks=12),
            visiting_staff=priya,
            **{f"{d}_am": True for d in ("mon", "tue", "wed", "thu", "fri")},
        )
        staff(school, Role.DSL, "dee", "Dee", "Safeguarding")
        yield {"today": day, "placement": placement, "priya": priya}


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()


def test_a_visit_typed_through_a_lost_connection_is_kept_and_submitted(page: Page, live_server, setup):
    base = live_server.url
    page.set_viewport_size({"width": 375, "height": 812})
    page.emulate_media(reduced_motion="reduce")
    log_in(page, base, "priya")
    page.goto(base + reverse("monitoring:visit_list"))
    expect(page.get_by_role("region", name="Visits due by placement")).to_contain_text("Tyler Brookes")
    page.screenshot(path="var/screenshot-visit-planner-375.png", full_page=True)
    page.get_by_role("button", name="Record a visit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alternative provision visit")

    page.get_by_label("Class").fill("10B")
    page.get_by_label("Date of visit").fill(setup["today"].isoformat())
    page.get_by_label("Time of visit").fill("10:15")
    page.get_by_label("Behaviour and welfare notes (optional)").fill("Calm and engaged in the workshop.")
    status = page.locator("#draft-status")
    expect(status).to_contain_text("Draft saved at", timeout=10000)
    visit = Visit.objects.get()
    assert visit.draft["behaviour_notes"] == "Calm and engaged in the workshop."

    page.context.set_offline(True)
    page.get_by_label("Progress (optional)").fill("Finished the first unit; needs help with fractions.")
    expect(status).to_contain_text("No connection: your notes are kept on this device", timeout=10000)
    page.locator("input[name=safeguarding_concerns][value=yes]").check()
    concern_box = page.get_by_label("What did you see or hear?")
    expect(concern_box).to_be_visible()
    concern_box.fill(CONCERN)
    page.get_by_label("Action", exact=True).first.fill("Ring home about transport")
    page.get_by_label("Owner (member of staff)").first.select_option(label="Priya Pastoral")
    page.get_by_label("Due by").first.fill((setup["today"] + timedelta(days=3)).isoformat())
    provider_set = page.locator("[data-formset=provider]")
    provider_set.get_by_label("Action", exact=True).fill("Send the weekly work log")
    provider_set.get_by_label("Owner (name at the provision)").fill("Jo Mentor")
    provider_set.get_by_label("Due by").fill((setup["today"] + timedelta(days=7)).isoformat())
    page.locator("input[name=parent_contact][value=yes]").check()
    page.get_by_label("The learner's views on the placement (optional)").fill("Likes the practical work.")
    page.wait_for_timeout(2500)
    visit.refresh_from_db()
    assert visit.draft.get("progress_notes") == ""  # nothing reached the server while offline
    stored = page.evaluate("Object.keys(localStorage).map(k => localStorage.getItem(k)).join(' ')")
    assert "fractions" in stored and "Jo Mentor" in stored
    assert CONCERN not in stored  # the concern is never kept on the device
    page.screenshot(path="var/screenshot-visit-form-offline-375.png", full_page=True)

    page.context.set_offline(False)
    expect(status).to_contain_text("Draft saved at", timeout=10000)
    visit.refresh_from_db()
    assert visit.draft["progress_notes"] == "Finished the first unit; needs help with fractions."
    assert visit.draft["provider-0-owner_name"] == "Jo Mentor"
    assert CONCERN not in str(visit.draft)

    page.get_by_role("button", name="Submit the visit").click()
    expect(page.get_by_role("status").filter(has_text="Visit submitted")).to_be_visible()
    page.screenshot(path="var/screenshot-visit-detail-375.png", full_page=True)
    expect(page.locator("main")).not_to_contain_text(CONCERN)

    visit.refresh_from_db()
    assert visit.status == VisitStatus.SUBMITTED
    assert visit.safeguarding_concerns is True and visit.concern is not None
    assert visit.concern.detail == CONCERN
    assert SafeguardingConcern.objects.get().raised_by == setup["priya"]
    assert sorted((a.side, a.description) for a in visit.actions.all()) == [
        (ActionSide.PROVIDER, "Send the weekly work log"),
        (ActionSide.SCHOOL, "Ring home about transport"),
    ]
    assert visit.progress_notes == "Finished the first unit; needs help with fractions."
    assert page.evaluate("Object.keys(localStorage).length") == 0

    # The pastoral user sees that they raised a concern, and nothing of it; the DSL reads it.
    concern_url = base + reverse("monitoring:concern_detail", args=[visit.concern.pk])
    page.goto(base + reverse("monitoring:concern_mine"))
    expect(page.locator("main")).to_contain_text("Tyler Brookes")
    expect(page.locator("main")).not_to_contain_text(CONCERN)
    refused = page.goto(concern_url)
    assert refused.status == 403
    expect(page.locator("main")).not_to_contain_text(CONCERN)
    page.context.clear_cookies()  # signed out
    log_in(page, base, "dee")
    expect(page.locator("main")).to_contain_text("safeguarding concern")  # on the DSL's "Needs doing"
    page.goto(concern_url)
    expect(page.locator("main")).to_contain_text(CONCERN)
    expect(page.locator("main")).to_contain_text("Raised during a visit")
    page.screenshot(path="var/screenshot-concern-dsl-375.png", full_page=True)


def test_the_planner_and_form_at_desktop_width(page: Page, live_server, setup):
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    page.emulate_media(reduced_motion="reduce")
    log_in(page, base, "priya")
    page.goto(base + reverse("monitoring:visit_list"))
    page.screenshot(path="var/screenshot-visit-planner-1280.png", full_page=True)
    page.get_by_role("button", name="Record a visit").click()
    page.get_by_role("button", name="Submit the visit").click()
    expect(page.locator("#error-summary")).to_contain_text("Enter the date of the visit")
    page.screenshot(path="var/screenshot-visit-form-errors-1280.png", full_page=True)
    page.set_viewport_size({"width": 375, "height": 812})
    page.screenshot(path="var/screenshot-visit-form-errors-375.png", full_page=True)
