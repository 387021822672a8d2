"""Deploy checks (`manage.py check --deploy`): production settings that would leak secrets.

Without an SMTP server, mail falls back to the console: every register link
and password-reset URL would go to the server's log instead of its
recipient. A SITE_URL on a local address or plain HTTP puts links in emails
that either do not work or send the link's secret in clear text.
"""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register

# Backends that never deliver mail to anyone.
UNDELIVERED = {
    "altprov.mail.ConsoleEmailBackend",
    "altprov.mail.FileEmailBackend",
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}
SMTP = "django.core.mail.backends.smtp.EmailBackend"


def _local_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    if host in {"", "localhost"} or host.endswith((".localhost", ".local")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified or address.is_link_local


@register(Tags.security, deploy=True)
def email_is_delivered(app_configs=None, **kwargs) -> list[Error]:
    if settings.DEBUG:
        return []
    backend = settings.EMAIL_BACKEND
    if backend in UNDELIVERED or (backend == SMTP and not settings.EMAIL_HOST):
        return [
            Error(
                f"Email is not sent (EMAIL_BACKEND {backend}, EMAIL_HOST "
                f"{settings.EMAIL_HOST or 'unset'}): links and password resets would go nowhere.",
                hint=(
                    "Set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD) "
                    "to the school's SMTP server."
                ),
                id="altprov.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def site_url_is_public_https(app_configs=None, **kwargs) -> list[Error]:
    if settings.DEBUG:
        return []
    url = settings.SITE_URL
    parts = urlsplit(url)
    if parts.scheme != "https" or _local_host(parts.hostname or ""):
        return [
            Error(
                f"SITE_URL {url!r} is not a public HTTPS address: emailed links would not work "
                "or would travel unencrypted.",
                hint="Set SITE_URL to the address people use, e.g. https://altprov.school.org.uk.",
                id="altprov.E002",
            )
        ]
    return []
