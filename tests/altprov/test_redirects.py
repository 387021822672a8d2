"""`next` after a POST: a path on this site, or the view's own fallback; never an error page."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from altprov.redirects import safe_next

pytestmark = pytest.mark.django_db

UNSAFE = [
    "foo",
    "home",
    "https://evil.example/",
    "//evil.example/x",
    "/\\evil.example",
    "javascript:alert(1)",
    "",
]


@pytest.mark.parametrize("target", UNSAFE)
def test_safe_next_refuses_anything_but_a_local_path(target):
    request = RequestFactory().post("/", {"next": target})
    assert safe_next(request, "/fallback/") == "/fallback/"


def test_safe_next_keeps_a_local_path_with_its_query():
    request = RequestFactory().post("/", {"next": "/attendance/grid/?start=2026-11-30"})
    assert safe_next(request, "/fallback/") == "/attendance/grid/?start=2026-11-30"


def test_safe_next_reads_the_query_string_too():
    request = RequestFactory().get("/", {"next": "/learners/"})
    assert safe_next(request, "/fallback/") == "/learners/"


@pytest.mark.parametrize("target", ["foo", "https://evil.example/"])
def test_switch_school_with_a_bad_next_goes_home(client, school, head, target):
    client.force_login(head)
    response = client.post(reverse("switch_school"), {"school": school.pk, "next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_switch_school_goes_back_to_the_page(client, school, head):
    client.force_login(head)
    response = client.post(reverse("switch_school"), {"school": school.pk, "next": "/placements/"})
    assert response["Location"] == "/placements/"
