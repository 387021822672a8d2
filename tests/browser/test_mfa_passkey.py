"""A member of staff with the app adds a passkey on their laptop, then signs in with it instead of a code.

Chromium's virtual authenticator (DevTools protocol) plays the laptop's
Windows Hello: it makes and uses the credential with the user verified.
"""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import Page, expect

from altprov import mfa
from altprov.models import Membership, Role

from ..factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


# The virtual authenticator, the server's check and the redirect: slow on a busy CI machine.
PASSKEY_SECONDS = 20


def use_passkey(page: Page) -> None:
    """Press "Use a passkey" once the page's scripts have run (the button does nothing before)."""
    page.wait_for_load_state("load")
    page.get_by_role("button", name="Use a passkey").click()


def sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("dana")
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()


def test_passkey_added_then_used_at_sign_in(page: Page, live_server, settings, school):
    base = live_server.url.replace("127.0.0.1", "localhost")
    settings.MFA_REQUIRED = True
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [base]
    user = UserFactory(username="dana", first_name="Dana", last_name="Lead")
    Membership.objects.create(user=user, school=school, role=Role.DSL)
    device = TOTPDevice.objects.create(user=user, name=mfa.APP_NAME, confirmed=True)
    mfa.new_backup_codes(user)
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )

    sign_in(page, base)
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    page.get_by_label("Code from your authenticator app, or a backup code").fill(
        f"{totp(device.bin_key):06d}"
    )
    page.get_by_role("button", name="Continue").click()
    page.goto(f"{base}/accounts/second-factor/")
    page.get_by_role("button", name="Add a passkey on this computer").click()
    expect(page.locator("#passkeys-heading + p + ul li")).to_have_count(1, timeout=10_000)
    assert WebAuthnCredential.objects.filter(user=user, confirmed=True).count() == 1

    page.context.clear_cookies()
    sign_in(page, base)
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    use_passkey(page)
    expect(page).to_have_url(f"{base}/", timeout=PASSKEY_SECONDS * 1000)

    # The passkey counts as a fresh code for the safeguarding log's step-up too.
    with time_machine.travel(timezone.now() + timedelta(minutes=20)):
        page.goto(f"{base}/monitoring/concerns/")
        expect(page.get_by_role("heading", name="Confirm it's you")).to_be_visible()
        use_passkey(page)
        expect(page).to_have_url(f"{base}/monitoring/concerns/", timeout=PASSKEY_SECONDS * 1000)
