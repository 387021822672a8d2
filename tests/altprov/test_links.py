"""The one link mechanism: tokens, the model's rules, the registry of link pages."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from altprov import links
from altprov.links import count_request, issue_link, parse
from altprov.models import LinkAudience, LinkPurpose, LinkToken, RateCount
from placements.models import Provider

from ..factories import ProviderFactory, SchoolFactory

pytestmark = pytest.mark.django_db

SECRET = "A" * 42 + "_"


# Tokens ------------------------------------------------------------------------------


def test_a_token_is_an_ascii_id_a_dot_and_a_43_character_secret():
    assert parse(f"12.{SECRET}") == (12, SECRET)
    assert parse(f"12.{'-' * 43}") == (12, "-" * 43)


@pytest.mark.parametrize(
    "token",
    [
        f"١٢.{SECRET}",
        f"１２.{SECRET}",
        f"1_2.{SECRET}",
        f"012.{SECRET}",
        f" 12.{SECRET}",
        f"12.{SECRET} ",
        f"12.{SECRET}\n",
        f"12\t.{SECRET}",
        f"12..{SECRET}",
        f"12.{SECRET}.",
        f"12.{SECRET[:-1]}",
        f"12.{SECRET}A",
        f"12.{SECRET[:-1]}+",
        f"12.{SECRET[:-1]}=",
        f"12.{SECRET[:-1]}é",
        f"{'9' * 19}.{SECRET}",
        "",
        ".",
    ],
)
def test_anything_else_is_refused(token):
    assert parse(token) is None


def test_issued_tokens_parse_and_only_the_hash_is_stored():
    link, token = issue_link(
        purpose=LinkPurpose.PROVIDER_REGISTER, school=SchoolFactory(), subject=ProviderFactory()
    )
    pk, secret = parse(token)
    assert pk == link.pk
    assert secret not in link.token_hash and len(link.token_hash) == 64


# The model's rules ---------------------------------------------------------------------


def _link(**fields) -> LinkToken:
    defaults = {
        "purpose": "signing",
        "school": SchoolFactory(),
        "token_hash": str(LinkToken.objects.count()).rjust(64, "0"),
        "expires_at": timezone.now() + timedelta(days=1),
    }
    return LinkToken.objects.create(**{**defaults, **fields})


def test_a_subject_is_whole_or_absent():
    provider = ProviderFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        _link(subject_id=provider.pk)
    _link()  # a link about nothing in particular (e.g. an information pack)


def test_a_register_link_has_a_subject():
    with pytest.raises(IntegrityError), transaction.atomic():
        _link(purpose=LinkPurpose.PROVIDER_REGISTER)


def test_a_link_for_a_named_person_has_their_email():
    with pytest.raises(IntegrityError), transaction.atomic():
        _link(audience=LinkAudience.PERSON, recipient_name="Dr Patel")
    link = _link(audience=LinkAudience.PERSON, recipient_name="Dr Patel", recipient_email="patel@example.org")
    assert link.get_audience_display() == "Named person"


def test_the_subject_is_generic_and_links_are_found_by_subject_in_one_query(django_assert_num_queries):
    school = SchoolFactory()
    provider = ProviderFactory()
    link, _ = issue_link(purpose=LinkPurpose.PROVIDER_REGISTER, school=school, subject=provider)
    # A link about another model whose row has the same id is not the provider's.
    _link(school=school, subject=school, subject_id=provider.pk)
    assert LinkToken.objects.get(pk=link.pk).subject == provider
    with django_assert_num_queries(1):
        assert list(LinkToken.objects.about(Provider, [provider.pk])) == [link]


def test_replace_withdraws_the_other_live_links_of_the_same_purpose_school_and_subject():
    school, provider = SchoolFactory(), ProviderFactory()
    first, _ = issue_link(purpose=LinkPurpose.PROVIDER_REGISTER, school=school, subject=provider)
    elsewhere, _ = issue_link(purpose=LinkPurpose.PROVIDER_REGISTER, school=SchoolFactory(), subject=provider)
    other, _ = issue_link(purpose=LinkPurpose.PROVIDER_REGISTER, school=school, subject=ProviderFactory())
    kept, _ = issue_link(purpose=LinkPurpose.PROVIDER_REGISTER, school=school, subject=provider)
    new, _ = issue_link(purpose=LinkPurpose.PROVIDER_REGISTER, school=school, subject=provider, replace=True)
    revoked = set(LinkToken.objects.filter(revoked_at__isnull=False).values_list("pk", flat=True))
    assert revoked == {first.pk, kept.pk}
    assert {elsewhere.pk, other.pk, new.pk}.isdisjoint(revoked)


# Rate counts ------------------------------------------------------------------------------


def test_counts_are_kept_in_the_database_per_key_and_bucket():
    assert [count_request("k", per=timedelta(minutes=1)) for _ in range(3)] == [1, 2, 3]
    assert count_request("other", per=timedelta(minutes=1)) == 1
    assert RateCount.objects.get(key="k").hits == 3


def test_old_counts_are_pruned_when_a_link_is_issued():
    RateCount.objects.create(key="old", bucket=int((timezone.now() - timedelta(days=3)).timestamp()), hits=5)
    count_request("recent", per=timedelta(minutes=1))
    issue_link(purpose=LinkPurpose.PROVIDER_REGISTER, school=SchoolFactory(), subject=ProviderFactory())
    assert list(RateCount.objects.values_list("key", flat=True)) == ["recent"]


# The registry: every link page is served the same way --------------------------------------


@pytest.fixture
def signing_page(monkeypatch):
    """A purpose a later app could add: its view holds only its own work."""
    monkeypatch.setattr(links, "_pages", dict(links._pages))
    seen = []

    def view(request, link):
        seen.append(link)
        return HttpResponse(f"Sign for {link.recipient_name}")

    links.register("signing", view=view)
    return seen


def test_a_registered_purpose_gets_the_whole_mechanism_with_no_extra_code(client, signing_page):
    school = SchoolFactory()
    link, token = issue_link(
        purpose="signing",
        school=school,
        audience=LinkAudience.PARENT,
        recipient_name="Ms Brookes",
        recipient_email="parent@example.org",
    )
    response = client.get(reverse("link_page", kwargs={"token": token}))
    assert response.content == b"Sign for Ms Brookes"
    assert response["Referrer-Policy"] == "no-referrer" and "no-store" in response["Cache-Control"]
    assert signing_page == [link]
    link.refresh_from_db()
    assert link.use_count == 1 and link.last_used_at is not None
    with time_machine.travel(link.expires_at, tick=False):
        response = client.get(reverse("link_page", kwargs={"token": token}))
    assert response.status_code == 410
    assert school.phone in response.content.decode()
    # No way to re-issue registered for this purpose: no button.
    assert "Email me a fresh link" not in response.content.decode()


def test_an_unregistered_purpose_is_not_a_valid_link(client):
    school = SchoolFactory()
    _, token = issue_link(purpose="unknown", school=school)
    response = client.get(reverse("link_page", kwargs={"token": token}))
    assert response.status_code == 404
    assert school.name not in response.content.decode()
    assert response["Referrer-Policy"] == "no-referrer"


def test_a_purpose_is_served_by_one_view(signing_page):
    with pytest.raises(ImproperlyConfigured):
        links.register("signing", view=lambda request, link: HttpResponse())


def test_the_register_is_registered_by_its_app():
    page = links.registered(LinkPurpose.PROVIDER_REGISTER)
    assert page is not None
    assert page.view.__module__ == "attendance.views.provider"
    assert page.reissue is not None


# Sub-pages: another app's page under a purpose's link ------------------------------------------


@pytest.fixture
def urgent_page(signing_page, monkeypatch):
    monkeypatch.setattr(links, "_subpages", {key: dict(value) for key, value in links._subpages.items()})
    links.register_subpage(
        "signing",
        "urgent",
        label="Tell us something urgent",
        view=lambda request, link: HttpResponse("Urgent"),
    )


def test_a_sub_page_is_served_under_the_purposes_link_with_the_same_checks(client, urgent_page):
    school = SchoolFactory()
    link, token = issue_link(
        purpose="signing", school=school, recipient_email="p@example.org", recipient_name="P"
    )
    url = reverse("link_subpage", kwargs={"token": token, "page_name": "urgent"})
    response = client.get(url)
    assert response.content == b"Urgent"
    assert response["Referrer-Policy"] == "no-referrer" and "no-store" in response["Cache-Control"]
    assert [page.label for page in links.subpages("signing")] == ["Tell us something urgent"]
    # A name the purpose does not have, or a wrong secret: not a valid link, and no school named.
    missing = client.get(reverse("link_subpage", kwargs={"token": token, "page_name": "other"}))
    assert missing.status_code == 404 and school.name not in missing.content.decode()
    wrong = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert (
        client.get(reverse("link_subpage", kwargs={"token": wrong, "page_name": "urgent"})).status_code == 404
    )
    with time_machine.travel(link.expires_at, tick=False):
        assert client.get(url).status_code == 410
    link.refresh_from_db()
    assert link.use_count == 1


def test_a_sub_page_name_is_checked_and_served_by_one_view(urgent_page):
    with pytest.raises(ImproperlyConfigured):
        links.register_subpage("signing", "urgent", label="Other", view=lambda request, link: HttpResponse())
    for name in ("fresh", "Bad Name", ""):
        with pytest.raises(ImproperlyConfigured):
            links.register_subpage("signing", name, label="X", view=lambda request, link: HttpResponse())
