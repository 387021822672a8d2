"""Staff change an active placement's sessions from next Monday; last week's register stays as it was."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import Page, expect

from altprov.models import Role
from placements.models import Status

from ..attendance.conftest import mark
from ..factories import (
    LearnerFactory,
    PlacementFactory,
    approved_provider,
)
from .school_day import staff, term_around

LONDON = ZoneInfo("Europe/London")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def next_wednesday(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() != 2:
        day += timedelta(days=1)
    return day


@pytest.fixture
def setup(school, dsl):
    # The whole process, the live server included, runs on a Wednesday: last
    # week is behind, next Monday ahead. Only forward, so the browser (on the
    # real clock) never sees a cookie dated in its past.
    wednesday = next_wednesday(timezone.localdate())
    with time_machine.travel(datetime.combine(wednesday, time(10, 30), tzinfo=LONDON), tick=True):
        cache.clear()
        term_around(school, wednesday)
        staff(school, Role.SLT, "sally", "Sally", "Senior")
        provider = approved_provider(school, dsl, wednesday, name="Riverside Skills")
        placement = PlacementFactory(
            learner=LearnerFactory(school=school, legal_first_name="Tyler", legal_last_name="Brookes"),
            provider=provider,
            status=Status.ACTIVE,
            start_date=wednesday - timedelta(days=58),
            activated_on=wednesday - timedelta(days=58),
            target_end_date=wednesday + timedelta(weeks=12),
            mon_am=True,
            mon_pm=True,
            tue_am=True,
        )
        last_monday = wednesday - timedelta(days=9)
        # Monday AM present, Monday PM not reported yet, Tuesday AM absent through illness.
        mark(placement, last_monday, "AM", "B")
        mark(placement, last_monday + timedelta(days=1), "AM", "I")
        yield {
            "placement": placement,
            "last_monday": last_monday,
            "next_monday": wednesday + timedelta(days=5),
        }


def grid_cells(page: Page, base: str, monday: date) -> list[str]:
    friday = monday + timedelta(days=4)
    page.goto(f"{base}/attendance/register/?start={monday.isoformat()}&end={friday.isoformat()}")
    row = page.get_by_role("row").filter(has_text="Tyler Brookes")
    # Each cell's code, "!" (past, not recorded), "?" (today), "○" (to come) or "–", without the words
    # read out to screen readers.
    return [
        text.strip().splitlines()[0].split(":")[0].strip()
        for text in row.get_by_role("cell").all_inner_texts()
    ]


def test_a_change_from_next_monday_leaves_last_weeks_register_as_it_was(page: Page, live_server, setup):
    base = live_server.url
    placement, last_monday, next_monday = setup["placement"], setup["last_monday"], setup["next_monday"]
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("sally")
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()

    before = grid_cells(page, base, last_monday)
    # Mon AM B, Mon PM expected and never recorded, Tue AM I; Wednesday to Friday not expected.
    assert before[:6] == ["B", "!", "I", "–", "–", "–"]

    page.goto(f"{base}/placements/{placement.pk}/edit/")
    page.get_by_label("Monday PM").uncheck()
    page.get_by_label("Wednesday AM").check()
    page.get_by_label("New sessions apply from").fill(next_monday.isoformat())
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(f"The new sessions apply from {next_monday:%A %-d %B %Y}.")).to_be_visible()
    versions = page.get_by_role("table").filter(has_text="Recorded")
    expect(versions).to_contain_text(f"{next_monday:%d/%m/%Y}")
    expect(versions).to_contain_text("Monday AM, Tuesday AM, Wednesday AM")

    assert grid_cells(page, base, last_monday) == before
    page.screenshot(path="var/screenshot-timetable-change.png", full_page=True)
    # Next week, still to come: Monday PM no longer expected, Wednesday AM is.
    after = grid_cells(page, base, next_monday)
    assert after[:6] == ["○", "–", "○", "–", "○", "–"]
