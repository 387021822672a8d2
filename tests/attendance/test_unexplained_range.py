"""The unexplained-absences list reads from a lower date (eight weeks back unless chosen) and pages."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from attendance.models import AttendanceMark, MarkStatus, Source

from .conftest import MONDAY, london

pytestmark = pytest.mark.django_db

UNEXPLAINED = reverse("attendance:unexplained")


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(london(MONDAY, 10, 30), tick=False):
        yield


def n_mark(placement, day):
    return AttendanceMark.objects.create(
        placement=placement,
        school_id=placement.school_id,
        date=day,
        session="AM",
        status=MarkStatus.ABSENT,
        code="N",
        source=Source.PROVIDER_LINK,
    )


def test_old_absences_are_left_out_until_an_earlier_day_is_chosen(client, admin_assistant, active_placement):
    n_mark(active_placement, MONDAY - timedelta(days=14))
    n_mark(active_placement, MONDAY - timedelta(weeks=10))  # Monday 21 September
    client.force_login(admin_assistant)
    body = client.get(UNEXPLAINED).content.decode()
    assert "1 mark to review" in body and "21/09/2026" not in body
    assert "from Monday 5 October 2026" in body
    earlier = client.get(UNEXPLAINED, {"since": "2026-09-07"}).content.decode()
    assert "2 marks to review" in earlier and "Mon 21/09/2026 AM" in earlier


def test_a_bad_day_is_said_and_the_default_used(client, admin_assistant, active_placement):
    n_mark(active_placement, MONDAY - timedelta(days=14))
    client.force_login(admin_assistant)
    response = client.get(UNEXPLAINED, {"since": "last year"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter the first day as a date" in body
    assert "1 mark to review" in body


def test_pages_keep_the_chosen_day(client, admin_assistant, active_placement):
    for weeks in range(2, 13):
        for days in range(5):
            n_mark(active_placement, MONDAY - timedelta(weeks=weeks) + timedelta(days=days))
    client.force_login(admin_assistant)
    body = client.get(UNEXPLAINED, {"since": "2026-09-07"}).content.decode()
    assert "55 marks to review" in body
    assert "since=2026-09-07&amp;page=2" in body
