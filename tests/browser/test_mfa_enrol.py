"""A member of staff signs in, sets up an authenticator app from the key on the page, and reaches home.

The pages of the journey that the role matrix does not reach (a wrong code,
the backup codes shown once, the code asked at the next sign-in) are checked
with axe on the way, at 1280 px and 375 px.
"""

import re
from base64 import b32decode
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from altprov.models import Membership, Role

from ..factories import UserFactory
from .axe import Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def check_at_both_widths(page: Page, report: Report, where: str) -> None:
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        report.check(page, f"{where} @{width}px")


def sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("priya")
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()


def test_staff_member_enrols_an_app_and_lands_on_home(page: Page, live_server, settings, school):
    settings.MFA_REQUIRED = True
    base = live_server.url
    report = Report()
    user = UserFactory(username="priya", first_name="Priya", last_name="Pastoral")
    Membership.objects.create(user=user, school=school, role=Role.PASTORAL)

    sign_in(page, base)
    expect(page.get_by_role("heading", name="Set up your second factor")).to_be_visible()
    page.get_by_label("Code from your authenticator app").fill("12")
    page.get_by_role("button", name="Confirm the code").click()
    expect(page.get_by_role("link", name="That code is not right", exact=False)).to_be_visible()
    check_at_both_widths(page, report, "set up (wrong code)")

    page.set_viewport_size({"width": 375, "height": 740})
    secret = page.locator("#mfa-secret").inner_text()
    assert re.fullmatch(r"[A-Z2-7 ]+", secret)
    # The app's code, made from the key as typed from the page.
    key = b32decode(secret.replace(" ", ""))
    assert key == TOTPDevice.objects.get(user=user).bin_key
    # A wrong code holds the device back for a moment (django-otp's throttling).
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        page.get_by_label("Code from your authenticator app").fill(f"{totp(key):06d}")
        page.get_by_role("button", name="Confirm the code").click()
        expect(page.get_by_role("heading", name="Your backup codes")).to_be_visible()
    assert page.locator(".mfa-codes li").count() == 10
    check_at_both_widths(page, report, "backup codes")
    page.set_viewport_size({"width": 375, "height": 740})
    page.get_by_role("button", name="I have saved my backup codes").click()

    expect(page).to_have_url(f"{base}/")
    expect(page.get_by_role("button", name="Menu")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    # The next sign-in asks for the code.
    page.context.clear_cookies()
    sign_in(page, base)
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    check_at_both_widths(page, report, "enter your code")
    report.assert_clean()
