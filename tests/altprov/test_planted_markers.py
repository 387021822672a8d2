"""Safeguarding and SEN detail, and every phrase drawn from it, reach only the roles allowed to see it.

A learner carries a unique marker in every restricted text field and every
status that produces wording (looked-after, social worker, safeguarding flag,
EHC plan, behaviour risk assessment), and its history records the change.
Then, for each role at the school, every page of the role matrix
(tests/altprov/test_role_matrix.py: the URL walker checks that matrix covers
every page), the pages' useful query strings, both CSV exports and every
email and in-app notification the attendance jobs produce are read, and
whatever the role may not see must be absent. Each phrase must also be seen
by some role that may see it, so a phrase that stops being rendered (or is
reworded) fails here instead of passing unnoticed. The provider, reading its
register link and its emails, may see none of it.
"""

from collections import defaultdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from altprov.links import issue_link
from altprov.models import LinkPurpose, Membership, Notification
from attendance.daily_links import send_daily_links
from attendance.missing import check_missing_reports
from attendance.models import MarkStatus, Source
from attendance.recording import MarkInput, record_marks
from placements.models import SenStatus, Status

from ..factories import LearnerFactory, PlacementFactory, UserFactory, approved_provider
from ..pdftext import pdf_text
from .test_role_matrix import (  # noqa: F401  (fixtures used by name)
    ADMIN,
    BOARD,
    DSL,
    EXAMS,
    FINANCE,
    HEAD,
    MATRIX,
    PASTORAL,
    ROLES,
    SENDCO,
    SLT,
    _module_transaction,
    _private_media_root,
    private_media,
    school,
    world,
)

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
MONDAY = date(2026, 11, 30)
PASSPORT = "PLANTED-PASSPORT-5e71c2"
PROVIDER = "provider"  # the provider contact: no account, its link and its emails
# A provider's evidence file: a stored PDF about the provider, never about a learner.
NOT_WALKED = {"placements:evidence_file"}

PASSPORT_VIEW = frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO})
SAFEGUARDING = frozenset({HEAD, DSL})
# docs/roles.md: wording drawn from a learner's needs is for learner.passport.view or learner.safeguarding.
NEEDS = PASSPORT_VIEW | SAFEGUARDING

# (text, roles that may see it). Compared case-insensitively.
RESTRICTED = [
    (PASSPORT, PASSPORT_VIEW),
    ("safeguarding flag", SAFEGUARDING),
    ("see the DSL's log", SAFEGUARDING),
    ("the DSL must know about at once", SAFEGUARDING),
    ("this learner (looked-after)", NEEDS),
    ("looked-after or have an EHC plan", NEEDS),
    ("has a behaviour risk assessment", NEEDS),
    ("has a social worker", NEEDS),
]


