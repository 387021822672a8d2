from datetime import date, timedelta

import pytest

from placements.models import ClosureKind, Placement, Status
from placements.schedule import ExpectedSession, expected_sessions, first_expected_days, school_days

from ..factories import (
    LearnerFactory,
    PlacementFactory,
    ProviderClosureFactory,
    SchoolClosureFactory,
    SchoolFactory,
    TermFactory,
)
from .conftest import MONDAY

pytestmark = pytest.mark.django_db


def days_of(sessions, placement=None):
    return [(s.day, s.session) for s in sessions if placement is None or s.placement_id == placement.pk]


def test_weekly_timetable_gives_each_session(active_placement):
    week = expected_sessions(MONDAY, MONDAY + timedelta(days=6))
    assert days_of(week) == [(MONDAY, "AM"), (MONDAY, "PM"), (MONDAY + timedelta(days=1), "AM")]
    assert week[0] == ExpectedSession(MONDAY, "AM", active_placement.pk)


def test_weekends_are_never_expected(active_placement):
    saturday = MONDAY - timedelta(days=2)
    assert expected_sessions(saturday, saturday + timedelta(days=1)) == []


def test_half_term_break_is_not_expected(active_placement):
    half_term_monday = date(2026, 10, 26)
    assert expected_sessions(half_term_monday, half_term_monday + timedelta(days=4)) == []
    assert days_of(expected_sessions(date(2026, 11, 2), date(2026, 11, 2))) == [
        (date(2026, 11, 2), "AM"),
        (date(2026, 11, 2), "PM"),
    ]


def test_school_closures_and_bank_holidays_are_not_expected(school, active_placement):
    SchoolClosureFactory(school=school, date=MONDAY, kind=ClosureKind.INSET)
    assert days_of(expected_sessions(MONDAY, MONDAY + timedelta(days=1))) == [
        (MONDAY + timedelta(days=1), "AM")
    ]


def test_provider_closures_are_not_expected(provider, active_placement):
    ProviderClosureFactory(provider=provider, start_date=MONDAY, end_date=MONDAY + timedelta(days=1))
    assert expected_sessions(MONDAY, MONDAY + timedelta(days=6)) == []


def test_outside_terms_nothing_is_expected(active_placement):
    christmas = date(2026, 12, 21)
    assert expected_sessions(christmas, christmas + timedelta(days=13)) == []


def test_across_terms_only_term_days_count(school, autumn, active_placement):
    TermFactory(
        school=school,
        school_year="2026/27",
        name="spring",
        start_date=date(2027, 1, 5),
        end_date=date(2027, 3, 26),
        half_term_start=date(2027, 2, 15),
        half_term_end=date(2027, 2, 19),
    )
    found = days_of(expected_sessions(date(2026, 12, 14), date(2027, 1, 12)))
    # Autumn's last week (Mon 14, Tue 15 Dec) then spring from Tuesday 5 Jan.
    assert found == [
        (date(2026, 12, 14), "AM"),
        (date(2026, 12, 14), "PM"),
        (date(2026, 12, 15), "AM"),
        (date(2027, 1, 5), "AM"),
        (date(2027, 1, 11), "AM"),
        (date(2027, 1, 11), "PM"),
        (date(2027, 1, 12), "AM"),
    ]


def test_placement_dates_bound_the_sessions(active_placement):
    active_placement.start_date = MONDAY + timedelta(days=1)
    active_placement.save()
    assert days_of(expected_sessions(MONDAY, MONDAY + timedelta(days=1))) == [
        (MONDAY + timedelta(days=1), "AM")
    ]


def test_only_running_placements_are_expected(school, autumn, provider):
    common = {"provider": provider, "start_date": date(2026, 9, 7), "target_end_date": date(2027, 3, 1)}
    for status in [Status.REFERRED, Status.PLANNING, Status.AGREED]:
        PlacementFactory(learner=LearnerFactory(school=school), status=status, **common)
    never_started = PlacementFactory(
        learner=LearnerFactory(school=school),
        status=Status.CEASED,
        ceased_reason="x",
        end_date=MONDAY,
        **common,
    )
    ceased = PlacementFactory(
        learner=LearnerFactory(school=school),
        status=Status.CEASED,
        ceased_reason="Serious incident",
        end_date=MONDAY,
        activated_on=date(2026, 9, 7),
        **common,
    )
    ended = PlacementFactory(
        learner=LearnerFactory(school=school),
        status=Status.ENDED,
        end_reason="completed",
        end_date=MONDAY,
        **common,
    )
    found = expected_sessions(MONDAY, MONDAY + timedelta(days=1))
    assert {s.placement_id for s in found} == {ceased.pk, ended.pk}
    assert never_started.pk not in {s.placement_id for s in found}
    assert days_of(found, ended) == [(MONDAY, "AM")]


