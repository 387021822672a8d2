"""The monitoring chronology on a learner's and a placement's page; concerns for the DSL and head only."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from altprov.roles import perms_at
from monitoring.chronology import chronology
from monitoring.concerns import raise_concern
from monitoring.meetings import record_agreement_review
from monitoring.models import (
    ConcernSource,
    Incident,
    MeetingOutcome,
    ReviewStatus,
    TermlyReview,
    Visit,
    VisitStatus,
)

from ..factories import TermFactory
from .meeting_world import action, active_placement, meeting

pytestmark = pytest.mark.django_db
SECRET = "CHRONO-SECRET-7731"


@pytest.fixture(autouse=True)
def _concern_pages(monkeypatch):
    # The concern's own pages are another part of monitoring; the flag only needs an address here.
    monkeypatch.setattr("monitoring.concerns.concern_url", lambda concern: f"/concerns/{concern.pk}/")


def aware(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def fill(placement, pastoral, i: int = 0):
    """One of every kind, on days 10 to 1 before today."""
    today = timezone.localdate()
    ago = lambda n: today - timedelta(days=n)  # noqa: E731
    Visit.objects.create(
        school=placement.school,
        placement=placement,
        staff=pastoral,
        status=VisitStatus.SUBMITTED,
        visited_on=ago(10),
        safeguarding_concerns=False,
        parent_contact=True,
        submitted_at=aware(ago(10)),
        attendance_percent=Decimal("92.5"),
        created_by=pastoral,
    )
    Visit.objects.create(school=placement.school, placement=placement, staff=pastoral, created_by=pastoral)
    # A term of its own for each round: a term's reviews are versions of one review.
    term = TermFactory(school=placement.school, school_year=f"{2030 + i}/{31 + i}")
    returned = TermlyReview.objects.create(
        school=placement.school,
        placement=placement,
        term=term,
        status=ReviewStatus.SUBMITTED,
        due_date=ago(1),
        submitted_at=aware(ago(8)),
        completed_by_name="Lee",
    )
    TermlyReview.objects.create(
        school=placement.school,
        placement=placement,
        term=term,
        version=2,
        supersedes=returned,
        due_date=ago(1),
    )
    Incident.objects.create(
        school=placement.school,
        placement=placement,
        occurred_at=aware(ago(7)),
        what_happened="Threw a chair",
        who_involved="Two learners",
        immediate_action="Separated",
        physical_intervention=False,
        reported_at=aware(ago(7)),
        reported_by_name="Lee",
    )
    meeting(placement, pastoral, outcome=MeetingOutcome.SATISFACTORY, held_on=ago(5))
    record_agreement_review(
        placement=placement, by=pastoral, held_on=ago(4), notes="Kept", changes_needed=True
    )
    done = action(placement, owner=pastoral, description="Call home", by=pastoral)
    done.done_on, done.done_note, done.done_by = ago(1), "Called", pastoral
    done.save()
    raise_concern(
        learner=placement.learner,
        placement=placement,
        detail=SECRET,
        source=ConcernSource.STAFF,
        raised_by=pastoral,
        now=aware(ago(3)),
    )


def test_every_kind_newest_first_and_concerns_only_for_the_dsl_and_head(school, pastoral, head, dsl, slt):
    placement = active_placement(school)
    fill(placement, pastoral)
    kinds = [item.kind for item in chronology(can=perms_at(head, school.pk), placement=placement)]
    assert kinds == [
        "Action agreed",
        "Action done",
        "Safeguarding concern",
        "Agreement review",
        "Review meeting",
        "Incident",
        "Termly review",
        "Visit",
    ]
    items = chronology(can=perms_at(dsl, school.pk), learner=placement.learner)
    assert "Safeguarding concern" in [i.kind for i in items]
    for user in (pastoral, slt):
        items = chronology(can=perms_at(user, school.pk), placement=placement)
        assert "Safeguarding concern" not in [i.kind for i in items]
    assert all(SECRET not in item.summary for item in items)


def test_the_pages_show_it_to_monitoring_roles_without_a_hint_of_concerns(
    client, school, pastoral, dsl, slt, admin_assistant
):
    placement = active_placement(school)
    fill(placement, pastoral)
    for url in (placement.get_absolute_url(), placement.learner.get_absolute_url()):
        client.force_login(dsl)
        page = client.get(url).content.decode()
        assert 'id="chronology-heading"' in page and "Safeguarding concern raised" in page
        assert SECRET not in page
        for user in (pastoral, slt):
            client.force_login(user)
            page = client.get(url).content.decode()
            assert 'id="chronology-heading"' in page
            assert (
                "Safeguarding concern" not in page
                and "concern" not in page.split('id="chronology"')[1].lower()
            )
        client.force_login(admin_assistant)
        assert 'id="chronology-heading"' not in client.get(url).content.decode()


def test_items_link_where_the_page_exists(school, pastoral):
    placement = active_placement(school)
    fill(placement, pastoral)
    items = {item.kind: item for item in chronology(can=perms_at(pastoral, school.pk), placement=placement)}
    recorded = placement.review_meetings.get()
    assert items["Review meeting"].url == reverse("monitoring:meeting_detail", args=[recorded.pk])
    assert items["Agreement review"].url is None
    assert "Call home" in items["Action agreed"].summary and "Called" in items["Action done"].summary


@pytest.mark.parametrize("n", [1, 3])
def test_a_fixed_number_of_queries(school, pastoral, head, n, django_assert_num_queries):
    placement = active_placement(school)
    for i in range(n):
        fill(placement, pastoral, i)
    can, other = perms_at(head, school.pk), perms_at(pastoral, school.pk)
    # Visits, termly reviews, incidents, meetings, agreement reviews, actions, concerns: one each.
    with django_assert_num_queries(7):
        assert len(chronology(can=can, placement=placement)) == 8 * n
    with django_assert_num_queries(6):
        chronology(can=other, learner=placement.learner)
