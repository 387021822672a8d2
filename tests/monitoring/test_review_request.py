"""The daily termly review job: who is asked, once only, in a constant number of queries;
the reminders, once per review and reminder; the overdue flag, raised and resolved."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from altprov.models import Flag, FlagNotice, LinkPurpose, LinkToken, Notification
from altprov.settings import CELERY_BEAT_SCHEDULE
from attendance.models import AttendanceMark, MarkStatus, Source
from monitoring import review_flags
from monitoring.models import ReviewStatus, TermlyReview
from monitoring.reviews import request_termly_reviews, send_reminders, submit
from placements.models import Status

from ..factories import PlacementFactory, ProviderFactory, SchoolFactory, TermFactory, UserFactory
from .factories import TermlyReviewFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def at(day: date, hour: int = 7, minute: int = 30) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


@pytest.fixture
def term(school):
    return TermFactory(school=school)  # Autumn 2026, 2 September to Friday 18 December


def active(school, **kwargs):
    kwargs.setdefault("start_date", date(2026, 9, 7))
    kwargs.setdefault("status", Status.ACTIVE)
    return PlacementFactory(learner__school=school, **kwargs)


def mark(placement, day, code="B", status=MarkStatus.PRESENT):
    return AttendanceMark.objects.create(
        placement=placement,
        school=placement.school,
        date=day,
        session="AM",
        status=status,
        code=code,
        source=Source.PROVIDER_LINK,
    )


def test_each_active_placement_is_asked_once_n_days_before_the_term_ends(school, term):
    asked = active(school, provider=ProviderFactory(name="Forge Skills", lead_contact_name="Pat Lead"))
    late_start = active(school, start_date=date(2027, 1, 6))
    ended = active(school, end_date=date(2026, 11, 20), status=Status.ENDED, end_reason="completed")
    referred = PlacementFactory(learner__school=school)
    with time_machine.travel(at(date(2026, 12, 3)), tick=False):
        assert request_termly_reviews()["requested"] == 0  # 15 days before: not yet
    with time_machine.travel(at(date(2026, 12, 4)), tick=False):
        assert request_termly_reviews()["requested"] == 1
        assert request_termly_reviews()["requested"] == 0
    review = TermlyReview.objects.get()
    assert review.placement == asked and review.term == term and review.version == 1
    assert review.status == ReviewStatus.REQUESTED
    assert review.due_date == date(2026, 12, 18)
    assert review.provision_attended == f"Forge Skills, {asked.site.name}"
    assert review.dates_attended == "7 September 2026 to 18 December 2026"
    assert not TermlyReview.objects.filter(placement__in=[late_start, ended, referred]).exists()

    link = LinkToken.objects.get(purpose=LinkPurpose.TERMLY_REVIEW)
    assert (link.subject_id, link.audience, link.recipient_name) == (review.pk, "provider", "Pat Lead")
    assert link.recipient_email == asked.provider.lead_contact_email
    # 21 days after the term ends: it works all of Friday 8 January 2027.
    assert link.expires_at == at(date(2027, 1, 9), 0, 0)
    message = Notification.objects.get()
    assert message.to_email == asked.provider.lead_contact_email and message.recipient is None
    assert message.secret
    assert "Friday 18 December 2026" in message.body and "/l/" in message.body
    assert "What to do" in message.body
    token = message.body.split("/l/")[1].split("/")[0]
    assert link.token_hash != token.split(".")[1] and len(link.token_hash) == 64


def test_the_schools_notice_setting_decides_when(school, term):
    school.review_notice_days = 3
    school.save()
    active(school)
    with time_machine.travel(at(date(2026, 12, 14)), tick=False):
        assert request_termly_reviews()["requested"] == 0
    with time_machine.travel(at(date(2026, 12, 15)), tick=False):
        assert request_termly_reviews()["requested"] == 1
    # Asked 3 days before: the request stands for the 7-day reminder.
    assert TermlyReview.objects.get().reminded_days_before == 7


def test_attendance_is_prefilled_from_the_terms_marks_of_this_placement(school, term):
    placement = active(school)
    for day in (date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 9)):
        mark(placement, day)
    mark(placement, date(2026, 11, 10), code="O", status=MarkStatus.ABSENT)
    mark(placement, date(2026, 8, 28))  # before the term
    with time_machine.travel(at(date(2026, 12, 4)), tick=False):
        request_termly_reviews()
    assert TermlyReview.objects.get().attendance_percent == Decimal("75.0")


def _run_counting(day: date) -> int:
    with time_machine.travel(at(day), tick=False), CaptureQueriesContext(connection) as queries:
        request_termly_reviews()
    return len(queries)


def test_the_job_asks_the_same_number_of_queries_for_one_placement_or_many(school, term):
    other = SchoolFactory()
    TermFactory(school=other)
    active(school)
    one = _run_counting(date(2026, 12, 4))
    for _ in range(4):
        active(school)
        active(other)
    TermlyReview.objects.all().delete()
    LinkToken.objects.all().delete()
    many = _run_counting(date(2026, 12, 4))
    assert TermlyReview.objects.count() == 9
    assert many == one


def test_the_command_and_the_beat_entry(school, term, capsys):
    active(school)
    with time_machine.travel(at(date(2026, 12, 4)), tick=False):
        call_command("request_termly_reviews")
    assert "requested: 1" in capsys.readouterr().out
    entry = CELERY_BEAT_SCHEDULE["request-termly-reviews"]
    assert entry["task"] == "monitoring.tasks.request_termly_reviews_task"
    assert entry["schedule"].hour == {7} and entry["schedule"].minute == {30}
    assert entry["schedule"].day_of_week == {1, 2, 3, 4, 5}


# Reminders -------------------------------------------------------------------


def test_reminders_go_7_days_and_1_day_before_once_each_with_a_fresh_link(school, term):
    active(school)
    with time_machine.travel(at(date(2026, 12, 4)), tick=False):
        request_termly_reviews()
    first = LinkToken.objects.get()
    with time_machine.travel(at(date(2026, 12, 10)), tick=False):
        assert send_reminders() == 0  # 8 days before
    with time_machine.travel(at(date(2026, 12, 11)), tick=False):
        assert send_reminders() == 1
        assert send_reminders() == 0
    review = TermlyReview.objects.get()
    assert review.reminded_days_before == 7
    first.refresh_from_db()
    assert first.revoked_at is not None  # the fresh link replaces it
    assert LinkToken.objects.usable(review.requested_at).count() == 1
    with time_machine.travel(at(date(2026, 12, 17)), tick=False):
        assert send_reminders() == 1
        assert send_reminders() == 0
    keys = sorted(Notification.objects.values_list("key", flat=True))
    assert keys == [
        f"termly-review:{review.pk}:reminder-1",
        f"termly-review:{review.pk}:reminder-7",
        f"termly-review:{review.pk}:request",
    ]
    reminder = Notification.objects.get(key__endswith="reminder-1")
    assert "reminder" in reminder.subject and "What to do" in reminder.body


def test_no_reminder_once_returned(school, term):
    review = TermlyReviewFactory(placement=active(school), term=term, returned=True)
    with time_machine.travel(at(date(2026, 12, 17)), tick=False):
        assert send_reminders() == 0
    assert not Notification.objects.filter(key__contains=str(review.pk)).exists()


# The overdue flag ------------------------------------------------------------


def test_overdue_flag_is_raised_after_the_term_told_once_and_resolves_on_return(school, term, pastoral):
    visitor = UserFactory()
    placement = active(school, visiting_staff=visitor)
    review = TermlyReviewFactory(placement=placement, term=term)
    with time_machine.travel(at(date(2026, 12, 18)), tick=False):
        assert review_flags.check_overdue_reviews()["raised"] == 0  # due today
    with time_machine.travel(at(date(2026, 12, 21)), tick=False):
        assert review_flags.check_overdue_reviews()["raised"] == 1
        assert review_flags.check_overdue_reviews()["raised"] == 0
    flag = Flag.objects.get(kind="termly_review_overdue")
    assert flag.key == f"termly-review-overdue:{review.pk}"
    assert flag.url == review.get_absolute_url() and flag.roles == ",pastoral,"
    told = {(n.user, n.audience) for n in FlagNotice.objects.filter(flag=flag)}
    assert told == {(pastoral, "the pastoral team"), (visitor, "the visiting staff member")}
    assert Notification.objects.filter(key=f"flag:{flag.pk}:raised").count() == 2

    with time_machine.travel(at(date(2026, 12, 22)), tick=False):
        submit(review=review, answers={"completed_by_name": "Robin Tutor"})
    flag.refresh_from_db()
    assert flag.resolution == "Review returned" and flag.resolved_at is not None
    with time_machine.travel(at(date(2026, 12, 23)), tick=False):
        assert review_flags.check_overdue_reviews() == {"raised": 0, "resolved": 0}


def test_the_job_resolves_a_flag_when_the_placement_ends_or_the_review_came_back(school, term):
    ending = TermlyReviewFactory(placement=active(school), term=term)
    returning = TermlyReviewFactory(placement=active(school), term=term)
    with time_machine.travel(at(date(2026, 12, 21)), tick=False):
        assert review_flags.check_overdue_reviews()["raised"] == 2
    type(ending.placement).objects.filter(pk=ending.placement_id).update(
        status=Status.ENDED, end_date=date(2026, 12, 21), end_reason="completed"
    )
    # Returned without the submission's own resolve (as if it was missed).
    TermlyReview.objects.filter(pk=returning.pk).update(
        status=ReviewStatus.SUBMITTED, submitted_at=at(date(2026, 12, 21)), completed_by_name="A"
    )
    with time_machine.travel(at(date(2026, 12, 22)), tick=False):
        assert review_flags.check_overdue_reviews() == {"raised": 0, "resolved": 2}
    resolutions = dict(Flag.objects.values_list("subject_id", "resolution"))
    assert resolutions == {ending.pk: "Placement ended", returning.pk: "Review returned"}


def test_an_overdue_review_is_chased_by_the_daily_job_too(school, term):
    TermlyReviewFactory(placement=active(school), term=term)
    with time_machine.travel(at(date(2026, 12, 21)), tick=False):
        assert request_termly_reviews()["overdue"] == 1
    assert timedelta(0) < Flag.objects.get().raised_at - at(date(2026, 12, 21), 0, 0)
