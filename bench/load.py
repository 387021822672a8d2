"""Many people at once against gunicorn (prints; asserts only that no mark was stored twice).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/altprov_bench \\
        .venv/bin/python bench/load.py [--users 100] [--seconds 120] [--think 1 5] [--port 8107]

Needs a seeded database (`manage.py seed_demo --placements N`). Before the
run it signs in the staff (a session each, as a login would leave) and issues
today's provider register links (altprov.links.issue_link) into --links;
then it starts gunicorn with the shipped config (`gunicorn -c gunicorn.conf.py
altprov.wsgi`) and runs --users simulated people, each in a thread, for
--seconds: 60% staff pages, 20% Today, 20% providers submitting their register
through their link ("All present"), each pausing between pages for a random
--think time (1 to 5 seconds by default, as a person reading a page would;
`--think 0 0` sends requests back to back, a saturation test). It prints requests per second, each
page's median and p95 and the errors, stops gunicorn, and checks that no
session has two marks (the database refuses it; counted as well). Exit
status 1 on errors or duplicates.
"""

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "altprov.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

import requests  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from altprov.links import issue_link  # noqa: E402
from altprov.mfa import HAS_DEVICE  # noqa: E402
from altprov.models import LinkPurpose, Membership  # noqa: E402
from altprov.security import LOGIN_AT, SEEN_AT  # noqa: E402
from attendance.daily_links import providers_expected, register_link_expiry  # noqa: E402
from attendance.models import AttendanceMark  # noqa: E402
from placements.models import Placement  # noqa: E402

INPUT = re.compile(r"<input[^>]*>")
ATTR = re.compile(r'(\w+)="([^"]*)"')
ALL_PRESENT = re.compile(r'name="all_present" value="([^"]+)"')


def staff_sessions(count: int) -> list[tuple[str, list[str]]]:
    """(session cookie, that person's staff pages) for up to `count` staff, as after signing in."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    today = timezone.localdate()
    found = []
    memberships = Membership.objects.select_related("user", "school").order_by("school_id", "role")[:count]
    for m in memberships:
        session = store()
        session[SESSION_KEY] = str(m.user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = m.user.get_session_auth_hash()
        # What signing in notes: the session's clocks (altprov.security) and the second factor (altprov.mfa).
        session[LOGIN_AT] = session[SEEN_AT] = int(time.time())
        session[HAS_DEVICE] = False
        session.create()
        placement = Placement.objects.filter(school=m.school).active(on=today).order_by("?").first()
        pages = [
            reverse("home"),
            reverse("attendance:follow_up"),
            reverse("attendance:unexplained"),
            reverse("attendance:register_grid"),
            reverse("placements:placement_list"),
            reverse("placements:where_is"),
            reverse("monitoring:visit_list"),
        ]
        if placement:
            pages += [
                reverse("placements:learner_detail", args=[placement.learner_id]),
                reverse("placements:placement_detail", args=[placement.pk]),
            ]
        found.append((session.session_key, pages))
    return found


def register_links(path: Path) -> list[str]:
    """Today's register link (its path) for each provider expected today, written to `path` in full."""
    now = timezone.now()
    urls = []
    schools = {m.school for m in Membership.objects.select_related("school")}
    for school in sorted(schools, key=lambda s: s.pk):
        for provider in providers_expected(school, timezone.localdate()):
            _, token = issue_link(
                purpose=LinkPurpose.PROVIDER_REGISTER,
                school=school,
                subject=provider,
                expires_at=register_link_expiry(school, now),
            )
            urls.append(reverse("link_page", kwargs={"token": token}))
    path.write_text("".join(f"{settings.SITE_URL.rstrip('/')}{url}\n" for url in urls))
    path.chmod(0o600)  # bearer links
    return urls


def label(url: str) -> str:
    if url.startswith("/l/"):
        return "provider register"
    return re.sub(r"/\d+/", "/<id>/", url)


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.times = defaultdict(list)
        self.errors = defaultdict(int)
        self.refused = defaultdict(int)  # 403: a role that may not see the page, not a failure
        self.why = defaultdict(int)  # (page, status code or exception) of each error
        self.retried = defaultdict(int)  # GETs sent again after the server closed a kept-alive connection

    def count_retry(self, name: str) -> None:
        with self.lock:
            self.retried[name] += 1

    def add(self, name: str, ms: float, ok: bool, refused: bool = False, why: str = "") -> None:
        with self.lock:
            self.times[name].append(ms)
            if refused:
                self.refused[name] += 1
            elif not ok:
                self.errors[name] += 1
                self.why[(name, why)] += 1


def dropped_connection(error: requests.ConnectionError) -> bool:
    """A reused connection the server had closed (not a refused or timed-out one)."""
    text = repr(error)
    return not isinstance(error, requests.ConnectTimeout) and (
        "RemoteDisconnected" in text or "Connection reset" in text or "Connection aborted" in text
    )


