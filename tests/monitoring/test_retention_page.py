"""The head's page of records past their retention period, and disposing of one from it."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from altprov.models import Flag, Membership, Notification, Role
from attendance.models import AttendanceMark, MarkStatus, Source
from monitoring.models import SafeguardingConcern
from monitoring.retention import RETENTION_REVIEW, retention_review
from placements.models import DisposalRecord, EndReason, Status

from ..factories import LearnerFactory, PlacementFactory, UserFactory
from .concern_factories import make_concern

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
DECEMBER = datetime(2026, 12, 1, 9, 0, tzinfo=LONDON)
PAGE = "monitoring:retention_review"


def _mark(placement, day):
    return AttendanceMark.objects.create(
        placement=placement,
        school=placement.school,
        date=day,
        session="AM",
        status=MarkStatus.PRESENT,
        code="B",
        source=Source.PROVIDER_LINK,
    )


def _ended(school, first_name, end_date):
    learner = LearnerFactory(school=school, legal_first_name=first_name, preferred_name="")
    return PlacementFactory(
        learner=learner,
        status=Status.ENDED,
        end_reason=EndReason.COMPLETED,
        start_date=date(end_date.year - 1, 9, 1),
        end_date=end_date,
    )


def _page(client, user):
    client.force_login(user)
    with time_machine.travel(DECEMBER):
        return client.get(reverse(PAGE))


def _dispose(client, user, kind, pk, **data):
    client.force_login(user)
    url = reverse("monitoring:retention_dispose", args=[kind, pk])
    with time_machine.travel(DECEMBER):
        return client.post(url, data, follow=True)


def test_the_head_sees_the_due_records_of_their_school(client, school, head):
    placement = _ended(school, "Ada", date(2019, 3, 3))
    text = _page(client, head).content.decode()
    assert f"Placement of {placement.learner} at {placement.provider.name}" in text
    assert "Sunday 3 March 2019" in text
    assert "the day the placement ended" in text
    assert placement.get_absolute_url() in text
    assert reverse("monitoring:retention_dispose", args=["placements", placement.pk]) in text


def test_a_record_within_its_period_is_not_listed(client, school, head):
    _ended(school, "Ada", date(2019, 3, 3))
    recent = _ended(school, "Bea", date(2021, 3, 3))
    text = _page(client, head).content.decode()
    assert str(recent.learner) not in text
    assert reverse("monitoring:retention_dispose", args=["placements", recent.pk]) not in text


def test_another_schools_records_are_not_listed(client, school, other_school, head):
    theirs = _ended(other_school, "Cleo", date(2019, 3, 3))
    response = _page(client, head)
    assert response.status_code == 200
    text = response.content.decode()
    assert str(theirs.learner) not in text
    assert "No record of this school is past its retention period." in text


def test_child_protection_records_are_listed_as_never_deleted(client, school, head, dsl):
    learner = LearnerFactory(school=school, date_of_birth=date(2000, 5, 1))
    concern = make_concern(learner, raised_by=dsl)
    text = _page(client, head).content.decode()
    assert "Never deleted by the app: child protection" in text
    assert concern.detail not in text
    assert reverse("monitoring:retention_dispose", args=["child_protection", concern.pk]) not in text


@pytest.mark.parametrize("role", [Role.SLT, Role.PASTORAL, Role.DSL, Role.SENDCO, Role.ADMIN, Role.FINANCE])
def test_other_roles_are_refused(client, school, role):
    user = UserFactory()
    Membership.objects.create(user=user, school=school, role=role)
    assert _page(client, user).status_code == 403


def test_the_page_takes_the_same_queries_however_many_are_due(
    client, school, head, django_assert_max_num_queries
):
    placement = _ended(school, "Ada", date(2019, 3, 3))
    client.force_login(head)
    with time_machine.travel(DECEMBER):
        client.get(reverse(PAGE))  # the session and role caches warm
        with django_assert_max_num_queries(45):
            few = client.get(reverse(PAGE))
        for day in range(1, 29):
            _mark(placement, date(2019, 2, day))
            _ended(school, f"Learner{day}", date(2019, 2, day))
        with django_assert_max_num_queries(45) as many:
            client.get(reverse(PAGE))
    assert few.status_code == 200
    assert len(many.captured_queries) <= 45


def test_the_first_fifty_are_listed_with_the_count(client, school, head):
    placement = _ended(school, "Ada", date(2019, 3, 3))
    for month in range(1, 13):
        for day in range(1, 6):
            _mark(placement, date(2019, month, day))
    text = _page(client, head).content.decode()
    assert "the first 50 of 60" in text


def test_the_flag_and_the_heads_message_link_to_the_page(school, head):
    _ended(school, "Ada", date(2019, 3, 3))
    with time_machine.travel(DECEMBER):
        retention_review()
    flag = Flag.objects.get(kind=RETENTION_REVIEW.name)
    assert flag.url == reverse(PAGE)
    assert Notification.objects.get(key=flag.key, recipient=head).url == reverse(PAGE)


def test_the_school_menu_links_to_the_page_for_the_head(client, school, head, slt):
    assert f'href="{reverse(PAGE)}"' in _page(client, head).content.decode()
    assert f'href="{reverse(PAGE)}"' not in _page(client, slt).content.decode()


def test_disposing_of_a_record_keeps_a_disposal_record(client, school, head):
    placement = _ended(school, "Ada", date(2019, 3, 3))
    pk = placement.pk
    response = _dispose(
        client, head, "placements", pk, reason="Past six years, agreed with the DPO", confirm="on"
    )
    assert "Disposed of" in response.content.decode()
    disposal = DisposalRecord.objects.get()
    assert (disposal.record_type, disposal.record_id, disposal.by) == ("placements.placement", pk, head)


def test_disposing_needs_a_reason_and_a_confirmation(client, school, head):
    placement = _ended(school, "Ada", date(2019, 3, 3))
    response = _dispose(client, head, "placements", placement.pk, reason="  ")
    text = response.content.decode()
    assert "Enter the reason for disposing of the record" in text
    assert "Tick the box to confirm that the record is to be deleted" in text
    assert not DisposalRecord.objects.exists()


def test_a_child_protection_record_is_refused_with_a_message(client, school, head, dsl):
    learner = LearnerFactory(school=school, date_of_birth=date(2000, 5, 1))
    concern = make_concern(learner, raised_by=dsl)
    response = _dispose(client, head, "child_protection", concern.pk, reason="Learner is 26", confirm="on")
    assert "never deleted by altprov" in response.content.decode()
    assert SafeguardingConcern.objects.filter(pk=concern.pk).exists()
    assert not DisposalRecord.objects.exists()


def test_a_record_within_its_period_is_refused_with_a_message(client, school, head):
    recent = _ended(school, "Bea", date(2021, 3, 3))
    response = _dispose(client, head, "placements", recent.pk, reason="Tidying up", confirm="on")
    assert "within its retention period" in response.content.decode()
    assert not DisposalRecord.objects.exists()


def test_another_schools_record_answers_404(client, school, other_school, head):
    theirs = _ended(other_school, "Cleo", date(2019, 3, 3))
    response = _dispose(client, head, "placements", theirs.pk, reason="Past six years", confirm="on")
    assert response.status_code == 404
    assert not DisposalRecord.objects.exists()


def test_a_learner_with_child_protection_records_is_refused_with_a_message(client, school, head, dsl):
    learner = LearnerFactory(school=school, date_of_birth=date(2000, 5, 1))
    make_concern(learner, raised_by=dsl)
    response = _dispose(client, head, "learners", learner.pk, reason="Learner is 26", confirm="on")
    assert response.status_code == 200
    assert "other records kept by the school depend on this one" in response.content.decode()
    assert learner.__class__.objects.filter(pk=learner.pk).exists()
    assert not DisposalRecord.objects.exists()