def london(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def _plant(w) -> None:
    """The markers, on the matrix's learner, recorded in its history by the DSL and the SENDCo."""
    learner = w.learner
    learner.looked_after = True
    learner.has_social_worker = True
    learner.sen_status = SenStatus.EHCP
    learner.behaviour_risk_assessment = True
    learner.behaviour_risk_assessment_date = date(2026, 9, 14)
    learner.save()
    learner.safeguarding_flag = True
    learner.learner_passport = f"{PASSPORT}: key adult, time-out card"
    learner.save()
    # Full-time at an unregistered provider with no Team Teach staff: every warning applies.
    provider = w.provider
    provider.team_teach_trained = False
    provider.team_teach_evidence_date = None
    provider.save()
    full_week = {f"{d}_{s}": True for d in ["mon", "tue", "wed", "thu", "fri"] for s in ["am", "pm"]}
    for placement in (w.agreed, w.active):
        placement.timetables.update(**full_week)


def _run_the_attendance_jobs(w, provider_user_email: str) -> None:
    """A Monday: register emails, a missing report and its escalation, an absence, a correction."""
    start = date(2026, 9, 7)
    provider = approved_provider(w.school, UserFactory(), start, name="Riverside Skills")
    provider.attendance_contact_email = provider_user_email
    provider.save()
    placement = PlacementFactory(
        learner=w.learner,
        provider=provider,
        status=Status.ACTIVE,
        start_date=start,
        target_end_date=date(2027, 3, 26),
        activated_on=start,
        mon_am=True,
        mon_pm=True,
        tue_am=False,
    )
    other = PlacementFactory(
        learner=LearnerFactory(school=w.school, legal_first_name="Maya", legal_last_name="Reid"),
        provider=provider,
        status=Status.ACTIVE,
        start_date=start,
        target_end_date=date(2027, 3, 26),
        activated_on=start,
        mon_am=True,
        tue_am=False,
    )
    for hour, minute in [(8, 0), (10, 5), (12, 5), (14, 5), (16, 5)]:
        with time_machine.travel(london(MONDAY, hour, minute), tick=False):
            send_daily_links()
            check_missing_reports()
            if (hour, minute) == (12, 5):
                record_marks(
                    school=w.school,
                    entries=[
                        MarkInput(placement, MONDAY, "AM", MarkStatus.ABSENT, code="N"),
                        MarkInput(other, MONDAY, "AM", MarkStatus.PRESENT),
                    ],
                    source=Source.PROVIDER_LINK,
                )
            if (hour, minute) == (14, 5):
                # The provider corrects Maya's mark: the admin assistants are told.
                record_marks(
                    school=w.school,
                    entries=[MarkInput(other, MONDAY, "AM", MarkStatus.ABSENT, code="I")],
                    source=Source.PROVIDER_LINK,
                )


def _extra_urls(w) -> list[str]:
    """Pages whose useful state needs a query string, beyond the matrix's bare URLs."""
    day = MONDAY.isoformat()
    return [
        f"{reverse('placements:learner_list')}?looked_after=yes",
        f"{reverse('placements:learner_list')}?sen=ehcp",
        f"{reverse('placements:placement_list')}?status=all",
        # The matrix opens the active placement; the agreed one shows why it cannot start.
        w.agreed.get_absolute_url(),
        f"{reverse('placements:where_is')}?learner={w.learner.pk}&on={day}&session=am",
        f"{reverse('attendance:today')}?day={day}",
        f"{reverse('attendance:register_grid')}?start={day}&end={day}",
        f"{reverse('attendance:record_marks', args=[w.provider.pk])}?day={day}",
        f"{reverse('attendance:export_marks')}?start={day}&end={day}",
        f"{reverse('attendance:export_summary')}?start=2026-09-07&end={day}",
        reverse("attendance:export_marks"),
        reverse("attendance:export_summary"),
    ]


def _read(response) -> str:
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith("application/pdf"):
        return pdf_text(data)  # a PDF is read as a person reads it
    return data.decode()


@pytest.fixture(scope="module")
def seen(world):  # noqa: F811
    """Role -> [(where, text)] for everything each role was shown."""
    w = world
    _plant(w)
    users = {}
    for role in ROLES:
        user = UserFactory(username=f"planted-{role}", email=f"planted-{role}@school.example")
        Membership.objects.create(user=user, school=w.school, role=role)
        users[role] = user
    provider_email = "register@riverside.example"
    mail.outbox = []
    with CaptureOnCommit():
        _run_the_attendance_jobs(w, provider_email)

    texts: dict[str, list[tuple[str, str]]] = defaultdict(list)
    urls = [
        reverse(case.url_name, kwargs=case.kwargs(w))
        for case in MATRIX
        if case.method == "get" and case.url_name not in NOT_WALKED
    ] + _extra_urls(w)
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            if response.status_code == 200:
                texts[role].append((url, _read(response)))
        for notification in Notification.objects.filter(recipient=user):
            texts[role].append(
                (f"notification {notification.key}", f"{notification.subject}\n{notification.body}")
            )
    by_address = {user.email: role for role, user in users.items()} | {provider_email: PROVIDER}
    for message in mail.outbox:
        for address in message.to:
            texts[by_address[address]].append(
                (f"email {message.subject}", f"{message.subject}\n{message.body}")
            )
    # The provider's own page: its register link, on the day.
    _, token = issue_link(purpose=LinkPurpose.PROVIDER_REGISTER, school=w.school, subject=w.provider)
    with time_machine.travel(london(MONDAY, 9, 30), tick=False):
        response = Client().get(reverse("link_page", kwargs={"token": token}))
    texts[PROVIDER].append(("register link", _read(response)))
    return texts


class CaptureOnCommit:
    """Run on-commit callbacks (the emails) at once: the module's data lives in one open transaction."""

    def __enter__(self):
        from django.db import connection

        self.connection = connection
        self.before = len(connection.run_on_commit)
        return self

    def __exit__(self, *exc):
        callbacks = self.connection.run_on_commit[self.before :]
        self.connection.run_on_commit[self.before :] = []
        for _, callback, _ in callbacks:
            callback()
        return False


def _found(texts, phrase: str) -> list[str]:
    return [where for where, text in texts if phrase.lower() in text.lower()]


@pytest.mark.parametrize("role", [*ROLES, PROVIDER])
def test_nothing_restricted_reaches_a_role_that_may_not_see_it(seen, role):
    assert seen[role], f"{role} was shown nothing: the walk did not run"
    leaks = {phrase: _found(seen[role], phrase) for phrase, allowed in RESTRICTED if role not in allowed}
    assert {phrase: where for phrase, where in leaks.items() if where} == {}


@pytest.mark.parametrize(("phrase", "allowed"), RESTRICTED, ids=[p for p, _ in RESTRICTED])
def test_each_restricted_phrase_is_seen_by_a_role_allowed_to(seen, phrase, allowed):
    assert any(_found(seen[role], phrase) for role in allowed), f"no allowed role saw {phrase!r}"


def test_the_walk_read_pages_exports_and_messages(seen, world):  # noqa: F811
    wheres = {where for texts in seen.values() for where, _ in texts}
    assert any(where.startswith("email ") for where in wheres)
    assert any(where.startswith("notification ") for where in wheres)
    assert any("export" in where for where in wheres)
    assert any(where.startswith("email ") for where, _ in seen[PROVIDER])
    # The learner's record and the placement pages were read by the roles that may open them.
    learner_url = reverse("placements:learner_detail", args=[world.learner.pk])
    placement_url = world.agreed.get_absolute_url()
    for role in ROLES:
        wheres = {where for where, _ in seen[role]}
        assert (learner_url in wheres) == (role not in {FINANCE, BOARD}), role
        assert placement_url in wheres, role
