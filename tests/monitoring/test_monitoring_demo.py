"""seed_demo's monitoring: visits, reviews, incidents, a concern, meetings and actions; nothing twice."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from altprov.models import Flag, LinkPurpose, LinkToken, Notification
from monitoring.models import (
    Action,
    AgreementReview,
    CeaseDecision,
    ConcernEntry,
    Incident,
    MeetingOutcome,
    ReviewMeeting,
    ReviewStatus,
    SafeguardingConcern,
    TermlyReview,
    Visit,
    VisitStatus,
)

pytestmark = pytest.mark.django_db
MONDAY_ELEVEN = datetime(2026, 11, 30, 11, tzinfo=ZoneInfo("Europe/London"))
SEEDED = [
    Visit,
    TermlyReview,
    Incident,
    SafeguardingConcern,
    ConcernEntry,
    ReviewMeeting,
    CeaseDecision,
    Action,
    AgreementReview,
    LinkToken,
    Flag,
    Notification,
]


@pytest.fixture
def concern_pages(monkeypatch):
    # The concern's pages are another part of monitoring: stand in for them.
    monkeypatch.setattr("monitoring.demo.concern_pages_installed", lambda: True)
    monkeypatch.setattr("monitoring.concerns.concern_url", lambda concern: f"/concerns/{concern.pk}/")


def seed() -> str:
    out = StringIO()
    with time_machine.travel(MONDAY_ELEVEN, tick=False):
        call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in SEEDED}


def test_the_demo_has_every_kind_of_monitoring_record_and_a_second_run_adds_nothing(concern_pages):
    out = seed()
    assert "Monitoring: " in out
    visits = Visit.objects.all()
    assert visits.filter(status=VisitStatus.DRAFT).count() == 1
    assert visits.filter(status=VisitStatus.SUBMITTED, visited_on__lte="2026-10-23").count() >= 8
    assert visits.filter(status=VisitStatus.SUBMITTED, visited_on__gte="2026-11-02").exists()
    returned = TermlyReview.objects.get(status=ReviewStatus.SUBMITTED)
    assert returned.school_response and returned.completed_by_name
    waiting = TermlyReview.objects.filter(status=ReviewStatus.REQUESTED)
    assert waiting.filter(due_date__lt=MONDAY_ELEVEN.date()).count() == 1
    assert waiting.filter(due_date__gt=MONDAY_ELEVEN.date()).count() == 2
    links = LinkToken.objects.about(TermlyReview, list(waiting.values_list("pk", flat=True)))
    assert links.filter(purpose=LinkPurpose.TERMLY_REVIEW).count() == 3
    assert Incident.objects.filter(decided_at__isnull=False).count() == 1
    assert Incident.objects.filter(decided_at__isnull=True).count() == 1
    concern = SafeguardingConcern.objects.get()
    assert concern.entries.count() == 2
    assert Flag.objects.filter(kind="concern_new").count() == 1
    assert ReviewMeeting.objects.filter(outcome=MeetingOutcome.UNSATISFACTORY).count() == 2
    assert ReviewMeeting.objects.filter(outcome=MeetingOutcome.SATISFACTORY).count() == 1
    assert CeaseDecision.objects.filter(decided_at__isnull=True).count() == 1
    assert Action.objects.filter(done_on__isnull=False).exists()
    assert Action.objects.filter(done_on__isnull=True, due_date__lt=MONDAY_ELEVEN.date()).exists()
    assert Action.objects.filter(done_on__isnull=True, due_date__gt=MONDAY_ELEVEN.date()).exists()
    # Most agreements were reviewed on time; one falls due this week and one is overdue.
    assert AgreementReview.objects.count() >= 5
    due = Flag.objects.filter(kind="agreement_review_due")
    assert 1 <= due.count() <= 5
    assert Flag.objects.filter(kind="action_overdue").exists()
    before = counts()
    seed()
    assert counts() == before
