"""A change to an active placement's sessions applies from a day on; the days before keep theirs."""

from datetime import date, timedelta

import pytest
import time_machine

from attendance.register_grid import build_grid
from placements.models import Placement, PlacementTimetable
from placements.schedule import expected_sessions, is_expected

from ..factories import LearnerFactory, PlacementFactory
from .conftest import MONDAY, london, mark

pytestmark = pytest.mark.django_db

LAST_MONDAY = MONDAY - timedelta(days=7)
WEDNESDAY = MONDAY + timedelta(days=2)
NEXT_MONDAY = MONDAY + timedelta(days=7)
# active_placement: Monday AM and PM, Tuesday AM. From next Monday: Wednesday AM, Thursday PM.
OLD_WEEK = [(0, "AM"), (0, "PM"), (1, "AM")]
NEW_WEEK = [(2, "AM"), (3, "PM")]


@pytest.fixture(autouse=True)
def wednesday_afternoon():
    with time_machine.travel(london(WEDNESDAY, 15), tick=False):
        yield


@pytest.fixture
def last_week_marked(active_placement):
    return [mark(active_placement, LAST_MONDAY + timedelta(days=n), s, "B") for n, s in OLD_WEEK]


@pytest.fixture
def changed(active_placement, slt):
    active_placement.set_timetable({"wed_am": True, "thu_pm": True}, by=slt, effective_from=NEXT_MONDAY)
    return active_placement


def week(monday: date, placement) -> list[tuple[int, str]]:
    found = expected_sessions(
        monday, monday + timedelta(days=6), placements=Placement.objects.filter(pk=placement.pk)
    )
    return [((e.day - monday).days, e.session) for e in found]


def test_last_weeks_expected_sessions_and_marks_stay_as_they_were(last_week_marked, changed):
    assert week(LAST_MONDAY, changed) == OLD_WEEK
    grid = build_grid(school=changed.school, start=LAST_MONDAY, end=LAST_MONDAY + timedelta(days=4))
    [row] = grid.rows
    marked = [(c.day, c.session) for c in row.cells if c.mark is not None]
    expected = [(c.day, c.session) for c in row.cells if c.expected]
    # Every mark is on an expected session (no "extra"), and every expected session has its mark (no gap).
    assert marked == expected == [(LAST_MONDAY + timedelta(days=n), s) for n, s in OLD_WEEK]
    assert [m.code for m in changed.marks.order_by("date", "session")] == ["B", "B", "B"]
    assert is_expected(changed, LAST_MONDAY, "PM")
    assert not is_expected(changed, LAST_MONDAY + timedelta(days=2), "AM")


def test_this_week_before_the_change_keeps_the_old_timetable(changed):
    assert week(MONDAY, changed) == OLD_WEEK
    # Today, Wednesday, is not yet a provider day for this learner.
    assert not is_expected(changed, WEDNESDAY, "AM")


def test_from_the_change_the_new_timetable_applies(changed):
    assert week(NEXT_MONDAY, changed) == NEW_WEEK
    assert week(NEXT_MONDAY + timedelta(days=7), changed) == NEW_WEEK


def test_versions_cost_one_query_however_many(school, autumn, provider, slt, django_assert_num_queries):
    for _ in range(10):
        placement = PlacementFactory(
            learner=LearnerFactory(school=school),
            provider=provider,
            status="active",
            start_date=date(2026, 9, 7),
            target_end_date=date(2027, 3, 1),
        )
        PlacementTimetable.objects.create(placement=placement, effective_from=date(2026, 11, 2), wed_pm=True)
    # placements, their timetable versions, terms, school closures, provider closures.
    with django_assert_num_queries(5):
        found = expected_sessions(date(2026, 9, 1), date(2026, 12, 31), placements=Placement.objects.all())
    # Mon and Tue AM for the 7 weeks before half term, then Wed PM for the 7 weeks after.
    assert len(found) == 10 * (7 * 2 + 7)
