"""The safeguarding log: who may raise it, who may read it (the DSL and the head), every read recorded."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from altprov.models import Flag, Notification, Role
from monitoring.concerns import raise_concern
from monitoring.models import (
    ConcernAttachment,
    ConcernEntry,
    ConcernRead,
    ConcernSource,
    SafeguardingConcern,
    Visit,
)

from ..factories import LearnerFactory
from .concern_factories import make_concern, placement_at, staff

pytestmark = pytest.mark.django_db

ROLES = list(Role.values)
READERS = {Role.HEAD, Role.DSL}
NOT_READERS = [role for role in ROLES if role not in READERS]
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def private_media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path, "base_url": "/private-not-served/"},
        },
    }
    return tmp_path


@pytest.fixture
def concern(school, pastoral, private_media):
    placement = placement_at(school)
    concern = make_concern(placement.learner, raised_by=pastoral, placement=placement)
    ConcernAttachment.objects.create(
        concern=concern,
        file=SimpleUploadedFile("note.pdf", PDF),
        description="A photo of the note",
        uploaded_by=pastoral,
    )
    return concern


def concern_pages(concern) -> list[tuple[str, str, dict]]:
    """Every page of the log: (method, url, data)."""
    today = date.today().isoformat()
    pk = concern.pk
    return [
        ("get", reverse("monitoring:concern_list"), {}),
        ("get", reverse("monitoring:concern_detail", args=[pk]), {}),
        ("get", reverse("monitoring:concern_file", args=[concern.attachments.get().pk]), {}),
        (
            "post",
            reverse("monitoring:concern_entry_create", args=[pk]),
            {"entry-kind": "note", "entry-happened_on": today, "entry-what": "Phoned home."},
        ),
        (
            "post",
            reverse("monitoring:concern_attachment_create", args=[pk]),
            {"file-file": SimpleUploadedFile("b.pdf", PDF), "file-description": "Another"},
        ),
        (
            "post",
            reverse("monitoring:concern_close", args=[pk]),
            {"close-outcome": "No further action.", "close-closed_on": today},
        ),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_only_the_dsl_and_head_open_any_page_of_the_log(client, role_user, concern, role):
    client.force_login(role_user(role))
    for method, url, data in concern_pages(concern):
        response = getattr(client, method)(url, data)
        if role in READERS:
            assert response.status_code in (200, 302), (role, url)
        else:
            assert response.status_code == 403, (role, url)
            assert concern.learner.legal_last_name not in response.content.decode(), (role, url)
    concern.refresh_from_db()
    if role in READERS:
        assert concern.closed_on is not None
        assert concern.entries.filter(kind="note").exists()
    else:
        assert concern.closed_on is None
        assert not ConcernEntry.objects.exists()
        assert concern.attachments.count() == 1
        assert not ConcernRead.objects.exists()


@pytest.mark.parametrize("role", NOT_READERS)
def test_a_refusal_never_says_whether_a_concern_exists(client, role_user, concern, role):
    client.force_login(role_user(role))
    for pk in (concern.pk, concern.pk + 1000, 2**70):
        for name in ("monitoring:concern_detail", "monitoring:concern_file"):
            assert client.get(reverse(name, args=[pk])).status_code == 403


def test_the_dsl_of_another_school_gets_404(client, concern, other_school):
    client.force_login(staff(other_school, Role.DSL))
    for method, url, data in concern_pages(concern)[1:]:
        assert getattr(client, method)(url, data).status_code == 404, url
    # Their own log lists nothing of this school.
    response = client.get(reverse("monitoring:concern_list"))
    assert response.status_code == 200
    assert concern.learner.legal_last_name not in response.content.decode()
    assert not ConcernRead.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_every_member_of_staff_may_raise_a_concern(client, role_user, role):
    client.force_login(role_user(role))
    for name in ("monitoring:concern_raise", "monitoring:concern_sent", "monitoring:concern_mine"):
        expected = 403 if role == Role.BOARD else 200
        assert client.get(reverse(name)).status_code == expected


def test_raising_tells_the_dsl_and_shows_the_raiser_no_more(client, school, sendco, dsl, mailoutbox):
    placement = placement_at(school)
    learner = placement.learner
    client.force_login(sendco)
    response = client.post(
        reverse("monitoring:concern_raise"),
        {
            "learner": learner.pk,
            "placement": placement.pk,
            "detail": "Bruise on her arm, said it was a door.",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("monitoring:concern_sent")
    concern = SafeguardingConcern.objects.get()
    assert (concern.raised_by, concern.source, concern.placement) == (sendco, ConcernSource.STAFF, placement)
    sent = client.get(response["Location"]).content.decode()
    assert "Your concern has been sent to the DSL" in sent
    assert "You will not see this concern again" in sent
    # "Concerns you raised": the date and the learner, nothing else.
    mine = client.get(reverse("monitoring:concern_mine")).content.decode()
    assert learner.display_name in mine
    assert "Bruise" not in mine and "Open" not in mine and "Closed" not in mine
    assert reverse("monitoring:concern_detail", args=[concern.pk]) not in mine
    # The DSL is told at once, in the app and by email, without the detail or the learner.
    note = Notification.objects.get(recipient=dsl)
    assert note.url == reverse("monitoring:concern_detail", args=[concern.pk])
    for text in (note.subject, note.body):
        assert "Bruise" not in text and learner.legal_last_name not in text and learner.first_name not in text
    flag = Flag.objects.get(kind="concern_new")
    assert flag.roles == ",dsl,"
    client.force_login(dsl)
    assert "A safeguarding concern was raised" in client.get(reverse("home")).content.decode()


def test_another_members_concerns_are_not_in_my_list(client, school, sendco, pastoral):
    placement = placement_at(school)
    make_concern(placement.learner, raised_by=pastoral)
    client.force_login(sendco)
    mine = client.get(reverse("monitoring:concern_mine")).content.decode()
    assert placement.learner.legal_last_name not in mine
    assert "You have not raised any concerns" in mine


def test_the_raise_form_says_what_is_missing_and_keeps_what_was_typed(client, school, pastoral):
    a, b = placement_at(school), placement_at(school)
    client.force_login(pastoral)
    response = client.post(reverse("monitoring:concern_raise"), {"detail": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose the learner the concern is about" in page
    assert "Enter what was seen, heard or said" in page
    response = client.post(
        reverse("monitoring:concern_raise"),
        {"learner": a.learner.pk, "placement": b.pk, "detail": "Kept this text"},
    )
    page = response.content.decode()
    assert "Choose one of this learner&#x27;s placements, or none." in page
    assert "Kept this text" in page
    assert not SafeguardingConcern.objects.exists()


def test_without_javascript_the_learner_and_placement_typed_are_found(client, school, pastoral):
    """The choosers search as you type; with no script the form looks up what was typed."""
    placement = placement_at(school, learner=LearnerFactory(school=school, legal_last_name="Okonkwo"))
    placement_at(school, provider=placement.provider)  # the same provider: only the learner tells them apart
    client.force_login(pastoral)
    page = client.get(reverse("monitoring:concern_raise")).content.decode()
    assert 'role="combobox"' in page and "<option" not in page  # searched, not listed
    response = client.post(
        reverse("monitoring:concern_raise"),
        {
            "learner_text": "okonkwo",
            "placement_text": placement.provider.name,
            "detail": "Said she was scared to go home.",
        },
    )
    assert response.status_code == 302
    concern = SafeguardingConcern.objects.get()
    assert (concern.learner, concern.placement) == (placement.learner, placement)


def test_the_raise_page_says_the_lado_is_told_the_same_day(client, pastoral):
    client.force_login(pastoral)
    page = client.get(reverse("monitoring:concern_raise")).content.decode()
    assert "allegation about a member of the provider&#x27;s staff" in page
    assert "Local Authority Designated Officer (LADO) the same day" in page


def test_every_read_is_recorded_and_shown_as_read_by(client, concern, dsl, head):
    url = reverse("monitoring:concern_detail", args=[concern.pk])
    client.force_login(dsl)
    client.get(url)
    client.force_login(head)
    page = client.get(url).content.decode()
    reads = list(ConcernRead.objects.order_by("at", "pk").values_list("user__username", "what"))
    assert reads == [("dsl", "concern"), ("head", "concern")]
    read_by = page[page.index('id="reads-heading"') :]
    assert "Dana Lead" in read_by and "Helen Head" in read_by and "2 reads" in read_by
    assert "Opened the concern" in read_by
    assert concern.detail in page


def test_reading_resolves_the_new_concern_flag(client, school, pastoral, dsl):
    learner = placement_at(school).learner
    concern = raise_concern(learner=learner, detail="x", source=ConcernSource.STAFF, raised_by=pastoral)
    assert Flag.objects.open().filter(kind="concern_new").count() == 1
    client.force_login(dsl)
    client.get(reverse("monitoring:concern_detail", args=[concern.pk]))
    flag = Flag.objects.get(kind="concern_new")
    assert flag.resolved_at is not None and flag.resolution == "Read by Dana Lead"


def test_a_file_is_downloaded_privately_and_the_read_recorded(client, concern, dsl):
    attachment = concern.attachments.get()
    client.force_login(dsl)
    response = client.get(reverse("monitoring:concern_file", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Cache-Control"] == "no-store, private"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert ConcernRead.objects.get().what == "attachment"


def test_the_chronology_records_decisions_and_referrals(client, school, pastoral, dsl, private_media):
    placement = placement_at(school)
    concern = make_concern(placement.learner, raised_by=pastoral, about_provider_staff=True)
    client.force_login(dsl)
    url = reverse("monitoring:concern_detail", args=[concern.pk])
    page = client.get(url).content.decode()
    assert "Tell the LADO the same day" in page
    assert 'value="The LADO"' in page
    today = date.today().isoformat()
    entry_url = reverse("monitoring:concern_entry_create", args=[concern.pk])
    response = client.post(
        entry_url,
        {
            "entry-kind": "referral",
            "entry-happened_on": today,
            "entry-what": "Phoned.",
            "entry-referred_to": "",
        },
    )
    assert "Enter who the concern was referred to." in response.content.decode()
    response = client.post(
        entry_url,
        {
            "entry-kind": "referral",
            "entry-happened_on": today,
            "entry-what": "Phoned the LADO at 14:10.",
            "entry-why": "An allegation about the provider's tutor.",
            "entry-referred_to": "The LADO",
        },
    )
    assert response.status_code == 302
    entry = ConcernEntry.objects.get()
    assert (entry.kind, entry.by, entry.referred_to) == ("referral", dsl, "The LADO")
    page = client.get(url).content.decode()
    assert "Phoned the LADO at 14:10." in page and "An allegation about the provider" in page
    # Closing needs an outcome; the outcome closes the chronology.
    close_url = reverse("monitoring:concern_close", args=[concern.pk])
    response = client.post(close_url, {"close-outcome": "", "close-closed_on": today})
    assert "Enter the outcome of the concern" in response.content.decode()
    client.post(close_url, {"close-outcome": "LADO found no case to answer.", "close-closed_on": today})
    concern.refresh_from_db()
    assert concern.closed_by == dsl and concern.outcome == "LADO found no case to answer."
    assert concern.entries.last().kind == "outcome"


def test_a_concern_raised_at_a_visit_says_so(client, school, pastoral, dsl):
    placement = placement_at(school)
    concern = make_concern(
        placement.learner, raised_by=pastoral, placement=placement, source=ConcernSource.VISIT
    )
    Visit.objects.create(
        school=school,
        placement=placement,
        staff=pastoral,
        created_by=pastoral,
        visited_on=date(2026, 11, 24),
        safeguarding_concerns=True,
        concern=concern,
    )
    client.force_login(dsl)
    page = client.get(reverse("monitoring:concern_detail", args=[concern.pk])).content.decode()
    assert "Raised during a visit on Tuesday 24 November 2026" in page


def test_the_log_filters_and_counts_by_learner(client, school, pastoral, dsl, django_assert_num_queries):
    one, two = placement_at(school).learner, placement_at(school).learner
    make_concern(one, raised_by=pastoral)
    make_concern(one, raised_by=pastoral, closed_on=date.today(), closed_by=dsl, outcome="Done.")
    make_concern(two, raised_by=pastoral, about_provider_staff=True)
    client.force_login(dsl)
    url = reverse("monitoring:concern_list")
    # Session, user, memberships, school; the unread count; the page's count and rows; the learners' counts.
    with django_assert_num_queries(8):
        page = client.get(url).content.decode()
    assert "2 concerns" in page
    assert client.get(url, {"status": "closed"}).content.decode().count("tag-ended") == 1
    assert "3 concerns" in client.get(url, {"status": "all"}).content.decode()
    assert "1 concern<" in client.get(url, {"status": "all", "lado": "yes"}).content.decode()
    assert "2 concerns" in client.get(url, {"status": "all", "learner": one.pk}).content.decode()
    by_learner = page[page.index('id="by-learner"') :]
    assert f"{one.display_name}</a></td><td>1</td><td>2</td>" in by_learner
    # Nothing of what was seen is on the list: it is read only on the concern's page, where reads are kept.
    assert "scared" not in page
