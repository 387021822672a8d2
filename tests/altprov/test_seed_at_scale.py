"""seed_demo --placements: local-authority-scale data for benchmarks, small here."""

from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from altprov.models import Membership, School
from attendance.figures import figures_for
from attendance.models import AttendanceMark, AttendanceWeek
from attendance.summary import rebuild_summary
from placements.models import Learner, Placement, Provider

pytestmark = pytest.mark.django_db


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


@time_machine.travel("2026-09-30 18:00 +01:00", tick=False)
def test_placements_spread_over_schools_with_a_shared_directory_and_marks():
    out = seed(placements=50, years=2)

    assert Placement.objects.filter(status="active").count() == 50
    assert Placement.objects.filter(status="ended").count() == 50
    assert School.objects.count() == 1  # one school per 40 placements, at least one
    assert Provider.objects.count() == 20
    assert Membership.objects.filter(user__username="la-officer").count() == 1
    assert AttendanceMark.objects.exists()
    assert "50 active placements" in out


@time_machine.travel("2026-09-30 18:00 +01:00", tick=False)
def test_the_summary_is_built_and_matches_a_rebuild():
    seed(placements=80, years=1)
    assert School.objects.count() == 2
    kept = set(AttendanceWeek.objects.values_list("placement_id", "week_start", "attended", "not_yet_marked"))
    assert kept

    rebuild_summary()

    assert (
        set(AttendanceWeek.objects.values_list("placement_id", "week_start", "attended", "not_yet_marked"))
        == kept
    )
    school = School.objects.first()
    found = figures_for(Learner.objects.filter(school=school), *_term(school))
    assert sum(f.possible for f in found.values()) == AttendanceMark.objects.filter(school=school).count()


def _term(school):
    term = school.terms.order_by("start_date").first()  # autumn: the marks so far
    return term.start_date, term.end_date


@time_machine.travel("2026-09-30 18:00 +01:00", tick=False)
def test_a_second_run_is_refused_clearly():
    seed(placements=10, years=1)
    with pytest.raises(CommandError, match="already here"):
        seed(placements=10, years=1)
    assert Placement.objects.count() == 10


def test_years_out_of_range_are_refused():
    with pytest.raises(CommandError, match="between 1 and 6"):
        seed(placements=10, years=7)