def test_each_school_uses_its_own_calendar(school, autumn, provider, active_placement):
    other = SchoolFactory()
    TermFactory(
        school=other,
        school_year="2026/27",
        name="autumn",
        start_date=date(2026, 9, 3),
        end_date=date(2026, 12, 17),
        half_term_start=date(2026, 11, 30),
        half_term_end=date(2026, 12, 4),
    )
    theirs = PlacementFactory(
        learner=LearnerFactory(school=other),
        provider=provider,
        status=Status.ACTIVE,
        start_date=date(2026, 9, 7),
        target_end_date=date(2027, 3, 1),
        mon_am=True,
    )
    found = expected_sessions(MONDAY, MONDAY)
    assert {s.placement_id for s in found} == {active_placement.pk}
    assert theirs.pk not in {s.placement_id for s in found}


def test_school_days_skip_closures(school, autumn):
    SchoolClosureFactory(school=school, date=MONDAY, kind=ClosureKind.BANK_HOLIDAY)
    days = school_days([school.pk], MONDAY, MONDAY + timedelta(days=6))[school.pk]
    assert days == [MONDAY + timedelta(days=n) for n in range(1, 5)]


def test_query_count_does_not_grow_with_placements_or_days(
    school, autumn, provider, django_assert_num_queries
):
    for _ in range(30):
        PlacementFactory(
            learner=LearnerFactory(school=school),
            provider=provider,
            status=Status.ACTIVE,
            start_date=date(2026, 9, 7),
            target_end_date=date(2027, 3, 1),
            mon_am=True,
            tue_am=False,
            wed_pm=True,
        )
    ProviderClosureFactory(provider=provider, start_date=date(2026, 10, 12), end_date=date(2026, 10, 13))
    # placements, their timetable versions, terms, school closures, provider closures.
    with django_assert_num_queries(5):
        found = expected_sessions(date(2026, 9, 1), date(2026, 12, 31), placements=Placement.objects.all())
    # 14 full weeks of Mon AM and Wed PM, minus half term and the Monday the provider was closed.
    assert len(found) == 30 * (2 * 14 - 1)


def test_a_provider_closure_applies_to_its_own_school_only(school, autumn, provider, active_placement):
    other = SchoolFactory()
    TermFactory(
        school=other,
        school_year="2026/27",
        name="autumn",
        start_date=date(2026, 9, 2),
        end_date=date(2026, 12, 18),
        half_term_start=date(2026, 10, 26),
        half_term_end=date(2026, 10, 30),
    )
    theirs = PlacementFactory(
        learner=LearnerFactory(school=other),
        provider=provider,
        status=Status.ACTIVE,
        start_date=date(2026, 9, 7),
        target_end_date=date(2027, 3, 1),
        mon_am=True,
        tue_am=False,
    )
    ProviderClosureFactory(provider=provider, school=other, start_date=MONDAY, end_date=MONDAY)
    found = expected_sessions(MONDAY, MONDAY)
    assert {s.placement_id for s in found} == {active_placement.pk}
    assert theirs.pk not in {s.placement_id for s in found}


def test_sessions_start_when_a_late_placement_was_activated(active_placement):
    # Due to start on 7 September, but only activated on Tuesday 1 December.
    active_placement.activated_on = MONDAY + timedelta(days=1)
    active_placement.save()
    assert days_of(expected_sessions(MONDAY - timedelta(days=7), MONDAY + timedelta(days=1))) == [
        (MONDAY + timedelta(days=1), "AM")
    ]
    assert expected_sessions(MONDAY, MONDAY) == []


def test_a_start_date_after_activation_still_comes_first(active_placement):
    active_placement.start_date = MONDAY + timedelta(days=1)
    active_placement.activated_on = MONDAY - timedelta(days=14)
    active_placement.save()
    assert days_of(expected_sessions(MONDAY - timedelta(days=7), MONDAY + timedelta(days=1))) == [
        (MONDAY + timedelta(days=1), "AM")
    ]


def test_first_expected_days_agree_with_the_full_list(
    school, autumn, provider, active_placement, django_assert_num_queries
):
    """Each span's first expected day is the first of expected_sessions in it; a span with none is absent."""
    SchoolClosureFactory(school=school, date=MONDAY, kind=ClosureKind.INSET)
    ProviderClosureFactory(provider=provider, start_date=date(2026, 11, 2), end_date=date(2026, 11, 10))
    spans = [
        (MONDAY, MONDAY + timedelta(days=6)),  # Monday closed: Tuesday morning
        (date(2026, 10, 26), date(2026, 10, 30)),  # half term: none
        (date(2026, 11, 2), date(2026, 11, 16)),  # the provider closed until the 10th: Monday 16th
        (date(2026, 8, 1), date(2026, 9, 8)),  # before the start, then its first Monday
        (date(2026, 12, 19), date(2027, 1, 3)),  # the holidays: none
        (MONDAY + timedelta(days=2), MONDAY + timedelta(days=4)),  # Wednesday to Friday: no timetable
    ]
    with django_assert_num_queries(5):
        found = first_expected_days({active_placement.pk: spans})

    every = expected_sessions(date(2026, 8, 1), date(2027, 1, 3), placements=Placement.objects.all())
    expected = {}
    for index, (start, end) in enumerate(spans):
        days = [e.day for e in every if start <= e.day <= end]
        if days:
            expected[(active_placement.pk, index)] = min(days)
    assert found == expected
    assert set(found) == {(active_placement.pk, 0), (active_placement.pk, 2), (active_placement.pk, 3)}
    assert first_expected_days({}) == {}
