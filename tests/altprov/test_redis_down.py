"""Redis down: pages and provider links still answer; emails wait in the outbox and go once when it is back.

Runs in CI's PostgreSQL and Redis pass (REDIS_URL and DATABASE_URL set): the
app queues on a port where nothing listens, then on the real Redis, where a
real worker runs the sweep.
"""

from datetime import date

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from altprov import notifications
from altprov.celery import app
from altprov.links import issue_link
from altprov.models import Delivery, LinkPurpose, Notification
from altprov.tasks import send_outbox_task
from attendance.models import AttendanceMark, MarkStatus, Source
from attendance.recording import MarkInput, record_marks
from placements.models import Status

from ..attendance.conftest import MONDAY, london
from ..factories import LearnerFactory, PlacementFactory, TermFactory, approved_provider
from ..workers import broker, closed_port, mail_messages, needs_redis_and_postgresql, start_worker, stop

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def vulnerable_placements(school, dsl):
    """Two looked-after learners at one provider on Monday morning: an unexplained absence tells the DSL."""
    TermFactory(school=school, start_date=date(2026, 9, 2), end_date=date(2026, 12, 18))
    provider = approved_provider(school, dsl, MONDAY, name="Riverside Skills")
    return provider, [
        PlacementFactory(
            learner=LearnerFactory(school=school, looked_after=True),
            provider=provider,
            status=Status.ACTIVE,
            start_date=date(2026, 9, 7),
            target_end_date=date(2027, 3, 26),
            activated_on=date(2026, 9, 7),
            mon_am=True,
        )
        for _ in range(2)
    ]


def test_pages_and_links_answer_with_redis_down_and_each_email_goes_once_when_it_is_back(
    client, school, dsl, admin_assistant, vulnerable_placements, tmp_path
):
    needs_redis_and_postgresql()
    provider, (by_link, by_staff) = vulnerable_placements
    field = f"marks-{MONDAY:%Y%m%d}-{by_link.pk}-am"
    with time_machine.travel(london(MONDAY, 10, 30), tick=False):
        _, token = issue_link(purpose=LinkPurpose.PROVIDER_REGISTER, school=school, subject=provider)
        record_marks(
            school=school,
            entries=[MarkInput(placement=by_staff, day=MONDAY, session="AM", status=MarkStatus.PRESENT)],
            source=Source.PROVIDER_LINK,
        )
        staff_mark = AttendanceMark.objects.get(placement=by_staff)
        with broker(f"redis://127.0.0.1:{closed_port()}/0"):
            link = reverse("link_page", kwargs={"token": token})
            assert client.get(link).status_code == 200
            response = client.post(
                link, {"save": MONDAY.isoformat(), f"{field}-status": "absent", f"{field}-code": "N"}
            )
            assert response.status_code == 302
            client.force_login(admin_assistant)
            for page in ("home", "attendance:today"):
                assert client.get(reverse(page)).status_code == 200
            response = client.post(
                reverse("attendance:amend_mark", args=[staff_mark.pk]),
                {"status": "absent", "code": "N", "note": "", "reason": "Provider mixed him up"},
            )
            assert response.status_code == 302

    waiting = Notification.objects.filter(status=Delivery.PENDING, recipient=dsl)
    assert set(waiting.values_list("key", flat=True)) == {
        f"dsl:absence:{AttendanceMark.objects.get(placement=by_link).pk}",
        f"dsl:absence:{staff_mark.pk}",
    }

    mail = tmp_path / "mail"
    with broker(settings.REDIS_URL):
        app.control.purge()
        worker = start_worker(mail, name="redis-back")
        try:
            first = send_outbox_task.delay().get(timeout=60)
            second = send_outbox_task.delay().get(timeout=60)
        finally:
            stop(worker)
    assert first["sent"] == 2
    assert second["sent"] == 0
    assert not Notification.objects.filter(status=Delivery.PENDING).exists()
    messages = mail_messages(mail)
    assert len(messages) == 2
    assert all(dsl.email in text for text in messages)


def test_queuing_with_redis_down_gives_up_fast_and_keeps_the_message(school, dsl):
    needs_redis_and_postgresql()
    from altprov.notifications import notify

    with broker(f"redis://127.0.0.1:{closed_port()}/0"):
        notify(users=[dsl], school=school, key="a", subject="One", body="One")
        # The first failure pauses queuing: the second message does not wait on Redis again.
        assert notifications._broker_down_until is not None
        notify(users=[dsl], school=school, key="b", subject="Two", body="Two")
    assert Notification.objects.filter(status=Delivery.PENDING).count() == 2
