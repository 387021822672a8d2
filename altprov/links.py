"""Links for people without an account: one token model, one way in.

A link is `<id>.<secret>`; only SHA-256 of the secret is stored. Every link
view is wrapped by `link_view(purpose)`, which checks the secret, expiry,
revocation and a per-link rate limit before the view runs.
"""

import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from .models import LinkToken, School

DEFAULT_DAYS = 7
RATE_LIMIT_PER_MINUTE = 30


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_link(
    *, purpose: str, school: School, provider=None, by=None, days: int = DEFAULT_DAYS
) -> tuple[LinkToken, str]:
    """A new link and its token (shown or emailed once; never stored)."""
    secret = secrets.token_urlsafe(32)  # 256 bits
    link = LinkToken.objects.create(
        purpose=purpose,
        school=school,
        provider=provider,
        created_by=by,
        token_hash=_hash(secret),
        expires_at=timezone.now() + timedelta(days=days),
    )
    return link, f"{link.pk}.{secret}"


def link_url(view_name: str, token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(view_name, kwargs={"token": token})


def revoke(link: LinkToken, *, by) -> None:
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.revoked_by = by
        link.save(update_fields=["revoked_at", "revoked_by"])


def resolve(token: str, purpose: str) -> tuple[LinkToken | None, str]:
    """(link, problem): problem is '' for a usable link, else expired, revoked or invalid."""
    pk, _, secret = token.partition(".")
    if not pk.isdigit() or not secret:
        return None, "invalid"
    link = LinkToken.objects.select_related("school", "provider").filter(pk=int(pk), purpose=purpose).first()
    if link is None:
        return None, "invalid"
    if not hmac.compare_digest(link.token_hash, _hash(secret)):
        return link, "invalid"
    if link.revoked_at is not None:
        return link, "revoked"
    if link.expires_at <= timezone.now():
        return link, "expired"
    return link, ""


def _rate_limited(link: LinkToken) -> bool:
    key = f"link-rate:{link.pk}:{int(timezone.now().timestamp() // 60)}"
    cache.add(key, 0, timeout=120)
    try:
        return cache.incr(key) > RATE_LIMIT_PER_MINUTE
    except ValueError:
        return False


def _problem_page(request: HttpRequest, link: LinkToken | None, problem: str, status: int) -> HttpResponse:
    school = link.school if link else None
    if school is None:
        only = list(School.objects.all()[:2])
        school = only[0] if len(only) == 1 else None
    return render(request, "links/problem.html", {"problem": problem, "school": school}, status=status)


def link_view(purpose: str) -> Callable:
    """Wrap a view taking (request, link, ...) for a public link URL with a `token` parameter."""

    def decorator(view: Callable) -> Callable:
        @login_not_required
        @never_cache
        @wraps(view)
        def wrapped(request: HttpRequest, token: str, *args, **kwargs):
            link, problem = resolve(token, purpose)
            if problem:
                return _problem_page(request, link, problem, 404 if problem == "invalid" else 410)
            if _rate_limited(link):
                return _problem_page(request, link, "rate", 429)
            LinkToken.objects.filter(pk=link.pk).update(
                last_used_at=timezone.now(), use_count=F("use_count") + 1
            )
            response = view(request, link, *args, **kwargs)
            response["Referrer-Policy"] = "no-referrer"
            response["X-Robots-Tag"] = "noindex, nofollow"
            return response

        return wrapped

    return decorator
