"""gunicorn, started with the Procfile's config, logs requests without link secrets or reset tokens."""

import http.client
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from altprov.links import issue_link
from altprov.models import LinkPurpose

from ..factories import ProviderFactory

# Committed rows, for the server process to read; the seeded rows are put back afterwards.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROOT = Path(__file__).resolve().parents[2]
RESET_TOKEN = "cv8f2a-0123456789abcdef0123456789abcdef"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(tmp_path: Path) -> str:
    """The test database, as the server process can open it."""
    if connection.vendor == "sqlite":
        path = tmp_path / "db.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(path) as copy:
            connection.connection.backup(copy)
        return f"sqlite:///{path}"
    db = connection.settings_dict
    return "postgres://{}@{}:{}/{}".format(
        db["USER"], db["HOST"] or "127.0.0.1", db["PORT"] or 5432, db["NAME"]
    )


@pytest.fixture
def server(tmp_path):
    """Start gunicorn, hand over (port, folder), stop it; the logs are then in folder."""
    port = free_port()
    environment = {
        **{name: value for name, value in os.environ.items() if not name.startswith("DJANGO_")},
        "DATABASE_URL": "",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "1",
        "ACCESS_LOG": str(tmp_path / "access.log"),
        "ERROR_LOG": str(tmp_path / "error.log"),
        "CONN_MAX_AGE": "0",
    }
    started: list[subprocess.Popen] = []

    def start() -> int:
        environment["DATABASE_URL"] = database_url(tmp_path)
        with (tmp_path / "output.log").open("w") as output:
            started.append(
                subprocess.Popen(  # noqa: S603 - the Procfile's own command, fixed arguments
                    [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "altprov.wsgi"],
                    cwd=ROOT,
                    env=environment,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert started[0].poll() is None, (tmp_path / "output.log").read_text()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return port
            except OSError:
                time.sleep(0.1)
        pytest.fail("gunicorn did not start")

    yield start, tmp_path
    for process in started:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def get(port: int, path: str, **headers: str) -> int:
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    client.request("GET", path, headers=headers)
    status = client.getresponse().status
    client.close()
    return status


def all_logs(folder: Path) -> str:
    return "\n".join(
        (folder / name).read_text()
        for name in ("access.log", "error.log", "output.log")
        if (folder / name).exists()
    )


def test_no_link_secret_or_reset_token_reaches_gunicorns_logs(server, school):
    start, folder = server
    link, token = issue_link(purpose=LinkPurpose.PROVIDER_REGISTER, school=school, subject=ProviderFactory())
    secret = token.split(".", 1)[1]
    wrong = f"{link.pk}.{'W' * 42}x"
    port = start()

    page = f"/l/{token}/"
    assert get(port, page, Referer=f"https://altprov.example.org{page}") == 200
    assert (
        get(port, f"/l/{wrong}/?next=/l/{token}/&again=%2Fl%2F{token}", Referer=f"http://x/l/{wrong}") == 404
    )
    get(port, f"/accounts/reset/MQ/{RESET_TOKEN}/", Referer=f"https://x/accounts/reset/MQ/{RESET_TOKEN}/")
    time.sleep(0.5)  # the access log line is written after the response

    access = (folder / "access.log").read_text()
    assert f"GET /l/{link.pk}.[redacted]/ HTTP/1.1" in access
    assert f"/l/{link.pk}.[redacted]/?next=/l/{link.pk}.[redacted]/" in access
    assert "/accounts/reset/MQ/[redacted]/" in access
    logs = all_logs(folder)
    for leaked in (secret, wrong.split(".")[1], RESET_TOKEN):
        assert leaked not in logs
