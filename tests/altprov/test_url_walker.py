"""Every URL the project serves needs a signed-in user, except an explicit few.

The URL tree is walked from the root resolver, so a page added later is
covered without touching this file; a new path parameter only needs a sample
value in SAMPLE_KWARGS. Django's admin (`admin/`) guards itself and is checked
on its own.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db

# Reachable without signing in. `logout` is public too, but answers POST only.
PUBLIC_GET = {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "healthz",
    # The footer's pages: read by providers and parents as well as staff.
    "help",
    "accessibility",
    "privacy",
}
# "Email me a fresh link" is a link page too, answering POST only.
PUBLIC_POST_ONLY = {"logout", "link_fresh"}
# Links for people without an account: no login, the token is the credential;
# a made-up token answers 404 ("This link is not valid").
PUBLIC_LINKS = {"link_page", "link_subpage"}
# Answer JSON to a page's script: signed out, 401 (not the login page), so the
# page can keep what was typed and say to sign in again.
JSON_401 = {"monitoring:visit_draft"}
# The same for the choosers' searches, which are GET.
JSON_401_GET = {
    "placements:learner_search",
    "placements:provider_search",
    "placements:site_search",
    "monitoring:report_learner_search",
    "monitoring:report_placement_search",
}
PUBLIC = PUBLIC_GET | PUBLIC_POST_ONLY | PUBLIC_LINKS | JSON_401 | JSON_401_GET

SKIPPED_NAMESPACES = {"admin"}

# A value for every path parameter in the URL tree, by parameter name. The
# records need not exist: the login check comes before any lookup.
SAMPLE_KWARGS = {
    "pk": 1,
    "closure_pk": 1,
    "uidb64": "MQ",
    "token": "abc-123456",
    "page_name": "incident",
    "kind": "placements",
}


def _walk(patterns, namespace: str = "", params: tuple[str, ...] = ()):
    for entry in patterns:
        found = params + tuple(entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner, found)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}" if entry.name else None, str(entry.pattern), found


ROUTES = list(_walk(get_resolver().url_patterns))
ROUTE_IDS = [name or route for name, route, _ in ROUTES]
PROTECTED = [(name, params) for name, _, params in ROUTES if name not in PUBLIC]


def build_url(name: str | None, params: tuple[str, ...]) -> str:
    if name is None:
        pytest.fail("A URL pattern has no name: give it one so that it can be reversed and tested.")
    missing = [param for param in params if param not in SAMPLE_KWARGS]
    if missing:
        pytest.fail(
            f"URL {name!r} takes {', '.join(missing)} with no sample value: add "
            f"{', '.join(repr(param) for param in missing)} to SAMPLE_KWARGS in {__file__}."
        )
    return reverse(name, kwargs={param: SAMPLE_KWARGS[param] for param in params})


def assert_sent_to_login(response, url: str) -> None:
    assert response.status_code == 302, f"{url} answered {response.status_code} to an anonymous user"
    location = urlsplit(response["Location"])
    assert location.path == reverse("login"), f"{url} redirected to {response['Location']}, not the login"
    assert parse_qs(location.query).get("next") == [url]


def test_the_walk_finds_the_project_urls():
    names = {name for name, _, _ in ROUTES}
    assert {"home", "placements:learner_list", "placements:provider_closure_delete"} <= names
    assert not any(name and name.startswith("admin:") for name in names)


def test_every_public_name_is_a_real_url():
    names = {name for name, _, _ in ROUTES}
    assert names >= PUBLIC, f"Stale names on the public allow-list: {sorted(PUBLIC - names)}"


@pytest.mark.parametrize(("name", "route", "params"), ROUTES, ids=ROUTE_IDS)
def test_every_url_pattern_has_a_name_and_sample_values(name, route, params):
    build_url(name, params)


@pytest.mark.parametrize(("name", "params"), PROTECTED, ids=[name or "?" for name, _ in PROTECTED])
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_user_is_sent_to_login(client, name, params, method):
    url = build_url(name, params)
    response = getattr(client, method)(url)
    assert_sent_to_login(response, url)


@pytest.mark.parametrize(
    "name",
    sorted(PUBLIC),
)
def test_public_url_answers_anonymous_user(client, name):
    params = next(found for route_name, _, found in ROUTES if route_name == name)
    response = client.get(build_url(name, params))
    expected = (
        405
        if name in PUBLIC_POST_ONLY | JSON_401
        else 404
        if name in PUBLIC_LINKS
        else 401
        if name in JSON_401_GET
        else 200
    )
    assert response.status_code == expected, response.get("Location")


@pytest.mark.parametrize("name", sorted(JSON_401))
def test_json_endpoint_answers_401_to_anonymous_user(client, name):
    params = next(found for route_name, _, found in ROUTES if route_name == name)
    response = client.post(build_url(name, params))
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("name", sorted(JSON_401_GET))
def test_json_search_answers_401_to_anonymous_user(client, name):
    params = next(found for route_name, _, found in ROUTES if route_name == name)
    response = client.get(build_url(name, params), {"q": "ab"})
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"


def test_anonymous_logout_post_does_not_ask_for_login(client):
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "next" not in parse_qs(urlsplit(response["Location"]).query)


def test_admin_sends_anonymous_user_to_admin_login(client):
    url = reverse("admin:index")
    response = client.get(url)
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("admin:login")
    assert parse_qs(location.query).get("next") == [url]
