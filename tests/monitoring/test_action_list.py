"""The Actions page: mine first, everyone's for SLT and the head, filters; marking one done."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from altprov.models import Flag, Role
from monitoring.meeting_flags import ACTION_OVERDUE, check_monitoring_due
from monitoring.views import meetings as meeting_views

from .meeting_world import action, active_placement

pytestmark = pytest.mark.django_db
URL = reverse("monitoring:action_list")


def test_my_actions_come_first_and_only_slt_and_the_head_see_everyones(client, school, pastoral, slt, head):
    placement = active_placement(school)
    action(placement, owner=pastoral, description="Pastoral's own action")
    action(placement, owner=slt, description="SLT's action")
    action(placement, owner_name="Lee at the provider", description="Provider's action")
    client.force_login(pastoral)
    page = client.get(URL).content.decode()
    assert "Pastoral&#x27;s own action" in page
    assert "SLT&#x27;s action" not in page and "Provider&#x27;s action" not in page
    client.force_login(slt)
    page = client.get(URL).content.decode()
    assert (
        page.index("SLT&#x27;s action") < page.index("Everyone else") < page.index("Provider&#x27;s action")
    )
    assert "Pastoral&#x27;s own action" in page


def test_slt_filter_by_owner_learner_and_overdue(client, school, pastoral, slt):
    first = active_placement(school, learner__legal_last_name="Ashworth")
    second = active_placement(school, learner__legal_last_name="Brennan")
    action(first, owner=pastoral, description="Late one", due_date=timezone.localdate() - timedelta(days=2))
    action(
        second, owner_name="Lee", description="Later one", due_date=timezone.localdate() + timedelta(days=9)
    )
    client.force_login(slt)
    page = client.get(URL, {"owner": pastoral.pk}).content.decode()
    assert "Late one" in page and "Later one" not in page
    page = client.get(URL, {"learner": "brennan"}).content.decode()
    assert "Late one" not in page and "Later one" in page
    assert 'value="brennan"' in page  # what was typed is kept
    page = client.get(URL, {"overdue": "on"}).content.decode()
    assert "Late one" in page and "Later one" not in page and "Overdue" in page


@pytest.mark.parametrize("n", [1, 4])
def test_the_list_makes_the_same_queries_however_many_actions(
    client, school, slt, pastoral, n, django_assert_num_queries
):
    for _ in range(n):
        placement = active_placement(school, targets=0)
        action(placement, owner=slt)
        action(placement, owner=pastoral)
    client.force_login(slt)
    client.get(URL)
    # The session, the user and their roles, the school and the menu's counts (the page's own);
    # mine (1); the filter's owners (1); a page of everyone else's and their count (2).
    with django_assert_num_queries(9):
        page = client.get(URL, {"overdue": ""}).content.decode()
    assert page.count("Mark done<span") == 2 * n


def test_the_owner_marks_their_action_done_and_the_flag_resolves(client, school, pastoral, role_user):
    sendco = role_user(Role.SENDCO)
    placement = active_placement(school)
    mine = action(placement, owner=sendco, due_date=timezone.localdate() - timedelta(days=1), by=pastoral)
    check_monitoring_due()
    client.force_login(sendco)
    url = reverse("monitoring:action_done", args=[mine.pk])
    refused = client.post(url, {"note": "", "on": timezone.localdate().isoformat()})
    assert "Enter what was done" in refused.content.decode()
    response = client.post(
        url, {"note": "Rang the provider; timetable agreed.", "on": timezone.localdate().isoformat()}
    )
    assert response.status_code == 302 and response["Location"] == URL
    mine.refresh_from_db()
    assert mine.done_on == timezone.localdate() and mine.done_by == sendco
    assert mine.done_note == "Rang the provider; timetable agreed."
    assert Flag.objects.get(kind=ACTION_OVERDUE.name).resolution == "Done"


def test_who_may_mark_an_action_done(client, school, pastoral, slt, dsl, sendco, admin_assistant, other_head):
    placement = active_placement(school)
    theirs = action(placement, owner_name="Lee at the provider")
    url = reverse("monitoring:action_done", args=[theirs.pk])
    for user, status in (
        (pastoral, 200),
        (slt, 200),
        (dsl, 403),
        (sendco, 403),
        (admin_assistant, 403),
        (other_head, 404),
    ):
        client.force_login(user)
        assert client.get(url).status_code == status, user


def test_everyone_elses_actions_come_a_page_at_a_time(client, school, slt, pastoral, monkeypatch):
    monkeypatch.setattr(meeting_views, "ACTIONS_PAGE_SIZE", 2)
    placement = active_placement(school, targets=0)
    for n in range(3):
        action(placement, owner=pastoral, description=f"Action number {n}")
    client.force_login(slt)
    first = client.get(URL).content.decode()
    assert first.count("Mark done<span") == 2
    assert "Page 1 of 2" in first
    second = client.get(URL, {"page": 2}).content.decode()
    assert second.count("Mark done<span") == 1
