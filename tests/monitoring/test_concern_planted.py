"""What a safeguarding concern holds reaches only the DSL and the head: no page, export or message of others.

A unique marker is planted in a concern's detail (raised by staff and by the
provider's link), in a chronology entry and in a file's description. Then,
for every role at the school, every GET page of the role matrix
(tests/altprov/test_role_matrix.py, which the URL walker keeps complete), the
log's filtered views, both CSV exports, every in-app notification and every
email in the outbox are read, as tests/altprov/test_planted_markers.py does;
and the provider's register link with its urgent pages and its emails. The
marker must appear for no role but the head and the DSL, and must appear for
them (so the walk cannot pass by reading nothing). The email that tells the
DSL of a new concern names neither what was seen nor the learner.
"""

import subprocess
from collections import defaultdict
from datetime import date

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from altprov.links import issue_link
from altprov.models import LinkPurpose, Membership, Notification, Role
from monitoring.concerns import add_attachment, add_entry, raise_concern
from monitoring.incidents import report_incident
from monitoring.models import ConcernSource, EntryKind, SafeguardingConcern

from ..altprov.test_planted_markers import CaptureOnCommit
from ..altprov.test_role_matrix import (  # noqa: F401  (fixtures used by name)
    MATRIX,
    PDF,
    ROLES,
    _module_transaction,
    _private_media_root,
    private_media,
    school,
    world,
)
from ..factories import UserFactory
from ..pdftext import pdf_text

pytestmark = pytest.mark.django_db

MARKER = "PLANTED-CONCERN-7c41e9"
READERS = {Role.HEAD, Role.DSL}
PROVIDER = "provider"
NOT_WALKED = {"placements:evidence_file"}


