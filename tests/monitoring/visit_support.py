"""What the visit tests share: a school year's terms, an active placement, a
submitted visit, and the concern page's URL where it is not built yet."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.urls import NoReverseMatch, reverse

from monitoring.models import Visit, VisitStatus
from placements.models import Status, TermName

from ..factories import PlacementFactory, TermFactory

LONDON = ZoneInfo("Europe/London")


def terms(school):
    """Autumn 2026 (half term 26-30 October) and spring 2027 (half term 15-19 February)."""
    autumn = TermFactory(school=school)
    spring = TermFactory(
        school=school,
        name=TermName.SPRING,
        start_date=date(2027, 1, 4),
        end_date=date(2027, 3, 26),
        half_term_start=date(2027, 2, 15),
        half_term_end=date(2027, 2, 19),
    )
    return autumn, spring


def active_placement(school, **kwargs):
    start = kwargs.pop("start_date", date(2026, 9, 7))
    return PlacementFactory(
        learner__school=school,
        status=Status.ACTIVE,
        start_date=start,
        activated_on=kwargs.pop("activated_on", start),
        target_end_date=kwargs.pop("target_end_date", date(2027, 7, 16)),
        **kwargs,
    )


def submitted_visit(placement, staff, day: date, **kwargs) -> Visit:
    return Visit.objects.create(
        school_id=placement.school_id,
        placement=placement,
        staff=staff,
        created_by=staff,
        status=VisitStatus.SUBMITTED,
        visited_on=day,
        visited_at=kwargs.pop("visited_at", time(10, 30)),
        safeguarding_concerns=kwargs.pop("safeguarding_concerns", False),
        parent_contact=kwargs.pop("parent_contact", True),
        submitted_at=datetime.combine(day, time(12, 0), tzinfo=LONDON),
        **kwargs,
    )


@pytest.fixture
def concern_pages(monkeypatch):
    """The concern's own page belongs to the safeguarding part; where it is not
    in the URLs yet, a concern still gets a URL so that it can be raised."""
    try:
        reverse("monitoring:concern_detail", args=[1])
    except NoReverseMatch:

        def url(concern):
            return f"/monitoring/concerns/{concern.pk}/"

        monkeypatch.setattr("monitoring.concerns.concern_url", url)
        monkeypatch.setattr("monitoring.views.visits.concern_url", url)
