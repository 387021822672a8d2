"""A server error shows a reference that is also in the error's log line, and nothing else about it."""

import logging
import re

import pytest
from django.contrib.auth.decorators import login_not_required
from django.test import Client, RequestFactory
from django.urls import path

from altprov.errors import server_error

SECRET = "Zq3-x_" + "k" * 37


@login_not_required
def broken(request, token=""):
    raise RuntimeError("the view broke")


# A test-only URLconf: this module, with the project's handler500.
handler500 = "altprov.errors.server_error"
urlpatterns = [path("broken/", broken), path("l/<str:token>/", broken)]


@pytest.fixture
def request_log(caplog):
    """django.request's records (its logger does not propagate to the root, where caplog listens)."""
    logger = logging.getLogger("django.request")
    logger.addHandler(caplog.handler)
    yield caplog
    logger.removeHandler(caplog.handler)


@pytest.fixture
def broken_site(settings):
    settings.ROOT_URLCONF = __name__
    return Client(raise_request_exception=False)


def errors(caplog) -> list[logging.LogRecord]:
    return list({id(r): r for r in caplog.records if r.levelno == logging.ERROR}.values())


def reference_on(page: str) -> str:
    found = re.search(r"Reference: ([0-9a-f]{8})\b", page)
    assert found, page
    return found.group(1)


@pytest.mark.django_db
def test_the_500_page_gives_the_reference_written_in_the_error_log(broken_site, request_log):
    response = broken_site.get("/broken/")
    assert response.status_code == 500
    reference = reference_on(response.content.decode())
    (record,) = errors(request_log)
    assert record.getMessage() == f"Internal Server Error: /broken/ (reference {reference})"
    assert record.exc_info and record.exc_info[0] is RuntimeError
    assert record.error_reference == reference


@pytest.mark.django_db
def test_each_error_has_its_own_reference(broken_site):
    first = reference_on(broken_site.get("/broken/").content.decode())
    second = reference_on(broken_site.get("/broken/").content.decode())
    assert first != second


@pytest.mark.django_db
def test_a_link_secret_stays_out_of_the_page_and_the_log(broken_site, request_log):
    response = broken_site.get(f"/l/12.{SECRET}/")
    page = response.content.decode()
    reference = reference_on(page)
    assert SECRET not in page
    assert "the view broke" not in page
    (record,) = errors(request_log)
    # The project's console handler has redacted the record (its filter rewrites the record itself).
    assert record.getMessage() == f"Internal Server Error: /l/12.[redacted]/ (reference {reference})"


def test_the_500_page_needs_no_database_and_is_a_complete_page():
    # No django_db mark: any query would fail this test.
    response = server_error(RequestFactory().get("/broken/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="en-GB">' in page
    assert "<title>Something went wrong – altprov</title>" in page
    assert "<main" in page and "<h1>" in page
    reference_on(page)