def _read(response) -> str:
    """What the response shows a person: a page's text, or a PDF's text as pdftotext reads it."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    raw = body.decode(errors="replace")
    if response.get("Content-Type") == "application/pdf":
        try:
            return pdf_text(body) + raw
        except (
            subprocess.CalledProcessError
        ):  # a stored file that is not a whole PDF: its bytes are all it shows
            return raw
    return raw


@pytest.fixture(scope="module")
def planted(world, private_media):  # noqa: F811
    """The concerns with the marker, the users of every role, and everything each was shown."""
    # A module fixture is made before the function-scoped storage settings: files go to the module's folder.
    storages = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": private_media, "base_url": "/private-not-served/"},
        },
    }
    with override_settings(STORAGES=storages, PRIVATE_MEDIA_ROOT=private_media):
        return _plant_and_walk(world)


def _plant_and_walk(w) -> dict:
    users = {}
    for role in ROLES:
        user = UserFactory(username=f"concern-{role}", email=f"concern-{role}@school.example")
        Membership.objects.create(user=user, school=w.school, role=role)
        users[role] = user
    w.provider.lead_contact_email = "lead@riverside.example"
    w.provider.save()
    SafeguardingConcern.objects.filter(pk=w.concern.pk).update(detail=f"{MARKER}: said her cousin hits her.")
    mail.outbox = []
    with CaptureOnCommit():
        staff_concern = raise_concern(
            learner=w.learner,
            placement=w.active,
            detail=f"Seen at the bus stop with an older man. {MARKER}",
            source=ConcernSource.STAFF,
            raised_by=users[Role.PASTORAL],
            about_provider_staff=True,
        )
        add_entry(
            concern=staff_concern,
            by=users[Role.DSL],
            kind=EntryKind.REFERRAL,
            happened_on=date.today(),
            what=f"Phoned children's social care. {MARKER}",
            why=f"Risk of exploitation ({MARKER}).",
            referred_to=f"MASH {MARKER}",
        )
        add_attachment(
            concern=staff_concern,
            by=users[Role.DSL],
            file=SimpleUploadedFile("statement.pdf", PDF),
            description=f"Statement {MARKER}",
        )
        _, token = issue_link(purpose=LinkPurpose.PROVIDER_REGISTER, school=w.school, subject=w.provider)
        response = Client().post(
            reverse("link_subpage", kwargs={"token": token, "page_name": "concern"}),
            {
                "placement": w.active.pk,
                "detail": f"Arrived hungry again. {MARKER}",
                "name": "Jo Tutor",
                "role": "Tutor",
            },
        )
        assert response.status_code == 302
        # An incident too, so the pastoral team, the visitor and the provider have messages to read.
        report_incident(
            placement=w.active,
            occurred_at=w.concern.raised_at,
            what_happened="Threw a chair.",
            who_involved="The learner and a tutor.",
            immediate_action="Quiet room.",
            physical_intervention=False,
            reported_by=users[Role.SENDCO],
        )

    texts: dict[str, list[tuple[str, str]]] = defaultdict(list)
    concerns = list(SafeguardingConcern.objects.filter(school=w.school))
    urls = [
        reverse(case.url_name, kwargs=case.kwargs(w))
        for case in MATRIX
        if case.method == "get" and case.url_name not in NOT_WALKED
    ] + [
        f"{reverse('monitoring:concern_list')}?status=all",
        f"{reverse('monitoring:concern_list')}?status=all&learner={w.learner.pk}&lado=yes",
        *[reverse("monitoring:concern_detail", args=[c.pk]) for c in concerns],
        *[reverse("monitoring:concern_file", args=[a.pk]) for c in concerns for a in c.attachments.all()],
        reverse("attendance:export_marks"),
        reverse("attendance:export_summary"),
        f"{reverse('attendance:export_marks')}?start=2026-09-01&end={date.today().isoformat()}",
    ]
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
    by_address = {user.email: role for role, user in users.items()} | {
        w.provider.lead_contact_email: PROVIDER
    }
    emails = defaultdict(list)
    for message in mail.outbox:
        for address in message.to:
            role = by_address.get(address, address)
            texts[role].append((f"email {message.subject}", f"{message.subject}\n{message.body}"))
            emails[role].append(message)
    provider = Client()
    for name in ("", "incident", "concern"):
        kwargs = {"token": token, "page_name": name} if name else {"token": token}
        response = provider.get(reverse("link_subpage" if name else "link_page", kwargs=kwargs))
        texts[PROVIDER].append((f"link {name or 'register'}", _read(response)))
    return {"texts": texts, "emails": emails, "learner": w.learner, "users": users}


def _found(texts, phrase: str) -> list[str]:
    return [where for where, text in texts if phrase.lower() in text.lower()]


@pytest.mark.parametrize("role", [r for r in ROLES if r not in READERS] + [PROVIDER])
def test_the_marker_reaches_no_one_but_the_dsl_and_head(planted, role):
    texts = planted["texts"][role]
    assert texts, f"{role} was shown nothing: the walk did not run"
    assert _found(texts, MARKER) == []


@pytest.mark.parametrize("role", sorted(READERS))
def test_the_dsl_and_head_read_every_planted_place(planted, role):
    texts = planted["texts"][role]
    pages = "\n".join(text for where, text in texts if where.startswith("/"))
    for phrase in [
        f"{MARKER}: said her cousin",
        f"older man. {MARKER}",
        f"social care. {MARKER}",
        f"Statement {MARKER}",
        f"hungry again. {MARKER}",
    ]:
        assert phrase in pages, phrase


def test_the_walk_read_pages_exports_notifications_and_emails(planted):
    texts = planted["texts"]
    wheres = {where for role in ROLES for where, _ in texts[role]}
    assert any(where.startswith("email ") for where in wheres)
    assert any(where.startswith("notification ") for where in wheres)
    assert any("export" in where for where in wheres)
    # The pastoral team and the provider were told of the incident, so their messages were read too.
    assert _found(texts[Role.PASTORAL], "Serious incident")
    assert any(where.startswith("email ") for where, _ in texts[PROVIDER])


def test_the_new_concern_email_names_neither_the_detail_nor_the_learner(planted):
    learner = planted["learner"]
    emails = planted["emails"][Role.DSL]
    new_concern = [m for m in emails if m.subject == "A safeguarding concern needs reading"]
    assert len(new_concern) == 2  # the staff member's and the provider's
    for message in new_concern:
        text = f"{message.subject}\n{message.body}"
        for secret in (MARKER, learner.legal_first_name, learner.legal_last_name, learner.display_name):
            assert secret not in text
        assert "/monitoring/concerns/" in message.body
