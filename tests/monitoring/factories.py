"""Factories for monitoring records (kept apart from tests/factories.py)."""

from datetime import date

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from monitoring.models import ReviewStatus, TermlyReview

from ..factories import PlacementFactory, TermFactory


class TermlyReviewFactory(DjangoModelFactory):
    """A review asked of the provider for Autumn 2026 (due 18 December), not yet returned."""

    placement = factory.SubFactory(PlacementFactory, status="active", start_date=date(2026, 9, 7))
    school = factory.SelfAttribute("placement.school")
    term = factory.SubFactory(TermFactory, school=factory.SelfAttribute("..school"))
    due_date = factory.SelfAttribute("term.end_date")
    requested_at = factory.LazyFunction(timezone.now)
    provision_attended = factory.LazyAttribute(
        lambda o: f"{o.placement.provider.name}, {o.placement.site.name}"
    )
    dates_attended = "7 September 2026 to 18 December 2026"
    attendance_percent = 95

    class Meta:
        model = TermlyReview

    class Params:
        returned = factory.Trait(
            status=ReviewStatus.SUBMITTED,
            submitted_at=factory.LazyFunction(timezone.now),
            completed_by_name="Robin Tutor",
            attendance_commentary="Two mornings missed with illness.",
            punctuality="Always on time.",
            attitude_to_learning="Keen and asks questions.",
            skills_covered="Brickwork: laying to a line; site safety.",
            next_targets="Build a corner; Level 1 numeracy.",
            other_comments="A good term.",
        )
