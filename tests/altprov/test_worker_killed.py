"""A worker killed in the middle of a job: the job runs again and each message still goes once.

Runs in CI's PostgreSQL and Redis pass. Jobs are acknowledged when finished
(CELERY_TASK_ACKS_LATE), so the sweep a killed worker was running stays on the
queue and a fresh worker runs it again once the visibility timeout has passed;
the outbox's claims keep what was already sent from going twice.
"""

import signal
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.utils import timezone

from altprov.celery import app
from altprov.models import Delivery, Notification
from altprov.notifications import notify
from altprov.tasks import send_outbox_task

from ..factories import UserFactory
from ..workers import broker, mail_messages, needs_redis_and_postgresql, start_worker, stop

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WORKER_ENV = {
    "EMAIL_BACKEND": "tests.workers.SlowMailServer",
    "SLOW_MAIL_SECONDS": "2",
    "CELERY_VISIBILITY_TIMEOUT": "2",
}


def wait_for(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("Gave up waiting")
        time.sleep(0.05)


def test_a_sweep_killed_mid_batch_runs_again_and_sends_each_message_once(school, tmp_path):
    needs_redis_and_postgresql()
    people = [UserFactory(email=f"staff{n}@school.example") for n in range(3)]
    # Their own tasks are lost (never queued): the sweep sends them.
    with mock.patch("altprov.notifications._queue_email"):
        for n, person in enumerate(people):
            notify(
                users=[person],
                school=school,
                key=f"k{n}",
                subject=f"Message {n}",
                body=f"Body {n}",
                email=True,
            )
    mail = tmp_path / "mail"
    sent = Notification.objects.filter(status=Delivery.SENT)

    with broker(settings.REDIS_URL):
        app.control.purge()
        # Queued while no worker runs, so that the first worker takes the whole batch.
        job = send_outbox_task.delay()
        # A thread pool, so that the worker's event loop runs beside the job: a
        # solo worker's early acknowledgement would wait behind the job and
        # die with it, and the test would pass without late acknowledgement.
        first = start_worker(mail, name="killed", extra_env=WORKER_ENV, concurrency="threads")
        try:
            wait_for(lambda: sent.exists())
            first.send_signal(signal.SIGKILL)
            first.wait()
        finally:
            stop(first)
        assert sent.count() == 1
        # The killed worker held the next message; its claim runs out (after
        # five minutes in life) and here is moved back rather than waited for.
        Notification.objects.filter(status=Delivery.PENDING).update(
            claimed_until=timezone.now() - timedelta(seconds=1)
        )
        time.sleep(3)  # past the visibility timeout: the unacknowledged job is due again
        second = start_worker(mail, name="fresh", extra_env=WORKER_ENV)
        try:
            outcome = job.get(timeout=60)
        finally:
            stop(second)

    assert outcome["sent"] == 2
    assert sent.count() == 3
    texts = mail_messages(mail)
    assert len(texts) == 3
    for person in people:
        assert sum(person.email in text for text in texts) == 1
