"""Attendance speed figures on PostgreSQL (prints; asserts nothing).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/altprov_bench .venv/bin/python bench/attendance.py

Builds (once; seed_demo is idempotent) about 2,000 active placements over
about 500 providers, then times: expected sessions for a whole term across
every placement; the missing-report job at 10:30 on a school day; and the
Today page for the main school. Aim: each under one second.
"""

import os
import sys
import time
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "altprov.settings")
os.environ.setdefault("DEBUG", "1")
os.environ["REDIS_URL"] = ""
# Messages are built and "sent" in process, to memory: the figures include them.
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

import time_machine  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from altprov import notifications  # noqa: E402
from altprov.models import Flag, Notification, School, User  # noqa: E402
from altprov.notifications import send_notification  # noqa: E402
from attendance.missing import check_missing_reports  # noqa: E402
from placements.models import Placement, Provider, Term  # noqa: E402
from placements.schedule import expected_sessions  # noqa: E402

LONDON = ZoneInfo("Europe/London")
SCALE = int(os.environ.get("BENCH_SCALE", "95"))
SCHOOL_DAY = date(2026, 11, 30)


def timed(label: str, fn, repeat: int = 3):
    best, result, queries = float("inf"), None, 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            result = fn()
            elapsed = time.perf_counter() - start
        best = min(best, elapsed)
        queries = len(captured.captured_queries)
    print(f"{label:<60} {best * 1000:8.1f} ms  {queries:4d} queries")
    return result


def main() -> None:
    if connection.vendor != "postgresql":
        print("Set DATABASE_URL to a PostgreSQL database: the figures are for production's database.")
        sys.exit(2)
    call_command("migrate", verbosity=0)
    # Seeded as of that school day's early morning, so no provider has reported yet.
    with time_machine.travel(datetime(2026, 11, 30, 7, 0, tzinfo=LONDON), tick=False):
        call_command("seed_demo", scale=SCALE, stdout=open(os.devnull, "w"))  # noqa: SIM115
    school = School.objects.get(urn="139999")
    term = Term.objects.get(school=school, school_year="2026/27", name="autumn")
    running = Placement.objects.attending_between(term.start_date, term.end_date)
    print(
        f"Data: {running.count()} placements running in {term}, {Provider.objects.count()} providers, "
        f"{school.placements.count()} placements at {school}"
    )

    sessions = timed(
        f"Expected sessions, whole {term}, every placement",
        lambda: expected_sessions(term.start_date, term.end_date),
    )
    print(f"{'':<60} {len(sessions):,} sessions")

    at = datetime(2026, 11, 30, 10, 30, tzinfo=LONDON)

    def job():
        Flag.objects.filter(day=SCHOOL_DAY).delete()
        Notification.objects.filter(key__startswith="flag:").delete()
        return check_missing_reports(now=at)

    # As in production, the job only queues each email (the worker sends it):
    # the sending is timed on its own below.
    queued: list[int] = []
    notifications._queue_email = queued.append
    summary = timed("Missing-report job at 10:30 (flags raised from scratch)", job)
    print(f"{'':<60} {summary}, {len(queued) // 3} emails queued")
    emails = queued[-len(queued) // 3 :]
    timed(
        f"Sending those {len(emails)} emails (the worker's share)",
        lambda: [send_notification(pk) for pk in emails],
        repeat=1,
    )
    timed("Missing-report job again (nothing new to raise)", lambda: check_missing_reports(now=at))

    client = Client(HTTP_HOST="localhost")
    expected_today = {
        s.provider_id for s in expected_sessions(SCHOOL_DAY, SCHOOL_DAY, placements=school.placements.all())
    }
    with time_machine.travel(at, tick=False):
        client.force_login(User.objects.get(username="admin"))
        response = timed(
            f"Today page for {school} ({len(expected_today)} providers expected)",
            lambda: client.get("/attendance/"),
        )
    print(f"{'':<60} HTTP {response.status_code}, {len(response.content):,} bytes")


if __name__ == "__main__":
    main()
