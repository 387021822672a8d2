"""The footer's help, accessibility statement and privacy notice: real pages, open to everyone."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from altprov.links import issue_link
from altprov.models import LinkPurpose

from ..factories import approved_provider

pytestmark = pytest.mark.django_db

PAGES = ["help", "accessibility", "privacy"]


@pytest.mark.parametrize("name", PAGES)
def test_public_page_opens_without_signing_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "Skip to main content" in response.content.decode()


def test_footer_links_to_the_three_pages_for_staff(client, head):
    client.force_login(head)
    html = client.get(reverse("home")).content.decode()
    footer = html[html.index("<footer") :]
    for name in PAGES:
        assert f'href="{reverse(name)}"' in footer


def test_footer_is_on_the_providers_register_link(school, head):
    provider = approved_provider(school, head, timezone.localdate())
    _, token = issue_link(purpose=LinkPurpose.PROVIDER_REGISTER, school=school, subject=provider)
    html = Client().get(reverse("link_page", kwargs={"token": token})).content.decode()
    footer = html[html.index("<footer") :]
    assert f'href="{reverse("privacy")}"' in footer


def test_privacy_notice_names_the_school_as_controller_when_signed_in(client, head, school):
    client.force_login(head)
    html = client.get(reverse("privacy")).content.decode()
    assert f"<strong>{school.name}</strong>" in html
    assert "is the data controller" in html


def test_privacy_notice_says_what_is_held_why_how_long_and_the_rights(client):
    html = client.get(reverse("privacy")).content.decode()
    for heading in [
        "Learners",
        "Parents, carers and emergency contacts",
        "Special educational needs",
        "Safeguarding",
        "Attendance",
        "Staff accounts",
        "Provider contacts",
    ]:
        assert f"<dt>{heading}</dt>" in html
    assert "6 years" in html
    assert "Information Commissioner" in html
    assert "The school that placed the learner is the data controller" in html


def test_privacy_notice_lists_who_sees_what_from_the_role_rules(client):
    html = client.get(reverse("privacy")).content.decode()
    # learner.safeguarding: the head teacher and the DSL, no one else.
    flagged = "<td>Whether a learner is flagged for safeguarding</td>"
    assert f"{flagged}<td>Head teacher and Designated safeguarding lead</td>" in html
    costs = "<td>Placement costs and provider rates</td>"
    assert f"{costs}<td>Head teacher, Senior leadership, Finance and Executive board</td>" in html


def test_accessibility_statement_lists_what_was_tested_and_the_gaps(client):
    html = client.get(reverse("accessibility")).content.decode()
    assert "partially compliant" in html
    assert "axe-core" in html
    assert "1280 pixels" in html and "375 pixels" in html
    assert "Known gaps: what is not yet done" in html
    assert "No manual test with screen readers" in html


def test_help_has_guidance_for_each_role_and_for_providers(client):
    html = client.get(reverse("help")).content.decode()
    for who in [
        "Admin assistant",
        "Pastoral team",
        "Designated safeguarding lead",
        "SENDCo",
        "Exams officer",
    ]:
        assert f"<dt>{who}</dt>" in html
    assert "For providers" in html
    assert "All present" in html
