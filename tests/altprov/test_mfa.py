"""The second factor: enrolment, codes, backup codes, enforcement, the head's reset and the step-up."""

import re
import runpy
from base64 import b32decode
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from altprov import mfa
from altprov import settings as settings_module
from altprov.models import Role, SecondFactorReset
from monitoring.concerns import raise_concern
from monitoring.models import ConcernSource

from ..factories import LearnerFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

START = timezone.make_aware(timezone.datetime(2026, 12, 1, 10, 0))


def code_for(device: TOTPDevice) -> str:
    # The code the authenticator app shows now, computed from the device's key as the app does.
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def enrolled(user) -> TOTPDevice:
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    mfa.new_backup_codes(user)
    return device


def sign_in(client, user) -> None:
    response = client.post(reverse("login"), {"username": user.username, "password": "pw"})
    assert response.status_code == 302


def give_code(client, code: str, next_url: str = "/"):
    return client.post(reverse("mfa_verify"), {"code": code, "next": next_url})


@pytest.fixture
def required(settings):
    settings.MFA_REQUIRED = True


def read_settings(monkeypatch, **environ) -> dict:
    for name in ("DEBUG", "MFA_REQUIRED", "MFA_STEP_UP_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(Path(settings_module.__file__)))


def test_mfa_is_required_with_debug_off_and_not_in_the_demo(monkeypatch, settings):
    # The tests run like `make run`: DEBUG on, so the demo logins need no app.
    assert settings.MFA_REQUIRED is False
    assert read_settings(monkeypatch)["MFA_REQUIRED"] is False
    production = read_settings(monkeypatch, DEBUG="0", SECRET_KEY="x" * 50)
    assert production["MFA_REQUIRED"] is True
    assert production["MFA_STEP_UP_SECONDS"] == 900
    assert read_settings(monkeypatch, MFA_REQUIRED="1")["MFA_REQUIRED"] is True


def test_user_without_device_is_sent_to_set_up_before_any_page(client, head, required):
    sign_in(client, head)
    response = client.get(reverse("placements:learner_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_setup"))
    assert "next=%2Flearners%2F" in response["Location"]


def test_unverified_user_reaches_only_set_up_logout_and_public_pages(client, head, required):
    sign_in(client, head)
    assert client.get(reverse("mfa_setup")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("home")).status_code == 302
    assert client.post(reverse("notifications_read")).status_code == 302
    assert client.post(reverse("logout")).status_code == 302


def test_admin_needs_the_second_factor(client, required):
    boss = UserFactory(is_staff=True, is_superuser=True)
    sign_in(client, boss)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_setup"))
    device = enrolled(boss)
    client.logout()
    sign_in(client, boss)
    assert client.get(reverse("admin:index"))["Location"].startswith(reverse("mfa_verify"))
    give_code(client, code_for(device))
    assert client.get(reverse("admin:index")).status_code == 200


def test_admin_site_refuses_an_unverified_session_itself(rf, required):
    from django.contrib import admin
    from django.contrib.sessions.backends.db import SessionStore

    boss = UserFactory(is_staff=True, is_superuser=True)
    request = rf.get("/admin/")
    request.session = SessionStore()
    boss.is_verified = lambda: False
    request.user = boss
    assert admin.site.has_permission(request) is False
    boss.is_verified = lambda: True
    assert admin.site.has_permission(request) is True


def test_enrolment_with_the_code_from_the_secret_on_the_page(client, dsl, required):
    sign_in(client, dsl)
    page = client.get(reverse("mfa_setup") + "?next=/learners/").content.decode()
    assert "<svg" in page
    assert 'autocomplete="one-time-code"' in page
    assert 'inputmode="numeric"' in page
    secret = re.search(r'id="mfa-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    device = TOTPDevice.objects.get(user=dsl, confirmed=False)
    assert b32decode(secret) == device.bin_key

    response = client.post(reverse("mfa_setup"), {"code": code_for(device), "next": "/learners/"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_backup_codes"))
    device.refresh_from_db()
    assert device.confirmed
    codes_page = client.get(response["Location"]).content.decode()
    codes = StaticToken.objects.filter(device__user=dsl).values_list("token", flat=True)
    assert len(codes) == 10
    assert all(mfa.show_code(code) in codes_page for code in codes)
    download = client.get(reverse("mfa_backup_codes_download"))
    assert download["Content-Disposition"].startswith("attachment")
    assert all(mfa.show_code(code) in download.content.decode() for code in codes)
    done = client.post(reverse("mfa_backup_codes"), {"next": "/learners/"})
    assert done["Location"] == "/learners/"
    # Shown once: the codes are gone from the session and the page.
    assert client.get(reverse("mfa_backup_codes_download")).status_code == 404
    assert client.get("/learners/").status_code == 200


def test_wrong_code_is_refused_at_enrolment_with_a_linked_error(client, dsl, required):
    sign_in(client, dsl)
    client.get(reverse("mfa_setup"))
    device = TOTPDevice.objects.get(user=dsl)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("mfa_setup"), {"code": wrong})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_code"' in page
    assert "That code is not right" in page
    device.refresh_from_db()
    assert not device.confirmed


def test_user_with_a_device_is_asked_for_the_code_after_the_password(client, pastoral):
    # Even in demo mode (MFA_REQUIRED off): whoever has an app uses it.
    device = enrolled(pastoral)
    sign_in(client, pastoral)
    response = client.get(reverse("placements:learner_list"))
    assert response["Location"].startswith(reverse("mfa_verify"))
    wrong = give_code(client, "000000" if code_for(device) != "000000" else "111111")
    assert wrong.status_code == 200
    assert "That code is not right" in wrong.content.decode()
    # A wrong code holds the device back for a moment (django-otp's throttling), then it answers again.
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        right = give_code(client, code_for(device), "/learners/")
    assert right["Location"] == "/learners/"
    assert client.get("/learners/").status_code == 200


def test_backup_code_works_once(client, head):
    enrolled(head)
    codes = mfa.new_backup_codes(head)
    sign_in(client, head)
    assert give_code(client, mfa.show_code(codes[0]))["Location"] == "/"
    assert StaticToken.objects.filter(device__user=head).count() == 9
    client.logout()
    sign_in(client, head)
    again = give_code(client, codes[0])
    assert again.status_code == 200
    assert "That code is not right" in again.content.decode()


def test_app_code_cannot_be_used_twice(client, head):
    device = enrolled(head)
    code = code_for(device)
    sign_in(client, head)
    assert give_code(client, code).status_code == 302
    client.logout()
    sign_in(client, head)
    assert give_code(client, code).status_code == 200


def test_new_backup_codes_need_a_code_and_replace_the_old(client, head):
    device = enrolled(head)
    old = set(StaticToken.objects.filter(device__user=head).values_list("token", flat=True))
    sign_in(client, head)
    give_code(client, code_for(device))
    refused = client.post(reverse("mfa_regenerate"), {"regenerate-code": "123"})
    assert refused.status_code == 200
    assert 'href="#id_regenerate-code"' in refused.content.decode()
    with time_machine.travel(timezone.now() + timedelta(seconds=60)):
        response = client.post(reverse("mfa_regenerate"), {"regenerate-code": code_for(device)})
    assert response["Location"].startswith(reverse("mfa_backup_codes"))
    new = set(StaticToken.objects.filter(device__user=head).values_list("token", flat=True))
    assert len(new) == 10
    assert not new & old


def test_removing_the_app_needs_a_code_then_sends_to_set_up_when_required(client, head, required):
    device = enrolled(head)
    sign_in(client, head)
    give_code(client, code_for(device))
    refused = client.post(reverse("mfa_remove"), {"remove-code": ""})
    assert refused.status_code == 200
    assert TOTPDevice.objects.filter(user=head).exists()
    codes = mfa.new_backup_codes(head)
    response = client.post(reverse("mfa_remove"), {"remove-code": codes[0]})
    assert response["Location"] == reverse("mfa_setup")
    assert not TOTPDevice.objects.filter(user=head).exists()
    assert not StaticDevice.objects.filter(user=head).exists()
    assert client.get(reverse("home"))["Location"].startswith(reverse("mfa_setup"))


def test_head_lists_staff_with_their_second_factor(client, head, dsl, pastoral, other_head):
    enrolled(dsl)
    client.force_login(head)
    page = client.get(reverse("mfa_staff")).content.decode()
    assert str(dsl) in page and str(pastoral) in page
    assert str(other_head) not in page
    assert "Authenticator app" in page and "Not set up" in page


def test_head_resets_a_device_at_their_school_with_a_reason(client, head, dsl):
    enrolled(dsl)
    client.force_login(head)
    url = reverse("mfa_reset", args=[dsl.pk])
    blank = client.post(url, {"reason": "  "})
    assert blank.status_code == 200
    assert "Enter the reason for resetting the second factor" in blank.content.decode()
    assert TOTPDevice.objects.filter(user=dsl).exists()

    response = client.post(url, {"reason": "Lost phone on the school trip"})

    assert response["Location"] == reverse("mfa_staff")
    assert not TOTPDevice.objects.filter(user=dsl).exists()
    assert not StaticDevice.objects.filter(user=dsl).exists()
    reset = SecondFactorReset.objects.get()
    assert (reset.user, reset.reset_by, reset.reason) == (dsl, head, "Lost phone on the school trip")


def test_head_cannot_reset_another_schools_user(client, head, other_head, other_school):
    colleague = UserFactory()
    MembershipFactory(user=colleague, school=other_school, role=Role.DSL)
    enrolled(colleague)
    client.force_login(head)
    response = client.post(reverse("mfa_reset", args=[colleague.pk]), {"reason": "Lost phone"})
    assert response.status_code == 404
    assert TOTPDevice.objects.filter(user=colleague).exists()


def test_only_the_head_may_reset(client, slt, dsl):
    enrolled(dsl)
    client.force_login(slt)
    assert client.get(reverse("mfa_staff")).status_code == 403
    assert client.post(reverse("mfa_reset", args=[dsl.pk]), {"reason": "x"}).status_code == 403
    assert TOTPDevice.objects.filter(user=dsl).exists()


def test_reset_sends_the_user_to_set_up_again_in_their_open_session(client, head, dsl, required):
    device = enrolled(dsl)
    sign_in(client, dsl)
    give_code(client, code_for(device))
    assert client.get(reverse("home")).status_code == 200
    mfa.reset_second_factor(user=dsl, school=head.memberships.get().school, by=head, reason="Lost phone")
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert client.get(response["Location"])["Location"].startswith(reverse("mfa_setup"))


@pytest.fixture
def concern(school, pastoral):
    learner = LearnerFactory(school=school)
    return raise_concern(
        learner=learner, detail="Bruise on arm.", source=ConcernSource.STAFF, raised_by=pastoral
    )


def test_reading_the_log_asks_for_a_code_again_after_15_minutes(client, dsl, concern):
    device = enrolled(dsl)
    log = reverse("monitoring:concern_list")
    detail = reverse("monitoring:concern_detail", args=[concern.pk])
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, dsl)
        give_code(client, code_for(device))
        assert client.get(log).status_code == 200
        clock.shift(timedelta(minutes=14))
        assert client.get(detail).status_code == 200
        clock.shift(timedelta(minutes=2))
        response = client.get(detail)
        assert response.status_code == 302
        assert (
            response["Location"]
            == f"{reverse('mfa_confirm')}?next=%2Fmonitoring%2Fconcerns%2F{concern.pk}%2F"
        )
        page = client.get(response["Location"])
        assert "Confirm it" in page.content.decode()
        back = client.post(reverse("mfa_confirm"), {"code": code_for(device), "next": detail})
        assert back["Location"] == detail
        assert client.get(detail).status_code == 200


def test_step_up_counts_from_the_last_code(client, dsl, concern):
    device = enrolled(dsl)
    log = reverse("monitoring:concern_list")
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, dsl)
        give_code(client, code_for(device))
        clock.shift(timedelta(minutes=16))
        assert client.get(log).status_code == 302
        client.post(reverse("mfa_confirm"), {"code": code_for(device), "next": log})
        clock.shift(timedelta(minutes=10))
        assert client.get(log).status_code == 200


def test_demo_user_without_device_reads_the_log_without_step_up(client, dsl, concern):
    # MFA_REQUIRED off and no app: nothing to ask for, long after any code
    # would have gone stale (within the 30 minutes a session stays idle).
    client.force_login(dsl)
    with time_machine.travel(timezone.now() + timedelta(minutes=25)):
        assert client.get(reverse("monitoring:concern_detail", args=[concern.pk])).status_code == 200


def test_wrong_role_is_refused_the_log_before_any_step_up(client, pastoral, concern):
    device = enrolled(pastoral)
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, pastoral)
        give_code(client, code_for(device))
        # Past the step-up limit, within the 30 minutes a session stays idle.
        clock.shift(timedelta(minutes=20))
        assert client.get(reverse("monitoring:concern_detail", args=[concern.pk])).status_code == 403
        assert client.get(reverse("monitoring:concern_list")).status_code == 403


