"""The visit planner: the visiting staff member's own placements; SLT everyone's, with a filter."""

from datetime import date, datetime, time

import pytest
import time_machine
from django.urls import reverse

from altprov.models import Role
from monitoring.views import visits as visits_views

from ..factories import UserFactory
from .visit_support import LONDON, active_placement, submitted_visit, terms

pytestmark = pytest.mark.django_db
URL = reverse("monitoring:visit_list")


@pytest.fixture(autouse=True)
def on_1_december():
    with time_machine.travel(datetime.combine(date(2026, 12, 1), time(9, 0), tzinfo=LONDON), tick=False):
        yield


@pytest.fixture
def year(school):
    return terms(school)


def test_the_visiting_staff_member_sees_their_own_placements_with_each_half_term_in_words(
    client, school, year, pastoral, role_user
):
    colleague = role_user(Role.PASTORAL)
    mine = active_placement(school, visiting_staff=pastoral, learner__legal_first_name="Mina")
    submitted_visit(mine, pastoral, date(2026, 10, 5))
    active_placement(school, visiting_staff=colleague, learner__legal_first_name="Otto")
    client.force_login(pastoral)
    page = client.get(URL).content.decode()
    assert "Mina" in page and "Otto" not in page
    assert "Autumn 1: Done" in page
    assert "Autumn 2: Due" in page
    assert "18/12/2026" in page  # the next due date
    assert "Record a visit" in page


def test_slt_sees_everyones_and_filters_by_staff_member(client, school, year, slt, pastoral, role_user):
    colleague = role_user(Role.PASTORAL)
    active_placement(school, visiting_staff=pastoral, learner__legal_first_name="Mina")
    active_placement(school, visiting_staff=colleague, learner__legal_first_name="Otto")
    client.force_login(slt)
    page = client.get(URL).content.decode()
    assert "Mina" in page and "Otto" in page
    page = client.get(URL, {"staff": colleague.pk}).content.decode()
    assert "Otto" in page and "Mina" not in page


def test_roles_without_visits_are_refused(client, school, sendco, admin_assistant):
    for user in (sendco, admin_assistant):
        client.force_login(user)
        assert client.get(URL).status_code == 403


@pytest.mark.parametrize("count", [1, 6])
def test_the_planner_takes_the_same_queries_however_many_placements(
    client, school, year, slt, count, django_assert_num_queries
):
    staff = UserFactory()
    for _ in range(count):
        p = active_placement(school, visiting_staff=staff)
        submitted_visit(p, staff, date(2026, 10, 5))
    client.force_login(slt)
    client.get(URL)
    # Session, user, roles, school (4), the visiting staff to filter by (1),
    # the placements (1), the plan (7), the user's drafts (1), unread notifications (1).
    with django_assert_num_queries(15):
        response = client.get(URL)
    assert response.content.decode().count("Record a visit") == count


def test_the_placement_page_shows_each_half_term_and_links_to_the_visits(
    client, school, year, pastoral, admin_assistant
):
    placement = active_placement(school, visiting_staff=pastoral)
    visit = submitted_visit(placement, pastoral, date(2026, 10, 5))
    client.force_login(pastoral)
    page = client.get(placement.get_absolute_url()).content.decode()
    assert "Autumn first half 2026/27: Done" in page
    assert reverse("monitoring:visit_detail", args=[visit.pk]) in page
    assert "Record a visit" in page
    client.force_login(admin_assistant)
    page = client.get(placement.get_absolute_url()).content.decode()
    assert 'id="visits-heading"' not in page


def test_the_planner_shows_a_page_of_rows_and_filters_by_what_needs_a_visit(
    client, school, year, slt, monkeypatch
):
    monkeypatch.setattr(visits_views, "PAGE_SIZE", 2)
    staff = UserFactory()
    active_placement(school, visiting_staff=staff, learner__legal_last_name="Adams")
    ending = active_placement(
        school, visiting_staff=staff, learner__legal_last_name="Baker", target_end_date=date(2026, 12, 10)
    )
    fine = active_placement(school, visiting_staff=staff, learner__legal_last_name="Clarke")
    for placement in (ending, fine):
        submitted_visit(placement, staff, date(2026, 10, 5))
    client.force_login(slt)

    def shown(**params) -> set[str]:
        page = client.get(URL, params).content.decode()
        return {name for name in ("Adams", "Baker", "Clarke") if f"{name}</a>" in page}, page

    names, page = shown()
    assert page.count('<tr id="placement-') == 2  # one page of rows, not every placement
    assert names == {"Adams", "Baker"}
    assert "Page 1 of 2" in page
    assert "1 placement with a half term overdue" in page
    assert "1 with one due soon" in page
    names, page = shown(page=2)
    assert names == {"Clarke"}
    assert shown(state="overdue")[0] == {"Adams"}
    assert shown(state="due_soon")[0] == {"Baker"}
    assert shown(state="attention")[0] == {"Adams", "Baker"}
    assert shown(q="clarke")[0] == {"Clarke"}
    names, page = shown(q="nobody")
    assert not names and "No placements match these filters." in page
    # An unknown filter value is ignored rather than refused.
    assert shown(state="<script>")[0] == {"Adams", "Baker"}
