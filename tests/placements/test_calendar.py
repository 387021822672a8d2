from datetime import date

import pytest

from placements.models import ClosureKind, TermName
from placements.schedule import school_days
from tests.factories import SchoolClosureFactory, TermFactory

pytestmark = pytest.mark.django_db


def is_school_day(school, day: date) -> bool:
    return school_days([school.pk], day, day)[school.pk] == [day]


@pytest.fixture
def autumn(school):
    # Wednesday 2 September to Friday 18 December 2026; half term 26-30 October.
    return TermFactory(school=school)


@pytest.fixture
def spring(school):
    # Clocks go forward on Sunday 29 March 2026, inside this term.
    return TermFactory(
        school=school,
        name=TermName.SPRING,
        start_date=date(2026, 1, 5),
        end_date=date(2026, 3, 31),
        half_term_start=date(2026, 2, 16),
        half_term_end=date(2026, 2, 20),
    )


def test_weekday_inside_term_is_a_school_day(school, autumn):
    assert is_school_day(school, date(2026, 9, 2))
    assert is_school_day(school, date(2026, 10, 5))
    assert is_school_day(school, date(2026, 12, 18))


@pytest.mark.parametrize("day", [date(2026, 10, 3), date(2026, 10, 4)])
def test_weekend_inside_term_is_not_a_school_day(school, autumn, day):
    assert not is_school_day(school, day)


@pytest.mark.parametrize("day", [date(2026, 10, 26), date(2026, 10, 28), date(2026, 10, 30)])
def test_half_term_break_is_not_a_school_day(school, autumn, day):
    assert not is_school_day(school, day)


def test_days_either_side_of_half_term_are_school_days(school, autumn):
    assert is_school_day(school, date(2026, 10, 23))
    assert is_school_day(school, date(2026, 11, 2))


def test_school_closure_is_not_a_school_day(school, autumn):
    SchoolClosureFactory(school=school, date=date(2026, 11, 13), kind=ClosureKind.INSET)
    assert not is_school_day(school, date(2026, 11, 13))
    assert is_school_day(school, date(2026, 11, 12))


def test_another_schools_closure_does_not_close_this_school(school, other_school, autumn):
    SchoolClosureFactory(school=other_school, date=date(2026, 11, 13))
    assert is_school_day(school, date(2026, 11, 13))


def test_another_schools_term_does_not_open_this_school(school, other_school):
    TermFactory(school=other_school)
    assert not is_school_day(school, date(2026, 10, 5))


@pytest.mark.parametrize("day", [date(2026, 9, 1), date(2026, 8, 20), date(2026, 12, 21), date(2027, 1, 4)])
def test_weekday_outside_terms_is_not_a_school_day(school, autumn, day):
    assert not is_school_day(school, day)


def test_half_is_first_before_the_break(autumn):
    assert autumn.half_for(date(2026, 9, 2)) == 1
    assert autumn.half_for(date(2026, 10, 23)) == 1


def test_half_is_second_after_the_break(autumn):
    assert autumn.half_for(date(2026, 11, 2)) == 2
    assert autumn.half_for(date(2026, 12, 18)) == 2


def test_no_half_in_the_break_or_outside_the_term(autumn):
    assert autumn.half_for(date(2026, 10, 28)) is None
    assert autumn.half_for(date(2026, 8, 20)) is None


def test_clocks_going_forward_do_not_change_school_days(school, spring):
    assert is_school_day(school, date(2026, 3, 27))
    assert not is_school_day(school, date(2026, 3, 28))
    assert not is_school_day(school, date(2026, 3, 29))
    assert is_school_day(school, date(2026, 3, 30))
    assert spring.half_for(date(2026, 3, 30)) == 2


def test_clocks_going_back_do_not_change_school_days(school, autumn):
    # Clocks go back on Sunday 25 October 2026, the weekend before half term.
    assert is_school_day(school, date(2026, 10, 23))
    assert not is_school_day(school, date(2026, 10, 25))
    assert not is_school_day(school, date(2026, 10, 26))


def test_school_days_over_the_dst_fortnight_count_weekdays_only(school, spring):
    days = school_days([school.pk], date(2026, 3, 23), date(2026, 4, 3))[school.pk]
    assert days == [
        date(2026, 3, 23),
        date(2026, 3, 24),
        date(2026, 3, 25),
        date(2026, 3, 26),
        date(2026, 3, 27),
        date(2026, 3, 30),
        date(2026, 3, 31),
    ]


def test_school_days_load_terms_and_closures_in_two_queries(school, autumn, django_assert_num_queries):
    SchoolClosureFactory(school=school, date=date(2026, 11, 13))
    # 1. terms overlapping the range; 2. closures in the range.
    with django_assert_num_queries(2):
        days = school_days([school.pk], date(2026, 9, 1), date(2026, 12, 31))[school.pk]
    # 3 days in the first week, 14 full weeks around half term, less the closure.
    assert len(days) == 3 + 14 * 5 - 1
