"""Password-reset emails are limited per account and per client address; the page says the same to all."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _ask(client, email, ip="203.0.113.5", **extra):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip, **extra)


@pytest.fixture
def staff(db):
    return UserFactory(username="jlee", email="j.lee@school.example")


def test_ten_requests_for_one_account_send_three_emails(client, staff, mailoutbox):
    with time_machine.travel(timezone.now().replace(minute=5), tick=False):
        responses = [_ask(client, "j.lee@school.example", ip=f"198.51.100.{n}") for n in range(10)]
    assert len(mailoutbox) == 3
    assert {r.status_code for r in responses} == {302}
    assert {r["Location"] for r in responses} == {reverse("password_reset_done")}


def test_the_account_may_ask_again_the_next_hour(client, staff, mailoutbox):
    with time_machine.travel(timezone.now().replace(minute=5), tick=False) as clock:
        for n in range(4):
            _ask(client, "j.lee@school.example", ip=f"198.51.100.{n}")
        clock.shift(timedelta(hours=1))
        _ask(client, "j.lee@school.example")
    assert len(mailoutbox) == 4


def test_one_address_gets_ten_requests_an_hour(client, mailoutbox):
    for n in range(12):
        UserFactory(username=f"staff{n}", email=f"staff{n}@school.example")
    with time_machine.travel(timezone.now().replace(minute=5), tick=False):
        responses = [_ask(client, f"staff{n}@school.example") for n in range(12)]
        # A forged X-Forwarded-For does not make a new address.
        responses.append(_ask(client, "staff11@school.example", HTTP_X_FORWARDED_FOR="10.1.2.3"))
    assert len(mailoutbox) == 10
    assert {r["Location"] for r in responses} == {reverse("password_reset_done")}


def test_unknown_and_limited_addresses_get_the_same_answer(client, staff, mailoutbox):
    with time_machine.travel(timezone.now().replace(minute=5), tick=False):
        for _ in range(3):
            _ask(client, "j.lee@school.example")
        limited = _ask(client, "j.lee@school.example")
        unknown = _ask(client, "nobody@school.example", ip="198.51.100.9")
    assert len(mailoutbox) == 3
    assert (limited.status_code, limited["Location"]) == (unknown.status_code, unknown["Location"])
    done = client.get(limited["Location"]).content.decode()
    assert "j.lee" not in done
