"""The register link as a link: strict tokens, private answers, shared rate limits, fresh links."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from altprov import links
from altprov.links import issue_link, revoke
from altprov.models import LinkPurpose, LinkToken, RateCount
from attendance.daily_links import email_register_link
from attendance.models import AttendanceMark
from placements.models import EndReason, Status

from ..factories import ProviderFactory, UserFactory
from .conftest import MONDAY, london

pytestmark = pytest.mark.django_db

MORNING = london(MONDAY, 9, 30)
LATER = MONDAY + timedelta(days=8)


@pytest.fixture
def token(school, provider, active_placement):
    with time_machine.travel(london(MONDAY, 8, 0), tick=False):
        _, token = issue_link(purpose=LinkPurpose.PROVIDER_REGISTER, school=school, subject=provider)
    return token


def wrong(token: str) -> str:
    """The same link id with another secret."""
    return token[:-3] + ("xyz" if token[-3:] != "xyz" else "abc")


def url(token: str) -> str:
    return reverse("link_page", kwargs={"token": token})


def fresh_url(token: str) -> str:
    return reverse("link_fresh", kwargs={"token": token})


def at(moment, call, *args, **kwargs):
    with time_machine.travel(moment, tick=False):
        return call(*args, **kwargs)


@pytest.fixture(autouse=True)
def _small_limits(monkeypatch):
    # The same rules with smaller numbers: fewer requests per test.
    monkeypatch.setattr(links, "SUBMIT_PER_MINUTE", 5)
    monkeypatch.setattr(links, "OPEN_PER_MINUTE", 12)


def assert_private(response):
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]


# Strict tokens ----------------------------------------------------------------------


def test_the_register_lives_under_the_one_link_prefix(token):
    assert url(token) == f"/l/{token}/"


@pytest.mark.parametrize(
    "mangle",
    [
        lambda pk, secret: f"{pk.translate(str.maketrans('0123456789', '٠١٢٣٤٥٦٧٨٩'))}.{secret}",
        lambda pk, secret: f"{pk.translate(str.maketrans('0123456789', '０１２３４５６７８９'))}.{secret}",
        lambda pk, secret: f"0{pk}.{secret}",
        lambda pk, secret: f"+{pk}.{secret}",
        lambda pk, secret: f" {pk}.{secret}",
        lambda pk, secret: f"{pk}.{secret} ",
        lambda pk, secret: f"{pk}.{secret}\n",
        lambda pk, secret: f"{pk}..{secret}",
        lambda pk, secret: f"{pk}.{secret}.",
        lambda pk, secret: f"{pk}.{secret}A",
        lambda pk, secret: f"{pk}.{secret[:-1]}",
        lambda pk, secret: f"{pk}.{secret[:-1]}=",
    ],
    ids=[
        "arabic-indic-digits",
        "full-width-digits",
        "leading-zero",
        "plus-sign",
        "leading-space",
        "trailing-space",
        "trailing-newline",
        "two-dots",
        "trailing-dot",
        "secret-too-long",
        "secret-too-short",
        "secret-padding",
    ],
)
def test_a_token_that_is_not_exactly_id_dot_secret_is_not_valid(client, token, mangle):
    pk, secret = token.split(".")
    response = at(MORNING, client.get, url(mangle(pk, secret)))
    assert response.status_code == 404
    page = response.content.decode()
    assert "This link is not valid" in page
    assert "Northfield Academy" not in page
    assert_private(response)


# Every answer is private ------------------------------------------------------------


def _expired(client, token):
    return at(london(LATER, 9), client.get, url(token))


def _revoked(client, token):
    revoke(LinkToken.objects.get(), by=None)
    return at(MORNING, client.get, url(token))


def _rate_limited(client, token):
    for _ in range(links.SUBMIT_PER_MINUTE):
        at(MORNING, client.post, url(token), {"save": MONDAY.isoformat()})
    return at(MORNING, client.post, url(token), {"save": MONDAY.isoformat()})


ANSWERS = {
    "register": (200, lambda c, t: at(MORNING, c.get, url(t))),
    "head": (200, lambda c, t: at(MORNING, c.head, url(t))),
    "saved": (302, lambda c, t: at(MORNING, c.post, url(t), {"all_present": MONDAY.isoformat()})),
    "form-errors": (200, lambda c, t: at(MORNING, c.post, url(t), {"closed": MONDAY.isoformat()})),
    "refused": (400, lambda c, t: at(MORNING, c.post, url(t), {"nothing": "1"})),
    "wrong-method": (405, lambda c, t: at(MORNING, c.put, url(t))),
    "invalid": (404, lambda c, t: at(MORNING, c.get, url("1.abc"))),
    "wrong-secret": (404, lambda c, t: at(MORNING, c.get, url(wrong(t)))),
    "expired": (410, _expired),
    "revoked": (410, _revoked),
    "rate-limited": (429, _rate_limited),
    "fresh-link": (200, lambda c, t: at(london(LATER, 9), c.post, fresh_url(t))),
    "fresh-link-of-a-working-link": (302, lambda c, t: at(MORNING, c.post, fresh_url(t))),
    "fresh-link-by-get": (405, lambda c, t: at(MORNING, c.get, fresh_url(t))),
    "fresh-link-invalid": (404, lambda c, t: at(MORNING, c.post, fresh_url("1.abc"))),
}


@pytest.mark.parametrize("answer", ANSWERS)
def test_every_answer_has_no_referrer_and_no_store(client, token, answer):
    status, call = ANSWERS[answer]
    response = call(client, token)
    assert response.status_code == status
    assert_private(response)
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_the_fresh_link_answer_when_rate_limited_is_private_too(client, token):
    at(london(LATER, 9), client.post, fresh_url(token))
    response = at(london(LATER, 9, 1), client.post, fresh_url(token))
    assert response.status_code == 429
    assert_private(response)


# Rate limits --------------------------------------------------------------------------


def test_submissions_are_limited_per_minute(client, token):
    for _ in range(links.SUBMIT_PER_MINUTE):
        assert at(MORNING, client.post, url(token), {"save": MONDAY.isoformat()}).status_code == 302
    response = at(MORNING, client.post, url(token), {"all_present": MONDAY.isoformat()})
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many requests" in page
    # A valid link: its school may be named.
    assert "01632 960000" in page
    assert not AttendanceMark.objects.exists()
    # The next minute is a new count.
    later = at(MORNING + timedelta(minutes=1), client.post, url(token), {"all_present": MONDAY.isoformat()})
    assert later.status_code == 302


def test_opening_the_page_does_not_use_up_the_submissions(client, token):
    # Email link scanners fetch links: their GETs are not the provider's submissions.
    assert links.OPEN_PER_MINUTE > links.SUBMIT_PER_MINUTE + 1
    for _ in range(links.SUBMIT_PER_MINUTE + 1):
        assert at(MORNING, client.get, url(token)).status_code == 200
    response = at(MORNING, client.post, url(token), {"all_present": MONDAY.isoformat()})
    assert response.status_code == 302
    assert AttendanceMark.objects.count() == 1


def test_opening_the_page_has_its_own_limit(client, token):
    for _ in range(links.OPEN_PER_MINUTE):
        assert at(MORNING, client.get, url(token)).status_code == 200
    assert at(MORNING, client.get, url(token)).status_code == 429
    # Submissions are counted apart.
    assert at(MORNING, client.post, url(token), {"all_present": MONDAY.isoformat()}).status_code == 302


def test_the_limit_is_shared_by_every_web_process(token):
    """Each gunicorn worker has its own memory and its own local cache: the count is in the database."""
    first_worker = Client()
    for _ in range(links.SUBMIT_PER_MINUTE):
        at(MORNING, first_worker.post, url(token), {"save": MONDAY.isoformat()})
    # Another process: its own client, and nothing of the first one's memory or local cache.
    cache.clear()
    second_worker = Client()
    response = at(MORNING, second_worker.post, url(token), {"all_present": MONDAY.isoformat()})
    assert response.status_code == 429
    link = LinkToken.objects.get()
    assert RateCount.objects.get(key=f"link:{link.pk}:submit").hits == links.SUBMIT_PER_MINUTE + 1


def test_a_wrong_secret_does_not_lock_the_provider_out(client, token):
    for _ in range(links.SUBMIT_PER_MINUTE + 1):
        at(MORNING, client.post, url(wrong(token)), {"all_present": MONDAY.isoformat()})
    assert at(MORNING, client.post, url(token), {"all_present": MONDAY.isoformat()}).status_code == 302


# Email me a fresh link ------------------------------------------------------------------


def ask_fresh(client, token, moment, capture, **data):
    # The email is sent on commit, at the same moment: the outbox sends only what is due.
    with time_machine.travel(moment, tick=False), capture(execute=True):
        return client.post(fresh_url(token), data)


def test_an_expired_link_offers_a_fresh_one(client, token):
    response = at(london(LATER, 9), client.get, url(token))
    assert response.status_code == 410
    page = response.content.decode()
    assert "This link has expired" in page
    assert "Email me a fresh link" in page
    assert 'action="fresh/"' in page
    assert "01632 960000" in page


def test_a_fresh_link_goes_to_the_providers_registered_address_only(
    client, token, provider, mailoutbox, django_capture_on_commit_callbacks
):
    response = ask_fresh(
        client, token, london(LATER, 9), django_capture_on_commit_callbacks, email="someone@example.com"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "If that address is registered with the school, a new link has been sent to it." in page
    assert provider.attendance_contact_email not in page
    assert provider.attendance_contact_email.split("@")[1] not in page
    assert [m.to for m in mailoutbox] == [[provider.attendance_contact_email]]
    old, new = LinkToken.objects.order_by("pk")
    assert f"/l/{new.pk}." in mailoutbox[0].body
    assert (new.subject, new.school, new.purpose, new.created_by) == (
        provider,
        old.school,
        LinkPurpose.PROVIDER_REGISTER,
        None,
    )
    # The new link opens the register.
    new_token = mailoutbox[0].body.split("/l/")[1].split("/")[0]
    assert at(london(LATER, 9, 5), client.get, url(new_token)).status_code == 200


def test_a_revoked_link_offers_a_fresh_one_too(
    client, token, provider, mailoutbox, django_capture_on_commit_callbacks
):
    revoke(LinkToken.objects.get(), by=UserFactory())
    page = at(MORNING, client.get, url(token)).content.decode()
    assert "Email me a fresh link" in page
    assert ask_fresh(client, token, MORNING, django_capture_on_commit_callbacks).status_code == 200
    assert len(mailoutbox) == 1


def test_a_fresh_link_is_once_per_link_per_quarter_hour(
    client, token, provider, mailoutbox, django_capture_on_commit_callbacks
):
    start = london(LATER, 9)
    ask_fresh(client, token, start, django_capture_on_commit_callbacks)
    response = ask_fresh(client, token, start + timedelta(minutes=5), django_capture_on_commit_callbacks)
    assert response.status_code == 429
    page = response.content.decode()
    assert "A fresh link was asked for recently" in page
    assert provider.attendance_contact_email not in page
    assert len(mailoutbox) == 1
    later = ask_fresh(client, token, start + timedelta(minutes=15), django_capture_on_commit_callbacks)
    assert later.status_code == 200
    assert len(mailoutbox) == 2


def test_a_few_fresh_links_a_day_per_provider_whichever_link_asks(
    client, school, provider, token, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(london(MONDAY, 8, 0), tick=False):
        tokens = [token] + [
            issue_link(purpose=LinkPurpose.PROVIDER_REGISTER, school=school, subject=provider)[1]
            for _ in range(links.FRESH_PER_SUBJECT_PER_DAY)
        ]
    answers = [
        ask_fresh(client, t, london(LATER, 9, n), django_capture_on_commit_callbacks).status_code
        for n, t in enumerate(tokens)
    ]
    assert answers == [200] * links.FRESH_PER_SUBJECT_PER_DAY + [429]
    assert len(mailoutbox) == links.FRESH_PER_SUBJECT_PER_DAY


def test_no_fresh_link_once_the_school_places_nobody_there(
    client, token, active_placement, mailoutbox, django_capture_on_commit_callbacks
):
    active_placement.status = Status.ENDED
    active_placement.end_date = MONDAY + timedelta(days=1)
    active_placement.end_reason = EndReason.COMPLETED
    active_placement.save()
    response = ask_fresh(client, token, london(LATER, 9), django_capture_on_commit_callbacks)
    # The same answer: the page never tells whether anything was sent.
    assert response.status_code == 200
    assert "If that address is registered with the school" in response.content.decode()
    assert mailoutbox == []
    assert LinkToken.objects.count() == 1


def test_a_wrong_secret_cannot_ask_for_a_fresh_link(
    client, token, mailoutbox, django_capture_on_commit_callbacks
):
    response = ask_fresh(client, wrong(token), london(LATER, 9), django_capture_on_commit_callbacks)
    assert response.status_code == 404
    assert "Northfield Academy" not in response.content.decode()
    assert mailoutbox == []


def test_a_working_link_is_sent_back_to_its_page(
    client, token, mailoutbox, django_capture_on_commit_callbacks
):
    response = ask_fresh(client, token, MORNING, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == url(token)
    assert mailoutbox == []


def test_a_link_whose_provider_was_deleted_is_not_valid(client, school):
    provider = ProviderFactory()
    _, token = issue_link(purpose=LinkPurpose.PROVIDER_REGISTER, school=school, subject=provider)
    provider.delete()
    response = client.get(url(token))
    assert response.status_code == 404
    assert "This link is not valid" in response.content.decode()
    assert_private(response)


def test_a_fresh_link_asked_for_from_an_old_one_never_switches_off_the_working_link(
    client, school, provider, token, mailoutbox, django_capture_on_commit_callbacks
):
    """Anyone holding an old link (a forwarded email) must not be able to cut the provider off."""
    with time_machine.travel(london(LATER, 8, 0), tick=False):
        working = email_register_link(school=school, provider=provider)
    working_token = working.split("/l/")[1].strip("/")
    ask_fresh(client, token, london(LATER, 9), django_capture_on_commit_callbacks)

    assert at(london(LATER, 9, 5), client.get, url(working_token)).status_code == 200
    assert LinkToken.objects.usable(london(LATER, 9, 5)).count() == 2
