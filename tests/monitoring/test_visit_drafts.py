"""Drafts: kept as typed (autosave and "Save draft"), only ever the author's."""

from datetime import date, datetime, time

import pytest
import time_machine
from django.urls import reverse

from altprov.models import Role

from ..factories import SchoolFactory
from .visit_support import LONDON, active_placement, terms

pytestmark = pytest.mark.django_db
NOW = datetime.combine(date(2026, 12, 1), time(10, 42), tzinfo=LONDON)


@pytest.fixture(autouse=True)
def at_10_42():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def visit(client, school, pastoral):
    terms(school)
    placement = active_placement(school, visiting_staff=pastoral)
    client.force_login(pastoral)
    client.post(reverse("monitoring:visit_start", args=[placement.pk]))
    return placement.visits.get()


def draft_url(visit):
    return reverse("monitoring:visit_draft", args=[visit.pk])


def test_autosave_keeps_the_fields_as_typed_but_never_the_concern_text(client, visit):
    response = client.post(
        draft_url(visit),
        {
            "behaviour_notes": "Half-typed no",
            "safeguarding_concerns": "yes",
            "concern_detail": "secret",
            "school-0-description": "Ring",
        },
    )
    assert response.status_code == 200
    assert response.json() == {"saved_at": "10:42"}
    visit.refresh_from_db()
    assert visit.draft == {
        "behaviour_notes": "Half-typed no",
        "safeguarding_concerns": "yes",
        "school-0-description": "Ring",
    }
    page = client.get(reverse("monitoring:visit_edit", args=[visit.pk])).content.decode()
    assert "Half-typed no" in page
    assert "Draft saved at 10:42 today." in page


def test_a_signed_out_autosave_answers_401_json_not_the_login_page(client, visit):
    client.logout()
    response = client.post(draft_url(visit), {"behaviour_notes": "x"})
    assert response.status_code == 401
    assert response.json()["error"] == "signed_out"
    visit.refresh_from_db()
    assert visit.draft == {}


def test_someone_elses_draft_is_404_even_for_slt(client, visit, slt, role_user):
    for user in (slt, role_user(Role.PASTORAL)):
        client.force_login(user)
        assert client.post(draft_url(visit), {"behaviour_notes": "x"}).status_code == 404
        assert client.get(reverse("monitoring:visit_edit", args=[visit.pk])).status_code == 404
        assert client.get(reverse("monitoring:visit_detail", args=[visit.pk])).status_code == 404


def test_another_schools_staff_get_404(client, visit, other_head):
    client.force_login(other_head)
    assert client.post(draft_url(visit), {"behaviour_notes": "x"}).status_code == 404
    assert client.get(reverse("monitoring:visit_edit", args=[visit.pk])).status_code == 404
    other = SchoolFactory()
    assert other.pk != visit.school_id


def test_save_draft_without_javascript_keeps_the_fields(client, visit):
    response = client.post(
        reverse("monitoring:visit_edit", args=[visit.pk]), {"learner_views": "Likes it", "action": "draft"}
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.draft == {"learner_views": "Likes it"}


def test_save_draft_with_concern_text_shows_it_again_without_keeping_it(client, visit):
    response = client.post(
        reverse("monitoring:visit_edit", args=[visit.pk]),
        {"concern_detail": "Seen crying", "safeguarding_concerns": "yes", "action": "draft"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Seen crying" in page
    assert "not kept in the draft" in page
    visit.refresh_from_db()
    assert "Seen crying" not in str(visit.draft)
