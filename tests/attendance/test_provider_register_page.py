"""The provider's register: fields only where they apply, a confirmation, no way into the staff side."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse

from altprov.links import issue_link
from altprov.models import LinkPurpose

from .conftest import MONDAY, london, mark
from .test_provider_link import field, get, post, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(school, provider):
    with time_machine.travel(london(MONDAY, 8, 0), tick=False):
        _, token = issue_link(purpose=LinkPurpose.PROVIDER_REGISTER, school=school, subject=provider)
    return token


def test_without_javascript_the_reason_and_minutes_are_on_the_page_tagged_for_their_status(
    client, token, active_placement
):
    page = get(client, token).content.decode()
    reason = re.search(
        r'<div class="mb-2"( [^>]*)>\s*<label[^>]*for="id_' + field(active_placement, name="code"), page
    )
    minutes = re.search(
        r'<div class="mb-2"( [^>]*)>\s*<label[^>]*for="id_' + field(active_placement, name="late_minutes"),
        page,
    )
    # Shown to everyone by the server; only the script hides what does not apply.
    assert reason.group(1) == ' data-show-for="absent"'
    assert minutes.group(1) == ' data-show-for="late"'
    assert 'src="/static/js/register.js"' in page


def test_an_absence_with_its_reason_still_saves_without_javascript(client, token, active_placement):
    response = post(
        client,
        token,
        {
            "save": MONDAY.isoformat(),
            field(active_placement): "absent",
            field(active_placement, name="code"): "I",
        },
        follow=True,
    )
    page = response.content.decode()
    assert re.search(
        r'class="alert alert-success" role="status">Thank you\. Saved for Monday 30 November', page
    )


def test_the_script_shows_each_field_for_its_status_and_focuses_the_confirmation():
    script = (settings.BASE_DIR / "static" / "js" / "register.js").read_text()
    assert "data-show-for" in script and "field.hidden" in script
    assert '[role="status"].alert-success' in script and ".focus()" in script


def test_a_complete_day_offers_no_further_save_changes(client, token, active_placement):
    # The Tuesday before, and Monday AM and PM: every session expected, all marked.
    mark(active_placement, MONDAY - timedelta(days=6), "AM", "B")
    mark(active_placement, MONDAY, "AM", "B")
    mark(active_placement, MONDAY, "PM", "B")
    page = get(client, token, at=london(MONDAY, 15, 0)).content.decode()
    assert "Save changes" not in page
    assert "Every session is marked: there is nothing more to do today." in page
    assert "Save a correction" in page


def test_an_incomplete_day_still_has_save_changes(client, token, active_placement):
    mark(active_placement, MONDAY, "AM", "B")
    page = get(client, token, at=london(MONDAY, 15, 0)).content.decode()
    assert "Save changes" in page
    assert "nothing more to do" not in page


def test_no_link_from_the_providers_pages_into_the_staff_side(client, token, active_placement):
    pages = [get(client, token).content.decode()]
    with time_machine.travel(london(MONDAY, 9, 30), tick=False):
        pages.append(Client().get(url("not-a-real-token-123456")).content.decode())
    for page in pages:
        assert 'href="/"' not in page
        assert reverse("login") not in page
        # The footer's public pages are still there.
        assert f'href="{reverse("help")}"' in page
