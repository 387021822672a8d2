"""Mail printed instead of sent, and production settings, never put a working secret in a log."""

import io
import logging
import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.core.checks import run_checks
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from altprov.logfilters import redact

from ..factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
SECRET = "Zq3-x_" + "k" * 37
LINK = f"https://altprov.example.org/l/12.{SECRET}/"
RESET = "https://altprov.example.org/accounts/reset/MTI/cv8f2a-0123456789abcdef0123456789abcdef/"


def printed(backend: str, **kwargs) -> str:
    stream = io.StringIO()
    message = EmailMultiAlternatives(
        subject="Your register link",
        body=f"Open {LINK} to take the register, or reset your password at {RESET}",
        to=["provider@example.org"],
    )
    message.attach_alternative(
        f'<a href="{LINK}">Open the register</a> <a href="{RESET}">Reset</a>', "text/html"
    )
    mail.get_connection(backend, stream=stream, **kwargs).send_messages([message])
    return stream.getvalue()


def test_the_console_backend_prints_mail_without_link_secrets_or_reset_tokens():
    out = printed("altprov.mail.ConsoleEmailBackend")
    assert "provider@example.org" in out
    assert SECRET not in out
    assert "0123456789abcdef" not in out
    assert "/l/12.[redacted]/" in out
    assert "/accounts/reset/MTI/[redacted]/" in out


def test_the_file_backend_saves_mail_without_link_secrets(tmp_path):
    mail.get_connection("altprov.mail.FileEmailBackend", file_path=str(tmp_path)).send_messages(
        [mail.EmailMessage("Link", f"Open {LINK}", to=["provider@example.org"])]
    )
    (saved,) = tmp_path.iterdir()
    text = saved.read_text()
    assert "/l/12.[redacted]/" in text
    assert SECRET not in text


@pytest.mark.parametrize(
    ("environment", "backend"),
    [
        ({}, "altprov.mail.ConsoleEmailBackend"),
        (
            {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"},
            "altprov.mail.ConsoleEmailBackend",
        ),
        (
            {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend"},
            "altprov.mail.FileEmailBackend",
        ),
        ({"EMAIL_HOST": "smtp.example.org"}, "django.core.mail.backends.smtp.EmailBackend"),
    ],
)
def test_settings_use_the_redacting_backends_whatever_is_named(monkeypatch, environment, backend):
    for name in ("EMAIL_HOST", "EMAIL_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert runpy.run_path(str(ROOT / "altprov" / "settings.py"))["EMAIL_BACKEND"] == backend


@pytest.mark.django_db
def test_a_password_reset_printed_to_the_console_has_no_working_url(client, settings, capsys):
    settings.EMAIL_BACKEND = "altprov.mail.ConsoleEmailBackend"
    UserFactory(email="helen@school.example")
    response = client.post(reverse("password_reset"), {"email": "helen@school.example"})
    assert response.status_code == 302
    out = capsys.readouterr().out
    assert "helen@school.example" in out
    assert "/accounts/reset/" in out
    assert not re.search(r"/accounts/reset/[^/\s]+/(?!\[redacted\])[^/\s]+/", out)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"/l/12.{SECRET}", "/l/12.[redacted]"),
        (f"/l/12.{SECRET}\\n", "/l/12.[redacted]\\n"),
        (f"/l/12.{SECRET}>", "/l/12.[redacted]>"),
        (f"/l/12.{SECRET}%22", "/l/12.[redacted]%22"),
        (f"/l/12.{SECRET[:10]}%2D{SECRET[10:]}/", "/l/12.[redacted]/"),
        (f"?next=%2Fl%2F12.{SECRET}%2F", "?next=%2Fl%2F12.[redacted]%2F"),
        (f"?next=%2fl%2f12%2e{SECRET}", "?next=%2fl%2f12%2e[redacted]"),
        (f'{{"url": "\\/l\\/12.{SECRET}\\/"}}', '{"url": "\\/l\\/12.[redacted]\\/"}'),
        (f"token=12.{SECRET}&x=1", "token=12.[redacted]&x=1"),
        ("/accounts/reset/MTI/cv8f2a-0123abc/", "/accounts/reset/MTI/[redacted]/"),
        ("/accounts/reset/MTI/set-password/", "/accounts/reset/MTI/set-password/"),
        ("/accounts/reset/done/", "/accounts/reset/done/"),
        ("/accounts/password-reset/done/", "/accounts/password-reset/done/"),
    ],
)
def test_redaction_takes_the_whole_secret_whatever_surrounds_it(text, expected):
    assert redact(text) == expected


# Deploy checks ---------------------------------------------------------------------------


def deploy_errors() -> set[str]:
    return {
        message.id
        for message in run_checks(include_deployment_checks=True)
        if message.id.startswith("altprov.")
    }


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.EMAIL_HOST = "smtp.example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.SITE_URL = "https://altprov.example.org"
    return settings


def test_production_settings_pass_the_deploy_checks(production):
    assert deploy_errors() == set()


@pytest.mark.parametrize(
    "backend",
    ["altprov.mail.ConsoleEmailBackend", "django.core.mail.backends.smtp.EmailBackend"],
)
def test_mail_without_an_smtp_host_fails_the_deploy_check(production, backend):
    production.EMAIL_HOST = ""
    production.EMAIL_BACKEND = backend
    assert deploy_errors() == {"altprov.E001"}


@pytest.mark.parametrize(
    "url",
    [
        "http://altprov.example.org",
        "https://localhost:8000",
        "https://127.0.0.1",
        "https://127.10.0.3:8000",
        "https://[::1]:8000",
        "https://altprov.local",
        "https://0.0.0.0",
        "altprov.example.org",
    ],
)
def test_a_local_or_plain_http_site_url_fails_the_deploy_check(production, url):
    production.SITE_URL = url
    assert deploy_errors() == {"altprov.E002"}


def test_the_checks_leave_development_alone(settings):
    settings.DEBUG = True
    settings.EMAIL_HOST = ""
    settings.SITE_URL = "http://127.0.0.1:8000"
    assert deploy_errors() == set()


def ci_deploy_check(**extra: str) -> subprocess.CompletedProcess:
    """.ci/run's deploy check, on an SQLite file it never opens."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("EMAIL_", "SITE_URL", "DATABASE_URL", "REDIS_URL", "DJANGO_"))
    }
    environment.update(
        DEBUG="0",
        SECRET_KEY="x" * 60 + "-deploy-check-only-abcdefghijklmnopqrstuvwxyz",
        ALLOWED_HOSTS="altprov.example.org",
        **extra,
    )
    return subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_ci_deploy_check_fails_without_email_and_a_public_site_url():
    result = ci_deploy_check()
    assert result.returncode != 0
    assert "altprov.E001" in result.stderr
    assert "altprov.E002" in result.stderr


def test_the_ci_deploy_check_passes_with_them():
    result = ci_deploy_check(EMAIL_HOST="smtp.example.org", SITE_URL="https://altprov.example.org")
    assert result.returncode == 0, result.stderr


def test_the_celery_workers_own_log_handlers_redact_link_secrets():
    from celery.signals import after_setup_logger

    logger = logging.getLogger("test.celery.worker")
    stream = io.StringIO()
    logger.handlers = [logging.StreamHandler(stream)]
    logger.propagate = False
    after_setup_logger.send(
        sender=None, logger=logger, loglevel=logging.INFO, logfile=None, format="", colorize=False
    )
    logger.warning("Sent %s", LINK)
    assert stream.getvalue() == "Sent https://altprov.example.org/l/12.[redacted]/\n"
