"""Shared attendance fixtures: a school term around Monday 30 November 2026."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from attendance.codes import ATTENDED_CODES
from attendance.models import AttendanceMark, MarkStatus, Source
from attendance.summary import refresh_summary
from placements.models import Status

from ..factories import LearnerFactory, PlacementFactory, TermFactory, approved_provider

LONDON = ZoneInfo("Europe/London")
MONDAY = date(2026, 11, 30)


def london(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def autumn(school):
    """Autumn 2026: 2 Sep to 18 Dec, half term 26 to 30 Oct."""
    return TermFactory(
        school=school,
        school_year="2026/27",
        name="autumn",
        start_date=date(2026, 9, 2),
        end_date=date(2026, 12, 18),
        half_term_start=date(2026, 10, 26),
        half_term_end=date(2026, 10, 30),
    )


@pytest.fixture
def provider(school, dsl):
    return approved_provider(school, dsl, MONDAY, name="Riverside Skills")


@pytest.fixture
def active_placement(school, autumn, provider):
    """Monday and Tuesday mornings plus Monday afternoon, active since September."""
    return PlacementFactory(
        learner=LearnerFactory(school=school, legal_first_name="Tyler", legal_last_name="Brookes"),
        provider=provider,
        status=Status.ACTIVE,
        start_date=date(2026, 9, 7),
        target_end_date=date(2027, 3, 26),
        activated_on=date(2026, 9, 7),
        mon_am=True,
        mon_pm=True,
        tue_am=True,
    )


def mark(placement, day: date, session: str, code: str, **extra) -> AttendanceMark:
    """A mark stored directly, its status following the code (from the provider unless `source` says).

    The figures' weekly summary is refreshed as the recording workflow would.
    """
    status = MarkStatus.PRESENT if code in ATTENDED_CODES | {"D"} else MarkStatus.ABSENT
    found = AttendanceMark.objects.create(
        placement=placement,
        school_id=placement.school_id,
        date=day,
        session=session,
        status=status,
        code=code,
        source=extra.pop("source", Source.PROVIDER_LINK),
        **extra,
    )
    refresh_summary(placement_ids=[placement.pk], weeks=[day])
    return found
