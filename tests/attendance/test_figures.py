from datetime import date, timedelta
from decimal import Decimal

import pytest

from attendance.codes import CODES
from attendance.figures import (
    Band,
    Figures,
    band,
    figures_for,
    school_year_so_far,
    term_so_far,
    this_term,
)
from attendance.models import AttendanceMark, MarkStatus, Source
from placements.models import Learner, Status

from ..factories import LearnerFactory, PlacementFactory, TermFactory
from .conftest import MONDAY, mark

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("percent", "expected"),
    [
        (0, Band.SEVERE),
        (50.0, Band.SEVERE),
        (Decimal("50"), Band.SEVERE),
        (50.01, Band.PERSISTENT),
        (90.0, Band.PERSISTENT),
        (90.01, Band.BELOW_TARGET),
        (94.99, Band.BELOW_TARGET),
        (95.0, Band.AT_TARGET),
        (100, Band.AT_TARGET),
        (None, None),
    ],
)
def test_bands_at_the_boundaries_with_a_target_of_95(percent, expected):
    assert band(percent, Decimal("95.00")) == expected


def test_the_schools_own_target_moves_only_the_target_band():
    assert band(92, 90) == Band.AT_TARGET
    assert band(89.99, 85) == Band.PERSISTENT
    assert band(97, 98) == Band.BELOW_TARGET


def test_nine_sessions_of_ten_is_exactly_90_and_persistent():
    figures = Figures(attended=9, unauthorised=1)
    assert figures.percent == 90
    assert figures.band(95) == Band.PERSISTENT
    assert Figures(attended=1, authorised=1).band(95) == Band.SEVERE


def test_no_possible_sessions_has_no_percent():
    figures = Figures(not_counted=4, not_yet_marked=2)
    assert figures.possible == 0
    assert figures.percent is None
    assert figures.band(95) is None


def test_percent_rounds_half_up_to_one_place():
    assert Figures(attended=7, unauthorised=1).rounded_percent == Decimal("87.5")
    assert Figures(attended=2, unauthorised=1).rounded_percent == Decimal("66.7")


def test_every_code_counts_as_the_codes_table_says():
    figures = Figures()
    for code in CODES:
        figures.add(code, 1)
    assert figures.attended == 3  # B, K, L
    assert figures.unauthorised == 4  # G, N, O, U
    assert figures.not_counted == 7  # D, Q, Y1, Y2, Y3, Y7, #
    assert figures.authorised == len(CODES) - 14


def test_percent_over_a_range_with_mixed_codes(active_placement):
    p = active_placement
    # Monday 23 and Tuesday 24 November, Monday 30 November.
    mark(p, MONDAY - timedelta(days=7), "AM", "B")
    mark(p, MONDAY - timedelta(days=7), "PM", "B")
    mark(p, MONDAY - timedelta(days=6), "AM", "C2")  # authorised: part-time timetable
    mark(p, MONDAY, "AM", "N")  # unauthorised
    mark(p, MONDAY, "PM", "D")  # dual registration: not a possible session
    mark(p, MONDAY + timedelta(days=1), "AM", "B")  # after the range
    mark(p, MONDAY - timedelta(days=14), "AM", "O")  # before the range

    figures = figures_for([p.learner_id], MONDAY - timedelta(days=7), MONDAY)[p.learner_id]

    assert (figures.attended, figures.authorised, figures.unauthorised, figures.not_counted) == (2, 1, 1, 1)
    assert figures.possible == 4
    assert figures.percent == 50
    assert figures.band(95) == Band.SEVERE


def test_expected_sessions_without_a_mark_are_not_yet_marked_and_not_in_the_percent(active_placement):
    p = active_placement
    # Expected: Monday 23 AM and PM, Tuesday 24 AM, Monday 30 AM and PM.
    mark(p, MONDAY - timedelta(days=7), "AM", "B")
    mark(p, MONDAY - timedelta(days=7), "PM", "N")

    found = figures_for(
        Learner.objects.filter(pk=p.learner_id), MONDAY - timedelta(days=7), MONDAY, unmarked_until=MONDAY
    )

    assert found[p.learner_id].not_yet_marked == 3
    assert found[p.learner_id].percent == 50


def test_sessions_after_the_unmarked_cutoff_are_not_counted_as_missing(active_placement):
    p = active_placement
    found = figures_for(
        [p.learner_id], MONDAY - timedelta(days=7), MONDAY, unmarked_until=MONDAY - timedelta(days=7)
    )
    assert found[p.learner_id].not_yet_marked == 2


def test_learners_without_marks_are_left_out(active_placement):
    assert figures_for([active_placement.learner_id], MONDAY, MONDAY) == {}


def test_figures_for_50_learners_in_one_query(school, autumn, provider, django_assert_num_queries):
    placements = [
        PlacementFactory(
            learner=LearnerFactory(school=school),
            provider=provider,
            status=Status.ACTIVE,
            start_date=date(2026, 9, 7),
            activated_on=date(2026, 9, 7),
        )
        for _ in range(50)
    ]
    AttendanceMark.objects.bulk_create(
        AttendanceMark(
            placement=p,
            school=school,
            date=MONDAY,
            session="AM",
            status=MarkStatus.PRESENT if i % 2 else MarkStatus.ABSENT,
            code="B" if i % 2 else "N",
            source=Source.PROVIDER_LINK,
        )
        for i, p in enumerate(placements)
    )
    learners = Learner.objects.filter(school=school)

    # The marks, grouped by learner and code.
    with django_assert_num_queries(1):
        found = figures_for(learners, MONDAY, MONDAY)
    assert len(found) == 50
    assert sum(f.attended for f in found.values()) == 25

    # Plus the expected sessions' placements, their timetable versions, terms,
    # school closures and provider closures, the marks' keys and the
    # placements' learners.
    with django_assert_num_queries(8):
        found = figures_for(
            learners, MONDAY, MONDAY + timedelta(days=1), unmarked_until=MONDAY + timedelta(days=1)
        )
    assert sum(f.not_yet_marked for f in found.values()) == 50  # every Tuesday AM


def test_this_term_is_the_term_containing_the_day_or_the_one_just_ended(school, autumn):
    spring = TermFactory(
        school=school,
        name="spring",
        school_year="2026/27",
        start_date=date(2027, 1, 5),
        end_date=date(2027, 3, 26),
        half_term_start=date(2027, 2, 15),
        half_term_end=date(2027, 2, 19),
    )
    assert this_term(school.pk, MONDAY) == autumn
    assert this_term(school.pk, date(2026, 12, 25)) == autumn
    assert this_term(school.pk, date(2027, 1, 5)) == spring
    assert this_term(school.pk, date(2026, 8, 31)) is None


def test_other_schools_terms_are_not_this_term(school, other_school, autumn):
    assert this_term(other_school.pk, MONDAY) is None


def test_term_and_year_so_far(school, autumn):
    TermFactory(
        school=school,
        name="spring",
        school_year="2026/27",
        start_date=date(2027, 1, 5),
        end_date=date(2027, 3, 26),
        half_term_start=date(2027, 2, 15),
        half_term_end=date(2027, 2, 19),
    )
    term = term_so_far(autumn, MONDAY)
    assert (term.start, term.end) == (date(2026, 9, 2), MONDAY)
    assert term.label == "Autumn term 2026/27"
    year = school_year_so_far(autumn, date(2027, 2, 1))
    assert (year.start, year.end) == (date(2026, 9, 2), date(2027, 2, 1))
    assert term_so_far(autumn, date(2027, 2, 1)).end == date(2026, 12, 18)
