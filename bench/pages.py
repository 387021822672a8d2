"""Each main page's time, size and query count on a seeded database (prints; asserts nothing).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/altprov_bench \\
        .venv/bin/python bench/pages.py [--runs 15] [--user head] [--single-school head2]

Seed the database first (once): `manage.py migrate` then `manage.py seed_demo
--scale N` on that DATABASE_URL. Each page is fetched through Django's test
client, logged in as a user with many schools (--user, default: the member
of the most schools) and as a single-school user (--single-school), once to
warm up and then --runs times; it prints the median and p95 time, the HTML
size and the query count, and each median as a multiple of /healthz (the
framework floor: middleware, session and routing) measured in the same run.

Aim (DESIGN.md, issue #11): every page under 200 KB of HTML and under 300 ms
median at local-authority scale (about 2,000 active placements).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "altprov.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from altprov.models import Membership, User  # noqa: E402
from placements.models import Placement  # noqa: E402

AIM_MS, AIM_KB = 300, 200


def pages(school) -> list[tuple[str, str]]:
    """(label, URL) of the main pages, for `school`'s records."""
    today = timezone.localdate()
    placement = (
        Placement.objects.filter(school=school).active(on=today).order_by("pk").first()
        or Placement.objects.filter(school=school).order_by("pk").first()
    )
    found = [
        ("Home", reverse("home")),
        ("Today", reverse("attendance:today")),
        ("Register grid", reverse("attendance:register_grid")),
        ("Follow-up list", reverse("attendance:follow_up")),
        ("Unexplained list", reverse("attendance:unexplained")),
        ("Placements list", reverse("placements:placement_list")),
        ("New placement form", reverse("placements:placement_create")),
        ("Where is", reverse("placements:where_is")),
        ("Visits", reverse("monitoring:visit_list")),
        ("Reviews", reverse("monitoring:review_list")),
        ("Incidents", reverse("monitoring:incident_list")),
        ("Actions", reverse("monitoring:action_list")),
        ("Raise a concern", reverse("monitoring:concern_raise")),
        ("Report an incident", reverse("monitoring:incident_report")),
    ]
    if placement:
        found += [
            ("Learner page", reverse("placements:learner_detail", args=[placement.learner_id])),
            ("Placement page", reverse("placements:placement_detail", args=[placement.pk])),
        ]
    return found


def measure(client: Client, url: str, runs: int) -> dict:
    client.get(url)  # warm-up: templates, caches
    times, size, queries, status = [], 0, 0, 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            began = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - began) * 1000)
        size, queries, status = len(response.content), len(captured), response.status_code
    times.sort()
    return {
        "median": statistics.median(times),
        "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
        "kb": size / 1024,
        "queries": queries,
        "status": status,
    }


def bench(user: User, runs: int) -> None:
    client = Client()
    client.force_login(user)
    memberships = Membership.objects.filter(user=user).select_related("school")
    school = memberships.first().school
    schools = len({m.school_id for m in memberships})
    print(f"\n{user.username}: {schools} school(s); pages for {school}")
    floor = measure(client, reverse("healthz"), runs)["median"]
    print(f"{'page':<22} {'median ms':>9} {'p95 ms':>7} {'x floor':>8} {'KB':>7} {'queries':>7}")
    print(f"{'/healthz (floor)':<22} {floor:>9.1f}")
    for label, url in pages(school):
        found = measure(client, url, runs)
        over = " !" if found["median"] > AIM_MS or found["kb"] > AIM_KB or found["status"] != 200 else ""
        status = "" if found["status"] == 200 else f" (HTTP {found['status']})"
        print(
            f"{label:<22} {found['median']:>9.1f} {found['p95']:>7.1f} {found['median'] / floor:>8.1f}"
            f" {found['kb']:>7.1f} {found['queries']:>7}{status}{over}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--user", help="username with many schools (default: the member of the most)")
    parser.add_argument("--single-school", help="username with one school (default: any single-school head)")
    args = parser.parse_args()
    setup_test_environment()  # the test client's host and template signals, nothing else
    by_schools = User.objects.annotate(n=Count("memberships__school", distinct=True)).filter(n__gt=0)
    many = User.objects.get(username=args.user) if args.user else by_schools.order_by("-n", "pk").first()
    single = (
        User.objects.get(username=args.single_school)
        if args.single_school
        else by_schools.filter(n=1, memberships__role="head").order_by("pk").first()
    )
    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}; {args.runs} runs per page")
    print(f"Active placements: {Placement.objects.active(on=timezone.localdate()).count()}")
    for user in [u for u in (many, single) if u is not None]:
        bench(user, args.runs)
    print(f"\nAim: median under {AIM_MS} ms and HTML under {AIM_KB} KB ('!' marks a page over either).")


if __name__ == "__main__":
    main()