def test_step_up_after_a_post_returns_to_the_page_it_came_from(client, dsl, concern):
    device = enrolled(dsl)
    detail = reverse("monitoring:concern_detail", args=[concern.pk])
    with time_machine.travel(START, tick=False) as clock:
        sign_in(client, dsl)
        give_code(client, code_for(device))
        clock.shift(timedelta(minutes=20))
        response = client.post(
            reverse("monitoring:concern_close", args=[concern.pk]),
            {"close-outcome": "Resolved"},
            HTTP_REFERER=f"http://testserver{detail}",
        )
        assert (
            response["Location"]
            == f"{reverse('mfa_confirm')}?next=%2Fmonitoring%2Fconcerns%2F{concern.pk}%2F"
        )
    concern.refresh_from_db()
    assert concern.closed_on is None


def passkey_for(user) -> WebAuthnCredential:
    return WebAuthnCredential.objects.create(
        user=user, name="Laptop", credential_id=b"credential-" + str(user.pk).encode(), public_key=b"key"
    )


def test_passkey_sign_in_counts_as_a_fresh_code(rf, dsl):
    from django.contrib.sessions.backends.db import SessionStore

    from altprov.passkeys import CompletePasskey

    credential = passkey_for(dsl)
    request = rf.post("/")
    request.session = SessionStore()
    request.user = dsl
    view = CompletePasskey()
    view.request = request
    with time_machine.travel(START, tick=False):
        view.complete_auth(credential)
    assert request.session[mfa.VERIFIED_AT] == START.timestamp()
    assert request.session[mfa.HAS_DEVICE] is True


