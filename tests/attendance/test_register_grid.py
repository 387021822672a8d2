"""The register grid: learners x sessions for a date range."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from attendance.models import MarkStatus, Source
from attendance.recording import MarkInput, record_marks
from placements.models import Status

from ..factories import LearnerFactory, PlacementFactory, ProviderFactory
from .conftest import MONDAY, london

pytestmark = pytest.mark.django_db

GRID = reverse("attendance:register_grid")


@pytest.fixture(autouse=True)
def tuesday_afternoon():
    with time_machine.travel(london(MONDAY + timedelta(days=1), 15), tick=False):
        yield


def mark(placement, session, status=MarkStatus.PRESENT, code="", day=MONDAY):
    record_marks(
        school=placement.school,
        entries=[MarkInput(placement=placement, day=day, session=session, status=status, code=code)],
        source=Source.PROVIDER_LINK,
    )


def cells(body: str, learner: str) -> list[str]:
    """The text of each session cell in a learner's row, tags removed."""
    row = body[body.index(learner) :]
    row = row[: row.index("</tr>")]
    found = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
    return [re.sub(r"<[^>]+>", "|", c).strip() for c in found]


def test_default_is_this_week_with_codes_gaps_and_unrecorded(
    client, admin_assistant, provider, active_placement
):
    mark(active_placement, "AM")
    mark(active_placement, "PM", MarkStatus.ABSENT, "I")
    client.force_login(admin_assistant)
    body = client.get(GRID).content.decode()
    assert "Register, 30 Nov to 4 Dec 2026" in body
    assert "Mon 30 Nov" in body and "Fri 4 Dec" in body and "Sat 5 Dec" not in body
    row = cells(body, "Tyler Brookes")
    assert len(row) == 10
    # Monday AM and PM marked; Tuesday AM expected but unrecorded; the rest not expected.
    assert "B|: Attending other approved education off site" in row[0]
    assert "I|: Illness" in row[1]
    assert "?" in row[2] and "Today, not recorded yet" in row[2]
    assert all(cell.startswith("|–|") for cell in row[3:])
    tuesday = (MONDAY + timedelta(days=1)).isoformat()
    record = f"{reverse('attendance:record_marks', args=[provider.pk])}?day={tuesday}"
    assert record in body


def test_view_only_roles_see_the_grid_without_recording_links(client, sendco, provider, active_placement):
    client.force_login(sendco)
    body = client.get(GRID).content.decode()
    assert "Tyler Brookes" in body
    assert reverse("attendance:record_marks", args=[provider.pk]) not in body


def test_a_chosen_range(client, admin_assistant, active_placement):
    mark(active_placement, "AM", day=MONDAY - timedelta(days=7))
    client.force_login(admin_assistant)
    body = client.get(GRID, {"start": "2026-11-23", "end": "2026-11-24"}).content.decode()
    assert "Register, 23 Nov to 24 Nov 2026" in body
    assert len(cells(body, "Tyler Brookes")) == 4


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2026-11-30", "2026-11-23", "The end date must be on or after the start date."),
        ("2026-11-01", "2026-12-04", "Show at most 31 days at a time."),
        ("soon", "2026-12-04", "Enter the first day as a date."),
    ],
)
def test_bad_dates_say_why_and_show_this_week(client, admin_assistant, active_placement, start, end, message):
    client.force_login(admin_assistant)
    body = client.get(GRID, {"start": start, "end": end}).content.decode()
    assert message in body
    assert (
        "Those dates cannot be shown: showing Monday 30 November 2026 to Friday 4 December 2026 instead."
        in body
    )
    assert "Register, 30 Nov to 4 Dec 2026" in body
    assert f'value="{start}"' in body


def test_exactly_31_days_is_allowed(client, admin_assistant, active_placement):
    client.force_login(admin_assistant)
    body = client.get(GRID, {"start": "2026-11-01", "end": "2026-12-01"}).content.decode()
    assert "Those dates cannot be shown" not in body
    assert "Register, 1 Nov to 1 Dec 2026" in body


