"""Today at a local authority's scale: urgent providers in full, the rest paged and filtered,
and a poll that costs a 304 when nothing changed."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from attendance.views.today import PAGE_SIZE
from placements.models import Status

from ..factories import LearnerFactory, PlacementFactory, ProviderFactory
from .conftest import MONDAY, london, mark
from .test_today import check_flags

pytestmark = pytest.mark.django_db

TODAY = reverse("attendance:today")
POLL = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(london(MONDAY, 10, 30), tick=False):
        yield


def placement_at(school, name, *, year_group=10, learner="Sam"):
    return PlacementFactory(
        learner=LearnerFactory(school=school, legal_first_name=learner, year_group=year_group),
        provider=ProviderFactory(name=name),
        status=Status.ACTIVE,
        start_date=date(2026, 9, 7),
        target_end_date=date(2027, 3, 26),
        activated_on=date(2026, 9, 7),
        mon_am=True,
        tue_am=False,
    )


def reported(school, n, **kwargs):
    for i in range(n):
        mark(placement_at(school, f"Reported {i:03d}", **kwargs), MONDAY, "AM", "B")


def rows(response) -> int:
    return response.content.decode().count('<tr id="provider-')


def test_page_shows_every_missing_provider_and_one_page_of_the_rest(
    client, school, autumn, admin_assistant, active_placement
):
    reported(school, 60)
    check_flags(10, 5)  # Riverside Skills has not reported: flagged missing
    client.force_login(admin_assistant)
    first = client.get(TODAY)
    body = first.content.decode()
    assert rows(first) == PAGE_SIZE + 1
    assert "Riverside Skills" in body and '<span class="rag rag-red">Missing</span>' in body
    assert "60 reported" in body  # the summary still counts them all
    assert "Page 1 of 3" in body
    last = client.get(TODAY, {"page": 3})
    assert rows(last) == 60 - 2 * PAGE_SIZE + 1
    assert "Riverside Skills" in last.content.decode()


def test_page_filters_the_other_providers_by_name_learner_year_group_and_state(
    client, school, autumn, admin_assistant
):
    reported(school, 3)
    placement_at(school, "Harbour Farm", year_group=9, learner="Morgan")
    client.force_login(admin_assistant)
    assert rows(client.get(TODAY, {"q": "harbour"})) == 1
    assert rows(client.get(TODAY, {"q": "morgan"})) == 1
    assert rows(client.get(TODAY, {"year_group": "9"})) == 1
    assert rows(client.get(TODAY, {"status": "reported"})) == 3
    assert rows(client.get(TODAY, {"status": "closed"})) == 0
    assert "No provider matches these filters." in client.get(TODAY, {"status": "closed"}).content.decode()


def test_bad_filter_values_are_reported_not_a_server_error(client, school, autumn, admin_assistant):
    reported(school, 2)
    client.force_login(admin_assistant)
    response = client.get(TODAY, {"status": "nonsense", "year_group": "twelve", "page": "x"})
    assert response.status_code == 200
    assert "error-summary" in response.content.decode() or "is-invalid" in response.content.decode()
    assert rows(response) == 2


def poll(client, etag=None):
    headers = dict(POLL)
    if etag:
        headers["If-None-Match"] = etag
    return client.get(TODAY, {"day": MONDAY.isoformat()}, headers=headers)


def test_second_poll_with_nothing_changed_is_answered_not_modified(
    client, school, autumn, admin_assistant, active_placement, django_assert_max_num_queries
):
    client.force_login(admin_assistant)
    first = poll(client)
    assert first.status_code == 200 and first["ETag"]
    # Personal data: never stored by the browser; static/js/today.js sends the ETag back itself.
    assert "no-store" in first["Cache-Control"] and "private" in first["Cache-Control"]
    # Session, user, school and roles (the middleware), the version and the permissions.
    with django_assert_max_num_queries(8):
        second = poll(client, first["ETag"])
    assert second.status_code == 304
    assert second.content == b""


def test_poll_after_a_mark_is_recorded_gets_the_new_live_part(
    client, school, autumn, admin_assistant, active_placement
):
    client.force_login(admin_assistant)
    etag = poll(client)["ETag"]
    mark(active_placement, MONDAY, "AM", "B")
    changed = poll(client, etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "Present" in changed.content.decode()


def test_poll_changes_when_a_cutoff_passes_with_nothing_recorded(
    client, school, autumn, admin_assistant, active_placement
):
    client.force_login(admin_assistant)
    with time_machine.travel(london(MONDAY, 9, 30), tick=False):
        etag = poll(client)["ETag"]
    assert poll(client, etag).status_code == 200  # 10:30: the morning's cut-off has passed


def test_a_full_page_load_is_never_answered_not_modified(
    client, school, autumn, admin_assistant, active_placement
):
    """A full load shows messages waiting for it (after a form), which a 304 would hide."""
    client.force_login(admin_assistant)
    etag = poll(client)["ETag"]
    response = client.get(TODAY, {"day": MONDAY.isoformat()}, headers={"If-None-Match": etag})
    assert response.status_code == 200


@pytest.mark.parametrize("providers", [3, 40])
def test_page_queries_do_not_grow_with_providers(
    client, school, autumn, admin_assistant, providers, django_assert_max_num_queries
):
    reported(school, providers)
    client.force_login(admin_assistant)
    with django_assert_max_num_queries(24):
        assert rows(client.get(TODAY)) == min(providers, PAGE_SIZE)
