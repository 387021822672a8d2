import importlib
import os
from pathlib import Path

import pytest

from altprov.models import Role

from .factories import MembershipFactory, SchoolFactory, UserFactory

CHROMIUM = Path("/usr/bin/chromium")
NO_CHROMIUM = (
    f"{CHROMIUM} is missing: apt-get install -y chromium (Debian's build; never `playwright install`)"
)


def pytest_configure(config):
    # Playwright's sync API runs an event loop in the test thread; Django then
    # refuses ORM calls from it unless told the test environment allows them.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists() or os.environ.get("REQUIRE_BROWSER") == "1":
        return
    skip = pytest.mark.skip(reason=NO_CHROMIUM)
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Reached without Chromium only when REQUIRE_BROWSER=1: the browser tests then fail.
    if not CHROMIUM.exists():
        pytest.fail(NO_CHROMIUM)
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            # Without these Chromium keeps trying to reach the internet.
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(autouse=True, scope="session")
def _celery_runs_tasks_in_process():
    """Tasks run in the test's own process, even when REDIS_URL is set.

    The end-to-end test turns this off to send tasks to a real worker.
    """
    from altprov.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield


def put_back_seeded_rows() -> None:
    from django.apps import apps
    from django.contrib.contenttypes.management import create_contenttypes

    importlib.import_module("placements.migrations.0002_evidence_types").add_types(apps, None)
    for app_config in apps.get_app_configs():
        create_contenttypes(app_config, verbosity=0)


@pytest.fixture(autouse=True)
def _seeded_rows_after_a_flush(request):
    """Put back the evidence types a data migration seeds, and the content
    types links point at, for transactional tests.

    A transactional test empties every table when it ends, and a live-server
    test's database is set up before its serialized rollback could restore
    them; both are idempotent, so running them again is harmless (and the
    content types' cache is cleared when any is recreated). Module-scoped
    data (tests/altprov/test_role_matrix.py) puts them back inside its own
    transaction, as pytest may run a browser test before it.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    put_back_seeded_rows()


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def smtp(settings, mailoutbox):
    """The mail server, which a test can make refuse (see tests/smtp.py); accepted mail is in `mailoutbox`."""
    from .smtp import FlakySMTP

    settings.EMAIL_BACKEND = "tests.smtp.FlakySMTP"
    FlakySMTP.reset()
    yield FlakySMTP
    FlakySMTP.reset()


@pytest.fixture
def school(db):
    return SchoolFactory(name="Northfield Academy", urn="137001")


@pytest.fixture
def other_school(db):
    return SchoolFactory(name="Southgate School", urn="137002")


def _persona(username: str, first_name: str, last_name: str, *memberships):
    user = UserFactory(username=username, first_name=first_name, last_name=last_name)
    for at, role in memberships:
        MembershipFactory(user=user, school=at, role=role)
    return user


# Personas. Every right is held at `school` only (the role's school); at
# other_school each of them sees nothing, except `board` and `other_head`.
# The rights follow altprov/roles.py PERMISSIONS.


@pytest.fixture
def head(school):
    # Head teacher: everything. Learners (view, edit, safeguarding flag, passport
    # view and edit, attainment), providers (view, edit, evidence, review, not
    # approve), calendar (view, edit), placements (view, edit, meeting, decide),
    # costs (view, authorise: the only one who authorises), history, a learner's
    # access log and subject access export.
    return _persona("head", "Helen", "Head", (school, Role.HEAD))


@pytest.fixture
def slt(school):
    # Senior leadership: learners (view, edit, passport view, attainment),
    # providers (view, edit, evidence, review), calendar (view, edit),
    # placements (view, edit, meeting, decide), cost view, history.
    # Attendance: everything (view, record, parent contact, interventions, export).
    # The school's settings (target, report times, contacts).
    # Not: safeguarding flag, passport edit, provider approval, cost authorising.
    return _persona("slt", "Sam", "Senior", (school, Role.SLT))


@pytest.fixture
def pastoral(school):
    # Pastoral team: learners (view, edit, passport view), provider view,
    # calendar view, placements (view, edit, planning meeting), attendance
    # (view, record, parent contact, interventions).
    # Not: safeguarding flag, provider edit/evidence/approval, placement
    # decisions, costs, history.
    return _persona("pastoral", "Priya", "Pastoral", (school, Role.PASTORAL))


@pytest.fixture
def dsl(school):
    # Designated safeguarding lead: learners (view, edit, safeguarding flag,
    # passport view), providers (view, edit, evidence, approve: the only one who
    # approves), calendar view, placement view, history, attendance (view,
    # record, parent contact, interventions), a learner's access log and
    # subject access export.
    # Not: placement edit/meeting/decide, costs, attainment, passport edit.
    return _persona("dsl", "Dana", "Lead", (school, Role.DSL))


@pytest.fixture
def sendco(school):
    # SENDCo: learners (view, edit, passport view and edit), provider view,
    # calendar view, placement view, attendance view.
    # Not: safeguarding flag, attainment, provider changes, placement changes, costs.
    return _persona("sendco", "Sunil", "Sendco", (school, Role.SENDCO))


@pytest.fixture
def admin_assistant(school):
    # Admin assistant: learners (view, edit), provider view, calendar (view,
    # edit), placement view, attendance (view, record, parent contact, export).
    # Not: safeguarding flag, passport, attainment, provider or placement changes, costs.
    return _persona("admin", "Alex", "Admin", (school, Role.ADMIN))


@pytest.fixture
def exams(school):
    # Exams officer: learners (view, attainment edit), provider view, calendar
    # view, placement view.
    # Not: learner edit, safeguarding flag, passport, placement changes, costs.
    return _persona("exams", "Eve", "Exams", (school, Role.EXAMS))


@pytest.fixture
def finance(school):
    # Finance: provider view, calendar view, placement view, cost view.
    # Not: any learner record, cost authorising (the head's), placement changes.
    return _persona("finance", "Frank", "Finance", (school, Role.FINANCE))


@pytest.fixture
def board(school, other_school):
    # Executive board, at both schools: provider view, placement view, cost view.
    # Not: learners (not even learner.view), calendar, any change.
    return _persona("board", "Bea", "Board", (school, Role.BOARD), (other_school, Role.BOARD))


@pytest.fixture
def other_head(other_school):
    # Head teacher at other_school only: every right there, none at `school`.
    return _persona("other_head", "Omar", "Otherhead", (other_school, Role.HEAD))


@pytest.fixture
def role_user(school):
    """`role_user(role, school=None)`: a new user holding `role` at `school` (default: the school fixture)."""
    default_school = school

    def make(role: str, school=None):
        user = UserFactory()
        MembershipFactory(user=user, school=school or default_school, role=role)
        return user

    return make
