"""Sessions end after 30 minutes unused, 12 hours after signing in, and on closing the browser if asked."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from altprov.models import Role
from tests.factories import MembershipFactory, SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(school):
    user = UserFactory(username="jlee")
    MembershipFactory(user=user, school=school, role=Role.HEAD)
    return user


def _sign_in(client, user):
    return client.post(
        reverse("login"), {"username": user.username, "password": "pw"}, REMOTE_ADDR="203.0.113.5"
    )


def _signed_in(client) -> bool:
    response = client.get(reverse("notifications"))
    return response.status_code == 200


def test_session_ends_after_30_minutes_unused(client, staff):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert _sign_in(client, staff).status_code == 302
        clock.shift(timedelta(minutes=29))
        assert _signed_in(client)
        clock.shift(timedelta(minutes=29))
        assert _signed_in(client)
        clock.shift(timedelta(minutes=31))
        response = client.get(reverse("notifications"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_a_page_refreshing_itself_does_not_keep_the_session(client, staff):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _sign_in(client, staff)
        for _ in range(7):
            clock.shift(timedelta(minutes=5))
            client.get(reverse("notifications"), HTTP_HX_REQUEST="true", HTTP_X_BACKGROUND_REFRESH="1")
        assert not _signed_in(client)


def test_session_ends_12_hours_after_signing_in_however_busy(client, staff):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        _sign_in(client, staff)
        for _ in range(11 * 4 + 3):
            clock.shift(timedelta(minutes=15))
            assert _signed_in(client)
        clock.shift(timedelta(minutes=16))
        assert not _signed_in(client)


def test_session_lasts_past_the_browser_by_default(client, staff):
    _sign_in(client, staff)
    assert client.session.get_expire_at_browser_close() is False
    assert client.cookies["sessionid"]["max-age"] == 30 * 60


def test_school_can_end_sessions_when_the_browser_closes(client, staff, school):
    school.end_sessions_on_browser_close = True
    school.save()
    response = _sign_in(client, staff)
    assert client.session.get_expire_at_browser_close() is True
    assert response.cookies["sessionid"]["max-age"] == ""


def test_one_of_several_schools_asking_is_enough(client, staff):
    MembershipFactory(user=staff, school=SchoolFactory(end_sessions_on_browser_close=True), role=Role.HEAD)
    _sign_in(client, staff)
    assert client.session.get_expire_at_browser_close() is True


def test_head_turns_on_ending_sessions_with_the_browser(client, head, school):
    from tests.altprov.test_school_settings import VALID

    client.force_login(head)
    page = client.get(reverse("school_settings")).content.decode()
    assert 'name="end_sessions_on_browser_close"' in page
    response = client.post(reverse("school_settings"), VALID | {"end_sessions_on_browser_close": "on"})
    assert response.status_code == 302
    school.refresh_from_db()
    assert school.end_sessions_on_browser_close is True
