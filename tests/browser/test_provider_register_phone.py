"""A provider, on a phone, reports the day's register; the admin assistant sees it reported."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from altprov.links import issue_link
from altprov.models import LinkPurpose, Role
from attendance.models import AttendanceMark, MarkAmendment, Source
from placements.models import Status

from ..factories import (
    LearnerFactory,
    PlacementFactory,
    approved_provider,
)
from .school_day import staff, term_around

LONDON = ZoneInfo("Europe/London")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

EVERY_SESSION = {f"{day}_{s}": True for day in ("mon", "tue", "wed", "thu", "fri") for s in ("am", "pm")}


def next_weekday(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() > 4:
        day += timedelta(days=1)
    return day


@pytest.fixture
def setup(school, dsl):
    # time-machine moves the clock of the whole process, the live server's
    # thread included: the run is always on a school day at 10:30, after the
    # morning cut-off and before the afternoon starts. Only forward, so the
    # browser (on the real clock) never sees a cookie dated in its past.
    day = next_weekday(timezone.localdate())
    with time_machine.travel(datetime.combine(day, time(10, 30), tzinfo=LONDON), tick=True):
        cache.clear()
        term_around(school, day)
        staff(school, Role.ADMIN, "alex", "Alex", "Admin")
        provider = approved_provider(school, dsl, day, name="Riverside Skills")
        # Starting today: there is no earlier day left to finish.
        placements = [
            PlacementFactory(
                learner=LearnerFactory(
                    school=school, legal_first_name=first, legal_last_name=last, preferred_name=preferred
                ),
                provider=provider,
                status=Status.ACTIVE,
                start_date=day,
                activated_on=day,
                target_end_date=day + timedelta(weeks=12),
                **EVERY_SESSION,
            )
            for first, last, preferred in [("Tyler", "Brookes", "TJ"), ("Amira", "Khan", "")]
        ]
        _, token = issue_link(purpose=LinkPurpose.PROVIDER_REGISTER, school=school, subject=provider)
        yield {"today": day, "provider": provider, "placements": placements, "token": token}


def test_provider_reports_on_a_phone_and_the_admin_assistant_sees_it(page: Page, live_server, setup):
    base = live_server.url
    tyler, amira = setup["placements"]
    page.set_viewport_size({"width": 375, "height": 812})
    # Screenshots of settled buttons, not of Bootstrap's transitions.
    page.emulate_media(reduced_motion="reduce")
    page.goto(base + reverse("link_page", kwargs={"token": setup["token"]}))

    expect(page.get_by_role("heading", level=1)).to_have_text("Attendance register")
    expect(page.get_by_role("heading", name="TJ B.")).to_be_visible()
    expect(page.get_by_role("heading", name="Amira K.")).to_be_visible()
    expect(page.get_by_text("Tyler")).to_have_count(0)
    page.get_by_role("button", name="All present").click()
    expect(page.get_by_role("status")).to_contain_text("2 present")
    # The afternoon starts at 12:00: only the mornings are marked at 10:30.
    expect(page.get_by_text("2 of 4 sessions marked")).to_be_visible()

    session = page.locator(f"#session-{setup['today']:%Y%m%d}-{tyler.pk}-am")
    session.get_by_text("Change this mark").click()
    session.locator("label.btn", has_text="Absent").click()
    session.get_by_label("Reason for absence").select_option("I")
    session.get_by_label("Note (optional)").fill("Mum phoned at 8:40")
    page.screenshot(path="var/screenshot-provider-register-change.png", full_page=True)
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_contain_text("1 absent")
    expect(page.get_by_role("status")).to_contain_text("The school has been told about the 1 change.")
    expect(session).to_contain_text("Absent – I Illness")
    page.screenshot(path="var/screenshot-provider-register.png", full_page=True)

    marks = {m.placement_id: m for m in AttendanceMark.objects.all()}
    assert (marks[tyler.pk].code, marks[amira.pk].code) == ("I", "B")
    assert {m.source for m in marks.values()} == {Source.PROVIDER_LINK}
    assert MarkAmendment.objects.get().mark == marks[tyler.pk]

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("alex")
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{base}/attendance/")
    row = page.locator(f"#provider-{setup['provider'].pk}")
    expect(row).to_contain_text("Riverside Skills")
    expect(row.locator(".rag")).to_have_text("Reported")
    expect(row).to_contain_text("AM reported")
    page.screenshot(path="var/screenshot-provider-register-today.png", full_page=True)


def test_the_error_summary_links_to_the_field_and_keeps_what_was_typed(page: Page, live_server, setup):
    tyler = setup["placements"][0]
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(live_server.url + reverse("link_page", kwargs={"token": setup["token"]}))
    session = page.locator(f"#session-{setup['today']:%Y%m%d}-{tyler.pk}-am")
    session.get_by_text("Absent, late or a note").click()
    session.locator("label.btn", has_text="Absent").click()
    session.get_by_label("Note (optional)").fill("Mum phoned")
    page.get_by_role("button", name="Save changes").click()

    summary = page.get_by_role("alert").filter(has_text="Nothing has been saved yet")
    message = f"Choose a reason for TJ B.'s absence on {setup['today']:%A} morning"
    summary.get_by_role("link", name=message).click()
    reason = session.get_by_label("Reason for absence")
    expect(reason).to_be_in_viewport()
    expect(reason).to_have_accessible_description(message)
    expect(session.get_by_label("Note (optional)")).to_have_value("Mum phoned")
    assert page.url.endswith(f"#id_marks-{setup['today']:%Y%m%d}-{tyler.pk}-am-code")
    assert not AttendanceMark.objects.exists()

    reason.select_option("I")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status")).to_contain_text("1 absent")
    assert AttendanceMark.objects.get().note == "Mum phoned"


def test_the_reason_shows_for_absent_and_the_minutes_for_late_and_saving_moves_focus_to_the_thanks(
    page: Page, live_server, setup
):
    tyler, _ = setup["placements"]
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(live_server.url + reverse("link_page", kwargs={"token": setup["token"]}))
    session = page.locator(f"#session-{setup['today']:%Y%m%d}-{tyler.pk}-am")
    session.get_by_text("Absent, late or a note").click()
    reason, minutes = session.get_by_label("Reason for absence"), session.get_by_label("Minutes late")
    expect(reason).to_be_hidden()
    expect(minutes).to_be_hidden()
    session.locator("label.btn", has_text="Absent").click()
    expect(reason).to_be_visible()
    expect(minutes).to_be_hidden()
    session.locator("label.btn", has_text="Late").click()
    expect(reason).to_be_hidden()
    expect(minutes).to_be_visible()
    minutes.fill("10")
    page.get_by_role("button", name="Save changes").click()
    thanks = page.get_by_role("status").filter(has_text="Thank you")
    expect(thanks).to_contain_text("1 late")
    expect(thanks).to_be_focused()
