"""Five failed logins for one username from one address lock that pair out for 15 minutes."""

import logging
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

WRONG = "not-the-password"


def _login(client, url, username, password, ip="203.0.113.5", **extra):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


@pytest.fixture
def staff(db):
    return UserFactory(username="jlee")


@pytest.fixture
def superuser(db):
    return UserFactory(username="it-admin", is_staff=True, is_superuser=True)


def test_right_password_is_refused_after_five_wrong_ones(client, staff):
    url = reverse("login")
    for _ in range(4):
        assert _login(client, url, "jlee", WRONG).status_code == 200
    # The fifth failure is answered with the lockout page.
    assert _login(client, url, "jlee", WRONG).status_code == 429
    response = _login(client, url, "jlee", "pw")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_four_wrong_passwords_do_not_lock(client, staff):
    url = reverse("login")
    for _ in range(4):
        _login(client, url, "jlee", WRONG)
    assert _login(client, url, "jlee", "pw").status_code == 302


def test_lockout_page_says_to_wait_15_minutes_or_ask(client, staff):
    url = reverse("login")
    for _ in range(6):
        response = _login(client, url, "jlee", WRONG)
    body = response.content.decode()
    assert response.status_code == 429
    assert "<h1" in body and "Too many tries to log in" in body
    assert "Wait 15 minutes" in body
    assert "head teacher" in body and "IT support" in body


def test_lock_lifts_after_15_minutes(client, staff):
    url = reverse("login")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(5):
            _login(client, url, "jlee", WRONG)
        clock.shift(timedelta(minutes=14))
        assert _login(client, url, "jlee", "pw").status_code == 429
        clock.shift(timedelta(minutes=16))
        assert _login(client, url, "jlee", "pw").status_code == 302


def test_admin_login_locks_too(client, superuser):
    url = reverse("admin:login")
    for _ in range(4):
        assert _login(client, url, "it-admin", WRONG).status_code == 200
    assert _login(client, url, "it-admin", WRONG).status_code == 429
    assert _login(client, url, "it-admin", "pw").status_code == 429
    assert "_auth_user_id" not in client.session


def test_failures_on_either_login_page_count_together(client, superuser):
    for _ in range(3):
        _login(client, reverse("login"), "it-admin", WRONG)
    for _ in range(2):
        _login(client, reverse("admin:login"), "it-admin", WRONG)
    assert _login(client, reverse("login"), "it-admin", "pw").status_code == 429


def test_lock_is_per_username_and_address(client, staff):
    url = reverse("login")
    UserFactory(username="amir")
    for _ in range(5):
        _login(client, url, "jlee", WRONG, ip="203.0.113.5")
    # Someone else at the same school (same address) still logs in, and the
    # locked username still can from elsewhere.
    assert _login(client, url, "amir", "pw", ip="203.0.113.5").status_code == 302
    client.logout()
    assert _login(client, url, "jlee", "pw", ip="198.51.100.7").status_code == 302


def test_a_forged_forwarded_for_header_does_not_escape_the_lock(client, staff):
    url = reverse("login")
    for n in range(5):
        _login(client, url, "jlee", WRONG, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    assert _login(client, url, "jlee", "pw", HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 429


def test_behind_a_trusted_proxy_the_address_it_adds_counts(client, staff, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    url = reverse("login")
    # The proxy (REMOTE_ADDR) appends the address it saw; the client's own
    # entries to the left are ignored.
    for n in range(5):
        _login(client, url, "jlee", WRONG, ip="10.0.0.1", HTTP_X_FORWARDED_FOR=f"1.1.1.{n}, 203.0.113.5")
    assert (
        _login(
            client, url, "jlee", "pw", ip="10.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.99, 203.0.113.5"
        ).status_code
        == 429
    )
    assert (
        _login(client, url, "jlee", "pw", ip="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7").status_code
        == 302
    )


def test_unknown_username_and_wrong_password_get_the_same_message(client, staff):
    url = reverse("login")
    wrong_password = _login(client, url, "jlee", WRONG).content.decode()
    unknown_user = _login(client, url, "nobody-here", WRONG, ip="198.51.100.7").content.decode()
    message = "Please enter a correct username and password"
    assert message in wrong_password
    assert message in unknown_user


def test_failed_logins_are_recorded(client, staff):
    url = reverse("login")
    for _ in range(2):
        _login(client, url, "jlee", WRONG)
    attempt = AccessAttempt.objects.get(username="jlee")
    assert attempt.failures_since_start == 2
    assert attempt.ip_address == "203.0.113.5"
    assert AccessFailureLog.objects.filter(username="jlee").count() == 2


def test_log_lines_name_neither_the_username_nor_the_address(client, staff, caplog):
    url = reverse("login")
    with caplog.at_level(logging.DEBUG):
        for _ in range(6):
            _login(client, url, "jlee", WRONG)
        _login(client, url, "jlee", "pw", ip="198.51.100.7")
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "AXES" in text
    assert "jlee" not in text
    assert "203.0.113.5" not in text and "198.51.100.7" not in text
