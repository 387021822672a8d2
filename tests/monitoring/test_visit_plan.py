"""The twice-termly rule: one submitted visit in each half term of the placement's active period."""

from datetime import date

import pytest

from monitoring.models import VisitStatus
from monitoring.visit_plan import HalfState, plan_visits
from placements.models import Placement, PlacementTimetable, Status

from ..factories import UserFactory
from .visit_support import active_placement, submitted_visit, terms

pytestmark = pytest.mark.django_db


def states(placement, today):
    plan = plan_visits([placement], today=today)[placement.pk]
    return [(h.half.short_label, h.state) for h in plan.halves]


@pytest.fixture
def year(school):
    return terms(school)


def test_a_placement_starting_and_ending_mid_term_counts_only_the_halves_it_runs_in(school, year):
    staff = UserFactory()
    placement = active_placement(school, start_date=date(2026, 10, 12), target_end_date=date(2027, 2, 10))
    submitted_visit(placement, staff, date(2026, 10, 20))

    assert states(placement, date(2026, 12, 1)) == [
        ("Autumn 1", HalfState.DONE),
        ("Autumn 2", HalfState.DUE),
        ("Spring 1", HalfState.TO_COME),
    ]
    # The last 14 days of the half term: due soon; once it ends without a visit: overdue.
    assert states(placement, date(2026, 12, 5))[1] == ("Autumn 2", HalfState.DUE_SOON)
    assert states(placement, date(2027, 1, 5))[1] == ("Autumn 2", HalfState.OVERDUE)
    # Spring's first half is due by the placement's end, 10 February, not the half term's.
    plan = plan_visits([placement], today=date(2027, 1, 20))[placement.pk]
    spring = plan.halves[2]
    assert (spring.first_day, spring.due_by, spring.state) == (
        date(2027, 1, 4),
        date(2027, 2, 10),
        HalfState.DUE,
    )
    assert states(placement, date(2027, 1, 28))[2] == ("Spring 1", HalfState.DUE_SOON)
    assert plan.next_due is spring


def test_an_ended_placement_is_counted_to_its_end_date(school, year):
    placement = active_placement(school, start_date=date(2026, 10, 12), target_end_date=date(2027, 7, 1))
    Placement.objects.filter(pk=placement.pk).update(
        status=Status.ENDED, end_date=date(2026, 11, 20), end_reason="completed"
    )
    placement.refresh_from_db()
    plan = plan_visits([placement], today=date(2026, 11, 25))[placement.pk]
    assert [(h.half.short_label, h.state, h.due_by) for h in plan.halves] == [
        ("Autumn 1", HalfState.OVERDUE, date(2026, 10, 25)),
        ("Autumn 2", HalfState.OVERDUE, date(2026, 11, 20)),
    ]


def test_activation_after_the_start_moves_the_first_half_counted(school, year):
    placement = active_placement(school, start_date=date(2026, 10, 1), activated_on=date(2026, 11, 2))
    assert [label for label, _ in states(placement, date(2026, 11, 3))][:1] == ["Autumn 2"]


def test_a_timetable_change_that_leaves_a_half_term_without_sessions_asks_no_visit_there(school, year):
    placement = active_placement(school, start_date=date(2026, 9, 7))
    # From half term no sessions at the provider until spring.
    PlacementTimetable.objects.create(placement=placement, effective_from=date(2026, 10, 26))
    PlacementTimetable.objects.create(placement=placement, effective_from=date(2027, 1, 4), wed_pm=True)
    labels = [label for label, _ in states(placement, date(2026, 12, 1))]
    assert "Autumn 2" not in labels
    assert labels[:3] == ["Autumn 1", "Spring 1", "Spring 2"]


def test_a_visit_in_the_half_term_break_counts_for_neither_half(school, year):
    placement = active_placement(school, start_date=date(2026, 9, 7))
    submitted_visit(placement, UserFactory(), date(2026, 10, 28))
    assert states(placement, date(2026, 11, 2))[:2] == [
        ("Autumn 1", HalfState.OVERDUE),
        ("Autumn 2", HalfState.DUE),
    ]


def test_a_draft_visit_does_not_count(school, year):
    placement = active_placement(school, start_date=date(2026, 9, 7))
    visit = submitted_visit(placement, UserFactory(), date(2026, 10, 5))
    type(visit).objects.filter(pk=visit.pk).update(status=VisitStatus.DRAFT)
    assert states(placement, date(2026, 10, 12))[0] == ("Autumn 1", HalfState.DUE_SOON)


@pytest.mark.parametrize("count", [1, 20])
def test_the_plan_takes_the_same_queries_for_1_and_20_placements(
    school, year, count, django_assert_num_queries
):
    staff = UserFactory()
    placements = [active_placement(school, start_date=date(2026, 9, 7)) for _ in range(count)]
    for p in placements:
        submitted_visit(p, staff, date(2026, 10, 5))
    loaded = list(Placement.objects.filter(pk__in=[p.pk for p in placements]))
    # Terms (1); expected sessions: placements, timetable versions, terms,
    # school closures, provider closures (5); submitted visits (1).
    with django_assert_num_queries(7):
        plans = plan_visits(loaded, today=date(2026, 12, 1))
    assert all(plans[p.pk].halves[0].state == HalfState.DONE for p in placements)
