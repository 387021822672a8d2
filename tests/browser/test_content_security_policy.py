"""The main pages run their scripts and styles under the Content-Security-Policy without a violation."""

import pytest
from django.urls import reverse
from playwright.sync_api import Browser

from ..factories import LearnerFactory, TermFactory
from .axe import Report
from .sessions import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PAGES = [
    "home",
    "attendance:today",
    "attendance:register_grid",
    "placements:learner_list",
    "placements:placement_create",
    "school_settings",
    "notifications",
]


def _violations(page) -> list[str]:
    found: list[str] = []
    page.on(
        "console",
        lambda message: found.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.on("pageerror", lambda error: found.append(f"script error: {error}"))
    return found


def test_main_pages_have_no_policy_violations(browser: Browser, live_server, school, head):
    TermFactory(school=school)
    LearnerFactory(school=school, legal_first_name="Amy", legal_last_name="Able")
    context = browser.new_context(base_url=live_server.url)
    sign_in(context, live_server, head)
    page = context.new_page()
    violations = _violations(page)
    for name in PAGES:
        response = page.goto(reverse(name))
        assert response.status == 200, name
        assert "script-src 'self'" in response.headers["content-security-policy"]
        # The scripts ran: has-js.js marks the page.
        assert page.evaluate("document.documentElement.classList.contains('js')"), name
        assert page.evaluate("document.querySelectorAll('style').length") == 0, name
    page.goto(reverse("attendance:today"))
    assert page.evaluate("window.htmx.config.includeIndicatorStyles") is False
    # The Today table refreshes by itself (static/js/today.js); trigger it now.
    with page.expect_response(lambda r: "/attendance/" in r.url and r.request.headers.get("hx-request")):
        page.evaluate("htmx.trigger(document.getElementById('today-live'), 'today-refresh')")
    page.wait_for_load_state("networkidle")
    context.close()
    assert violations == []


def _try_login(page, username: str) -> None:
    page.goto(reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", "wrong")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_login_and_lockout_pages_have_no_violations_and_pass_axe(browser: Browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    violations = _violations(page)
    for _ in range(5):
        _try_login(page, "nobody")
    assert page.locator("h1").inner_text() == "Too many tries to log in"
    context.close()
    assert violations == []
    # axe goes in as an inline script, so its context bypasses the policy.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    _try_login(page, "nobody")
    assert "Wait 15 minutes" in page.content()
    report = Report()
    report.check(page, "lockout page")
    context.close()
    report.assert_clean()