def test_extra_session_mark_shows_although_not_expected(client, school, admin_assistant, active_placement):
    record_marks(
        school=school,
        entries=[
            MarkInput(
                placement=active_placement, day=MONDAY + timedelta(days=2), session="AM", status="present"
            )
        ],
        source=Source.STAFF,
        by=admin_assistant,
        extra=True,
    )
    client.force_login(admin_assistant)
    row = cells(client.get(GRID).content.decode(), "Tyler Brookes")
    assert row[4].startswith("|B|")


@pytest.mark.parametrize("persona", ["finance", "exams"])
def test_grid_refused_for_roles_without_attendance(request, client, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(GRID).status_code == 403


def test_another_schools_learners_are_not_shown(client, other_school, other_head, active_placement):
    client.force_login(other_head)
    body = client.get(GRID).content.decode()
    assert "Tyler Brookes" not in body
    assert "No learner is expected" in body


def add_rows(school, providers: int, learners: int):
    for _ in range(providers):
        provider = ProviderFactory()
        for _ in range(learners):
            placement = PlacementFactory(
                learner=LearnerFactory(school=school),
                provider=provider,
                status=Status.ACTIVE,
                start_date=MONDAY - timedelta(days=60),
                activated_on=MONDAY - timedelta(days=60),
                wed_pm=True,
            )
            mark(placement, "AM")


def test_grid_query_count_does_not_grow_with_rows(
    client, school, autumn, admin_assistant, django_assert_max_num_queries
):
    # session, user, memberships, schools, unread count; expected sessions: placements,
    # their timetable versions, terms, school closures, provider closures;
    # the count and the page of placements with learners and providers; the page's marks.
    add_rows(school, providers=2, learners=2)
    client.force_login(admin_assistant)
    with django_assert_max_num_queries(13):
        assert client.get(GRID).status_code == 200
    add_rows(school, providers=4, learners=4)
    with django_assert_max_num_queries(13):
        body = client.get(GRID).content.decode()
    assert "20 placements with sessions in these dates" in body


def _td(body: str, learner: str, index: int) -> str:
    """The opening <td> tag of a learner's session cell."""
    row = body[body.index(learner) :]
    return re.findall(r"<td[^>]*>", row[: row.index("</tr>")])[index]


def test_a_past_unmarked_session_is_told_apart_from_one_still_to_come(
    client, admin_assistant, provider, active_placement
):
    client.force_login(admin_assistant)
    body = client.get(GRID, {"start": "2026-11-30", "end": "2026-12-08"}).content.decode()
    row = cells(body, "Tyler Brookes")
    # Monday 30 November, AM and PM: past and never recorded.
    assert "!" in row[0] and "Past, not recorded" in row[0]
    assert "bg-warning-subtle" in _td(body, "Tyler Brookes", 0)
    # Tuesday AM: today.
    assert "Today, not recorded yet" in row[2]
    # Monday 7 December AM: still to come, nothing to chase and no link to record it.
    assert "○" in row[10] and "Expected, still to come" in row[10]
    assert "bg-warning-subtle" not in _td(body, "Tyler Brookes", 10)
    assert "?day=2026-12-07" not in body


def test_codes_of_different_meaning_do_not_share_a_colour(client, admin_assistant, active_placement):
    mark(active_placement, "AM", MarkStatus.ABSENT, "I")
    mark(active_placement, "PM", MarkStatus.ABSENT, "N")
    mark(active_placement, "AM", day=MONDAY + timedelta(days=1))
    client.force_login(admin_assistant)
    body = client.get(GRID).content.decode()
    authorised, unauthorised, attended = (_td(body, "Tyler Brookes", i) for i in range(3))
    assert "bg-info-subtle" in authorised
    assert "bg-danger-subtle" in unauthorised
    assert "bg-success-subtle" in attended
    assert len({authorised, unauthorised, attended}) == 3
