"""The missing-report job through a real Celery worker on Redis and PostgreSQL.

Runs in CI's PostgreSQL and Redis pass (REDIS_URL and DATABASE_URL set). The
worker is a separate process on the test database; email goes to files (the
outside world, SMTP, is the only part replaced).
"""

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from altprov.celery import app
from altprov.models import Flag, Role
from attendance.tasks import check_missing_reports_task
from placements.models import Status

from ..factories import LearnerFactory, MembershipFactory, PlacementFactory, UserFactory
from ..workers import mail_messages
from .conftest import MONDAY, london

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker(tmp_path):
    if not settings.REDIS_URL or connection.vendor != "postgresql":
        pytest.skip("Needs REDIS_URL and PostgreSQL (CI's second pass)")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://{}@{}:{}/{}".format(
            db["USER"], db["HOST"] or "127.0.0.1", db["PORT"] or 5432, db["NAME"]
        ),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        "CONN_MAX_AGE": "0",
    }
    process = subprocess.Popen(  # noqa: S603 - our own worker, fixed arguments
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "altprov",
            "worker",
            "--pool=solo",
            "--loglevel=warning",
            "-n",
            f"e2e-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    app.conf.task_always_eager = False
    yield tmp_path / "mail"
    app.conf.task_always_eager = True
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def test_worker_raises_one_flag_and_sends_one_email(worker, school, autumn, provider):
    PlacementFactory(
        learner=LearnerFactory(school=school),
        provider=provider,
        status=Status.ACTIVE,
        start_date=date(2026, 9, 7),
        target_end_date=date(2027, 3, 1),
        mon_am=True,
    )
    admin = UserFactory(email="office@school.example")
    MembershipFactory(user=admin, school=school, role=Role.ADMIN)

    at = london(MONDAY, 10, 30).isoformat()
    first = check_missing_reports_task.delay(now=at).get(timeout=60)
    second = check_missing_reports_task.delay(now=at).get(timeout=60)
    assert first["raised"] == 1
    assert second["raised"] == 0
    assert Flag.objects.count() == 1

    deadline = time.monotonic() + 30
    while not mail_messages(worker) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)  # a second email, if one were wrongly sent, would be written by now
    messages = mail_messages(worker)
    assert len(messages) == 1
    text = messages[0]
    assert "office@school.example" in text
    assert "has not reported AM attendance" in text
