"""A real Celery worker process on the test database, for the tests that need Redis and PostgreSQL.

Email goes to files, one per message (Django's file backend opens one file per
connection, and the outbox sends each message on its own connection).
"""

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.core.mail.backends import filebased
from django.db import connection

from altprov import notifications
from altprov.celery import app

ROOT = Path(__file__).resolve().parents[1]


def needs_redis_and_postgresql() -> None:
    if not settings.REDIS_URL or connection.vendor != "postgresql":
        pytest.skip("Needs REDIS_URL and PostgreSQL (CI's second pass)")


def closed_port() -> int:
    """A local port nothing listens on: a Redis that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def broker(url: str):
    """Queue this process's tasks on `url`, not in process."""
    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url = url
    app.conf.task_always_eager = False
    _forget_connections()
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        _forget_connections()


def _forget_connections() -> None:
    app._pool = None
    app.amqp._producer_pool = None
    notifications._broker_down_until = None


def start_worker(mail: Path, *, name: str, extra_env: dict | None = None, concurrency: str = "solo"):
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://{}@{}:{}/{}".format(
            db["USER"], db["HOST"] or "127.0.0.1", db["PORT"] or 5432, db["NAME"]
        ),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail),
        "CONN_MAX_AGE": "0",
        **(extra_env or {}),
    }
    return subprocess.Popen(  # noqa: S603 - our own worker, fixed arguments
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "altprov",
            "worker",
            f"--pool={concurrency}",
            "--loglevel=warning",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"{name}-{os.getpid()}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(process) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


MESSAGE_END = "\n" + "-" * 79 + "\n"


def mail_messages(folder: Path) -> list[str]:
    """Each message the file mail backend wrote. One file holds every message a connection sent,
    and two connections opened in the same second at the same address share a file, so count
    messages, never files."""
    files = sorted(folder.glob("*.log")) if folder.exists() else []
    return [text for f in files for text in f.read_text().split(MESSAGE_END) if text.strip()]


class SlowMailServer(filebased.EmailBackend):
    """A mail server that takes a while to accept each message: time for a worker to be killed mid-job."""

    def send_messages(self, email_messages):
        time.sleep(float(os.environ.get("SLOW_MAIL_SECONDS", "2")))
        return super().send_messages(email_messages)
