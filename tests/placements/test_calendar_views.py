from datetime import date

import pytest
from django.urls import reverse

from placements.models import SchoolClosure, Term

from ..factories import SchoolClosureFactory, TermFactory

pytestmark = pytest.mark.django_db

AUTUMN = {
    "school_year": "2026/27",
    "name": "autumn",
    "start_date": "2026-09-02",
    "end_date": "2026-12-18",
    "half_term_start": "2026-10-26",
    "half_term_end": "2026-10-30",
}


def test_admin_assistant_adds_term(client, admin_assistant, school):
    client.force_login(admin_assistant)
    response = client.post(reverse("placements:term_create"), AUTUMN)
    assert response.status_code == 302
    assert Term.objects.get().school == school


def test_duplicate_term_gets_message(client, admin_assistant, school):
    TermFactory(
        school=school,
        school_year="2026/27",
        name="autumn",
        start_date=date(2026, 9, 2),
        end_date=date(2026, 12, 18),
        half_term_start=date(2026, 10, 26),
        half_term_end=date(2026, 10, 30),
    )
    client.force_login(admin_assistant)
    body = client.post(reverse("placements:term_create"), AUTUMN).content.decode()
    assert "already exists" in body or "overlap" in body
    assert Term.objects.count() == 1


def test_half_term_outside_term_refused(client, admin_assistant):
    client.force_login(admin_assistant)
    body = client.post(
        reverse("placements:term_create"),
        AUTUMN | {"half_term_start": "2027-01-04", "half_term_end": "2027-01-08"},
    ).content.decode()
    assert "half-term break must fall inside the term" in body


def test_school_year_format(client, admin_assistant):
    client.force_login(admin_assistant)
    body = client.post(
        reverse("placements:term_create"), AUTUMN | {"school_year": "2026/28"}
    ).content.decode()
    assert "Write the school year as 2026/27" in body


def test_closure_twice_same_day_refused(client, admin_assistant, school):
    SchoolClosureFactory(school=school, date=date(2026, 11, 30))
    client.force_login(admin_assistant)
    body = client.post(
        reverse("placements:closure_create"),
        {"date": "2026-11-30", "kind": "inset", "description": "Training"},
    ).content.decode()
    assert "already closed that day" in body
    assert SchoolClosure.objects.count() == 1


def test_pastoral_cannot_edit_calendar(client, pastoral):
    client.force_login(pastoral)
    assert client.get(reverse("placements:calendar_overview")).status_code == 200
    assert client.post(reverse("placements:term_create"), AUTUMN).status_code == 403


def test_other_schools_term_is_404(client, admin_assistant, other_school):
    term = TermFactory(school=other_school)
    closure = SchoolClosureFactory(school=other_school)
    client.force_login(admin_assistant)
    assert client.get(reverse("placements:term_edit", args=[term.pk])).status_code == 404
    assert client.post(reverse("placements:closure_delete", args=[closure.pk])).status_code == 404
    assert SchoolClosure.objects.filter(pk=closure.pk).exists()