def test_the_code_page_offers_passkeys_only_to_those_who_have_one(client, dsl):
    enrolled(dsl)
    sign_in(client, dsl)
    page = client.get(reverse("mfa_verify")).content.decode()
    assert "passkey-verification-button" not in page
    passkey_for(dsl)
    page = client.get(reverse("mfa_verify")).content.decode()
    assert "passkey-verification-button" in page
    assert "otp_webauthn_auth.js" in page
    # No inline script: the configuration travels as JSON, the code in static files.
    assert not re.search(r"<script(?![^>]*(src=|application/json))[^>]*>", page)


def test_unverified_user_may_start_a_passkey_check_but_not_add_one(client, dsl):
    enrolled(dsl)
    sign_in(client, dsl)
    begin = client.post(reverse("otp_webauthn:credential-authentication-begin"))
    assert begin.status_code != 302
    add = client.post(reverse("otp_webauthn:credential-registration-begin"))
    assert add.status_code == 302
    assert add["Location"].startswith(reverse("mfa_verify"))


def test_reset_removes_passkeys_too(client, head, dsl):
    enrolled(dsl)
    passkey_for(dsl)
    client.force_login(head)
    client.post(reverse("mfa_reset", args=[dsl.pk]), {"reason": "Lost laptop and phone"})
    assert not WebAuthnCredential.objects.filter(user=dsl).exists()
