"""Every page carries the security headers, and nothing with personal data is cached.

The URLs are those of the URL walker (tests/altprov/test_url_walker.py), with
its sample values, fetched by a signed-in head teacher.
"""

import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from altprov.security import PERMISSIONS_POLICY
from tests.factories import EvidenceItemFactory, LearnerFactory, ProviderFactory, TermFactory

from .test_url_walker import ROUTES, build_url

pytestmark = pytest.mark.django_db

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'none'",
    "object-src": "'none'",
}
NAMED = [(name, params) for name, _, params in ROUTES if name]


def _policy(response) -> dict[str, str]:
    header = response.get("Content-Security-Policy", "")
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def assert_security_headers(response, url: str) -> None:
    policy = _policy(response)
    if policy.get("default-src") == "'none'":
        # A stored file (evidence, a concern's attachment) sets
        # its own policy, stricter still: nothing in it may run or load.
        assert set(policy) == {"default-src"}, url
    else:
        for directive, value in CSP.items():
            assert policy.get(directive) == value, f"{url}: {directive} is {policy.get(directive)!r}"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response.get("Permissions-Policy") == PERMISSIONS_POLICY, url
    for feature in ("camera", "microphone", "geolocation"):
        assert f"{feature}=()" in response["Permissions-Policy"]
    assert response.get("X-Frame-Options") == "DENY", url
    assert response.get("X-Content-Type-Options") == "nosniff", url
    assert response.get("Referrer-Policy") in {"same-origin", "no-referrer"}, url
    assert_not_stored(response, url)


def assert_not_stored(response, url: str) -> None:
    cache = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    assert {"no-store", "private"} <= cache, f"{url}: Cache-Control is {response.get('Cache-Control')!r}"


@pytest.mark.parametrize(("name", "params"), NAMED, ids=[name for name, _ in NAMED])
def test_every_page_has_the_security_headers_for_a_signed_in_head(client, head, name, params):
    client.force_login(head)
    url = build_url(name, params)
    response = client.get(url)
    assert_security_headers(response, url)


@pytest.mark.parametrize("name", ["login", "password_reset", "healthz", "link_page"])
def test_public_pages_have_them_too(client, name):
    params = next(found for route_name, _, found in ROUTES if route_name == name)
    url = build_url(name, params)
    assert_security_headers(client.get(url), url)


def test_admin_has_them(client, head):
    head.is_staff = head.is_superuser = True
    head.save()
    client.force_login(head)
    for url in (reverse("admin:login"), reverse("admin:index"), reverse("admin:altprov_school_changelist")):
        assert_security_headers(client.get(url), url)


def test_pages_and_files_with_personal_data_are_not_stored(client, head, school, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    TermFactory(school=school)
    learner = LearnerFactory(school=school)
    provider = ProviderFactory()
    item = EvidenceItemFactory(
        provider=provider, file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="insurance.pdf")
    )
    client.force_login(head)
    urls = [
        reverse("placements:learner_list"),
        reverse("placements:learner_detail", args=[learner.pk]),
        reverse("attendance:export_marks") + "?start=2026-09-01&end=2026-10-23",
        reverse("attendance:export_summary") + "?start=2026-09-01&end=2026-10-23",
        reverse("placements:evidence_file", args=[item.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_security_headers(response, url)


def test_static_files_stay_cacheable(client, settings):
    # Served by WhiteNoise before the app's middleware: no no-store.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    response = client.get("/static/css/altprov.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_no_template_has_an_inline_script_or_style():
    from pathlib import Path

    from django.conf import settings as django_settings

    found = []
    for path in Path(django_settings.BASE_DIR, "templates").rglob("*.html"):
        if "pdf" in path.parts:  # WeasyPrint, not a browser
            continue
        text = path.read_text()
        found += [f"{path}: style=" for _ in re.finditer(r"\sstyle=", text)]
        found += [f"{path}: <script> without src" for _ in re.finditer(r"<script(?![^>]*\ssrc=)[^>]*>", text)]
        found += [f"{path}: <style>" for _ in re.finditer(r"<style", text)]
        found += [f"{path}: on… attribute" for _ in re.finditer(r"\son[a-z]+=\"", text)]
    assert found == []


def test_hsts_and_secure_cookies_in_production():
    import subprocess
    import sys

    code = (
        "import altprov.settings as s;"
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
        " s.SESSION_COOKIE_SECURE, s.SECURE_SSL_REDIRECT)"
    )
    env = {"DEBUG": "0", "SECRET_KEY": "x" * 60, "PATH": "/usr/bin:/bin"}
    out = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["31536000", "True", "True", "True"]