def timed(results: Results, name: str, call, retry: bool = True) -> requests.Response | None:
    began = time.perf_counter()
    try:
        try:
            response = call()
        except requests.ConnectionError as e:
            if not retry or not dropped_connection(e):
                raise
            # A kept-alive connection the server closed as it was reused (gunicorn's keepalive, a
            # worker recycled): browsers send such a request again once, and so does this person.
            results.count_retry(name)
            response = call()
        ok, why = response.status_code < 400, f"HTTP {response.status_code}"
    except requests.RequestException as e:
        response, ok, why = None, False, type(e).__name__
    refused = response is not None and response.status_code == 403
    results.add(name, (time.perf_counter() - began) * 1000, ok, refused, why)
    return response


def submit_register(session: requests.Session, base: str, link: str, results: Results) -> None:
    page = timed(results, "provider register (GET)", lambda: session.get(base + link, timeout=60))
    if page is None or page.status_code != 200:
        return
    day = ALL_PRESENT.search(page.text)
    if not day:
        return  # nothing to mark yet, or already complete
    data = {"all_present": day.group(1)}
    for tag in INPUT.findall(page.text):
        attrs = dict(ATTR.findall(tag))
        if attrs.get("type") == "hidden" and "name" in attrs:
            data[attrs["name"]] = attrs.get("value", "")
    timed(
        results,
        "provider register (POST)",
        lambda: session.post(base + link, data=data, timeout=60, allow_redirects=False),
        retry=False,  # never sent twice: a POST is not repeated as a GET may be
    )


def person(
    base: str, staff, links, deadline: float, results: Results, seed: int, think: tuple[float, float]
) -> None:
    rng = random.Random(seed)
    cookie, pages = staff
    session = requests.Session()
    session.cookies.set(settings.SESSION_COOKIE_NAME, cookie)
    provider = requests.Session()
    today = reverse("attendance:today")
    while time.monotonic() < deadline:
        roll = rng.random()
        if roll < 0.6:
            url = rng.choice(pages)
            timed(results, label(url), lambda url=url: session.get(base + url, timeout=60))
        elif roll < 0.8:
            timed(results, "Today", lambda: session.get(base + today, timeout=60))
        elif links:
            submit_register(provider, base, rng.choice(links), results)
        pause = rng.uniform(*think)
        if pause:
            time.sleep(min(pause, max(0.0, deadline - time.monotonic())))


def start_gunicorn(port: int) -> subprocess.Popen:
    env = os.environ | {"PORT": str(port), "HOST": "127.0.0.1"}
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", "altprov.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(120):
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not answer /healthz within a minute")


def duplicates() -> int:
    return (
        AttendanceMark.objects.values("placement_id", "date", "session")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(1.0, 5.0),
        metavar=("MIN", "MAX"),
        help="seconds between pages",
    )
    parser.add_argument("--port", type=int, default=8107)
    parser.add_argument("--links", type=Path, default=Path("/tmp/altprov-load-links.txt"))
    args = parser.parse_args()

    staff = staff_sessions(args.users)
    if not staff:
        raise SystemExit("No staff in this database: seed it first (manage.py seed_demo --placements N).")
    links = register_links(args.links)
    marks_before = AttendanceMark.objects.count()
    connection.close()  # the threads below talk HTTP only

    server = start_gunicorn(args.port)
    base = f"http://127.0.0.1:{args.port}"
    results = Results()
    began = time.monotonic()
    deadline = began + args.seconds
    threads = [
        threading.Thread(
            target=person,
            args=(base, staff[i % len(staff)], links, deadline, results, i, tuple(args.think)),
            daemon=True,
        )
        for i in range(args.users)
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait(timeout=60)
    elapsed = time.monotonic() - began

    total = sum(len(t) for t in results.times.values())
    errors = sum(results.errors.values())
    think = "none" if not any(args.think) else f"{args.think[0]:g} to {args.think[1]:g} s"
    print(
        f"{args.users} users for {args.seconds} s on {connection.vendor} (pause between pages: {think}): "
        f"{len(links)} register links"
    )
    print(f"{total} requests, {total / elapsed:.1f} per second, {errors} errors")
    print(f"{'page':<40} {'requests':>8} {'median ms':>9} {'p95 ms':>8} {'errors':>6} {'403':>5}")
    for name in sorted(results.times):
        times = sorted(results.times[name])
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(
            f"{name:<40} {len(times):>8} {statistics.median(times):>9.0f} {p95:>8.0f} "
            f"{results.errors[name]:>6} {results.refused[name]:>5}"
        )
    for (name, why), count in sorted(results.why.items()):
        print(f"error: {name}: {why} x {count}")
    for name, count in sorted(results.retried.items()):
        print(f"sent again after a closed kept-alive connection: {name} x {count}")
    doubled = duplicates()
    print(
        f"Marks stored during the run: {AttendanceMark.objects.count() - marks_before}; "
        f"sessions with two marks: {doubled}"
    )
    return 1 if errors or doubled else 0


if __name__ == "__main__":
    sys.exit(main())
