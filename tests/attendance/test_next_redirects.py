"""The attendance actions that go back to `next`: a bad value falls back, and nothing is done twice."""

import pytest
import time_machine
from django.urls import reverse

from altprov.models import LinkToken
from attendance.daily_links import email_register_link
from attendance.models import MarkAmendment

from .conftest import MONDAY, london, mark

pytestmark = pytest.mark.django_db

TODAY = reverse("attendance:today")
BAD = ["foo", "https://evil.example/today", "//evil.example/"]


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(london(MONDAY, 10, 30), tick=False):
        yield


@pytest.mark.parametrize("target", BAD)
def test_resend_with_a_bad_next_issues_and_emails_one_link_and_goes_to_today(
    client,
    admin_assistant,
    provider,
    active_placement,
    mailoutbox,
    django_capture_on_commit_callbacks,
    target,
):
    client.force_login(admin_assistant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("attendance:resend_link", args=[provider.pk]), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == TODAY
    assert LinkToken.objects.count() == 1
    assert len(mailoutbox) == 1


def test_resend_goes_back_to_a_local_next(client, admin_assistant, provider, active_placement):
    client.force_login(admin_assistant)
    back = f"{TODAY}?day=2026-11-27"
    response = client.post(reverse("attendance:resend_link", args=[provider.pk]), {"next": back})
    assert response["Location"] == back


@pytest.mark.parametrize("target", BAD)
def test_revoke_with_a_bad_next_revokes_and_goes_to_today(
    client, school, admin_assistant, provider, active_placement, target
):
    email_register_link(school=school, provider=provider, by=admin_assistant)
    link = LinkToken.objects.get()
    client.force_login(admin_assistant)
    response = client.post(reverse("attendance:revoke_link", args=[link.pk]), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == TODAY
    link.refresh_from_db()
    assert link.revoked_at is not None


@pytest.mark.parametrize("target", BAD)
def test_amend_with_a_bad_next_amends_and_goes_to_the_grid(client, admin_assistant, active_placement, target):
    found = mark(active_placement, MONDAY, "AM", "N")
    client.force_login(admin_assistant)
    url = reverse("attendance:amend_mark", args=[found.pk])
    assert client.get(url, {"next": target}).status_code == 200
    response = client.post(
        url, {"status": "absent", "code": "I", "reason": "Mother phoned: ill", "next": target}
    )
    assert response.status_code == 302
    day = MONDAY.isoformat()
    assert response["Location"] == f"{reverse('attendance:register_grid')}?start={day}&end={day}"
    assert MarkAmendment.objects.get().new_code == "I"
