"""A provider's closure belongs to one school: another school's never silences this school's pages."""

import pytest
import time_machine
from django.urls import reverse

from altprov.links import issue_link
from altprov.models import LinkPurpose
from attendance.missing import check_missing_reports

from ..factories import ProviderClosureFactory
from .conftest import MONDAY, london

pytestmark = pytest.mark.django_db


@pytest.fixture
def their_closure(other_school, provider):
    """The provider is closed today for Southgate's learners only."""
    return ProviderClosureFactory(
        provider=provider,
        school=other_school,
        start_date=MONDAY,
        end_date=MONDAY,
        reason="Southgate trip day",
    )


def test_today_ignores_another_schools_closure_and_shows_the_open_flag(
    client, admin_assistant, active_placement, their_closure
):
    with time_machine.travel(london(MONDAY, 10, 5), tick=False):
        assert check_missing_reports()["raised"] == 1
        client.force_login(admin_assistant)
        body = client.get(reverse("attendance:today")).content.decode()
    assert "Closed today" not in body
    assert "Southgate trip day" not in body
    assert '<span class="rag rag-red">Missing</span>' in body


def test_this_schools_own_closure_still_shows_on_today(
    client, school, admin_assistant, active_placement, provider
):
    ProviderClosureFactory(
        provider=provider, school=school, start_date=MONDAY, end_date=MONDAY, reason="Boiler"
    )
    with time_machine.travel(london(MONDAY, 10, 5), tick=False):
        client.force_login(admin_assistant)
        body = client.get(reverse("attendance:today")).content.decode()
    assert "Closed today: Boiler" in body


def test_staff_marks_page_ignores_another_schools_closure(
    client, admin_assistant, active_placement, provider, their_closure
):
    with time_machine.travel(london(MONDAY, 10, 5), tick=False):
        client.force_login(admin_assistant)
        body = client.get(reverse("attendance:record_marks", args=[provider.pk])).content.decode()
    assert "is closed on this day" not in body
    assert "Southgate trip day" not in body


def test_provider_register_ignores_another_schools_closure(client, school, provider, their_closure):
    # Nobody from this school is expected on Monday: the page says so, not the other school's closure.
    with time_machine.travel(london(MONDAY, 8, 0), tick=False):
        _, token = issue_link(purpose=LinkPurpose.PROVIDER_REGISTER, school=school, subject=provider)
    with time_machine.travel(london(MONDAY, 9, 30), tick=False):
        body = client.get(reverse("link_page", kwargs={"token": token})).content.decode()
    assert "Southgate trip day" not in body
    assert "Closed today" not in body
