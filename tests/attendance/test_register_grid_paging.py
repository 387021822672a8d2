"""The register grid at a local authority's scale: a page of placements at a time, filtered,
and the whole range as a CSV."""

import csv
import io
from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from attendance.register_grid import ROWS_PER_PAGE
from placements.models import Status

from ..factories import LearnerFactory, PlacementFactory, ProviderFactory
from .conftest import MONDAY, london, mark

pytestmark = pytest.mark.django_db

GRID = reverse("attendance:register_grid")
CSV = reverse("attendance:register_grid_csv")
ROW = '<th scope="row" class="position-sticky'


@pytest.fixture(autouse=True)
def tuesday_afternoon():
    with time_machine.travel(london(MONDAY + timedelta(days=1), 15), tick=False):
        yield


def placements(school, n, *, year_group=10, surname="Learner", provider=None):
    provider = provider or ProviderFactory(name="Riverside Skills")
    made = []
    for i in range(n):
        made.append(
            PlacementFactory(
                learner=LearnerFactory(
                    school=school, legal_last_name=f"{surname} {i:03d}", year_group=year_group
                ),
                provider=provider,
                status=Status.ACTIVE,
                start_date=date(2026, 9, 7),
                activated_on=date(2026, 9, 7),
                mon_am=True,
            )
        )
    return made


def test_grid_shows_one_page_of_placements_whatever_their_number(client, school, autumn, admin_assistant):
    placements(school, ROWS_PER_PAGE + 10)
    client.force_login(admin_assistant)
    first = client.get(GRID).content.decode()
    assert first.count(ROW) == ROWS_PER_PAGE
    assert f"{ROWS_PER_PAGE + 10} placements with sessions in these dates: 1 to {ROWS_PER_PAGE}" in first
    assert "Page 1 of 2" in first
    second = client.get(GRID, {"page": 2}).content.decode()
    assert second.count(ROW) == 10


def test_grid_filters_by_learner_provider_and_year_group(client, school, autumn, admin_assistant):
    placements(school, 3)
    placements(school, 2, year_group=8, surname="Okafor", provider=ProviderFactory(name="Harbour Farm"))
    client.force_login(admin_assistant)
    assert client.get(GRID, {"q": "okafor"}).content.decode().count(ROW) == 2
    assert client.get(GRID, {"q": "harbour"}).content.decode().count(ROW) == 2
    assert client.get(GRID, {"year_group": "8"}).content.decode().count(ROW) == 2
    body = client.get(GRID, {"q": "nobody"}).content.decode()
    assert "No placement with sessions in these dates matches." in body


def test_bad_filter_values_are_said_not_a_server_error(client, school, autumn, admin_assistant):
    placements(school, 2)
    client.force_login(admin_assistant)
    response = client.get(GRID, {"year_group": "ninety", "page": "last"})
    assert response.status_code == 200
    assert response.content.decode().count(ROW) == 2


def test_csv_has_every_placement_of_the_range_with_formulas_made_text(
    client, school, autumn, admin_assistant
):
    made = placements(school, ROWS_PER_PAGE + 10)
    made[0].learner.legal_last_name = "=HYPERLINK(1)"
    made[0].learner.save()
    mark(made[1], MONDAY, "AM", "B")
    client.force_login(admin_assistant)
    response = client.get(CSV, {"start": MONDAY.isoformat(), "end": (MONDAY + timedelta(days=4)).isoformat()})
    assert response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:5] == ["UPN", "surname", "forename", "year group", "provider"]
    assert rows[0][5:7] == ["2026-11-30 AM", "2026-11-30 PM"]
    assert len(rows) == 1 + ROWS_PER_PAGE + 10
    assert [r[1] for r in rows if "HYPERLINK" in r[1]] == ["'=HYPERLINK(1)"]
    by_surname = {r[1]: r for r in rows}
    assert by_surname["Learner 001"][5] == "B"
    assert by_surname["Learner 002"][5] == "not recorded"
    assert by_surname["Learner 002"][6] == ""


def test_csv_needs_the_export_right(client, school, autumn, sendco):
    client.force_login(sendco)
    assert client.get(CSV).status_code == 403


@pytest.mark.parametrize("n", [5, 70])
def test_grid_queries_do_not_grow_with_placements(
    client, school, autumn, admin_assistant, n, django_assert_max_num_queries
):
    placements(school, n)
    client.force_login(admin_assistant)
    with django_assert_max_num_queries(13):
        assert client.get(GRID).content.decode().count(ROW) == min(n, ROWS_PER_PAGE)
