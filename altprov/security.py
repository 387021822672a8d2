"""Signing in and staying signed in safely: the client's address, session limits, headers.

- `client_ip`: the address login lockouts (django-axes) and password-reset
  limits are counted by. REMOTE_ADDR, unless TRUSTED_PROXY_COUNT says how
  many proxies of ours stand in front: only then is X-Forwarded-For read,
  and only the entry our nearest proxy added, so a header the client sends
  itself changes nothing.
- `SessionLimitsMiddleware`: a session ends after SESSION_IDLE_SECONDS
  without use and SESSION_MAX_SECONDS after signing in, and when the browser
  closes if one of the user's schools asks for that (shared computers).
- `PrivateResponsesMiddleware`: every page and file the app itself serves is
  `Cache-Control: no-store, private` (static files, served by WhiteNoise
  before it, stay cacheable), with a Permissions-Policy.
"""

import hashlib
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .models import School

LOGIN_AT = "_signed_in_at"
SEEN_AT = "_seen_at"
# A use within this many seconds of the last recorded one is not written
# again, so a page's requests do not each save the session.
SEEN_RESOLUTION = 60
# A request a page makes by itself (the Today page's refresh) sends this
# header; it is not use, so a page left open still ends its session.
BACKGROUND_HEADER = "X-Background-Refresh"

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "interest-cohort",
    )
)


def client_ip(request: HttpRequest) -> str:
    """The client's address, which a client cannot choose by sending a header."""
    proxies = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "")
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    # Each of our proxies appends the address it received from: with N of
    # them, the client is the Nth entry from the right. Entries to its left
    # are whatever the client sent.
    if len(forwarded) >= proxies:
        return forwarded[-proxies]
    return remote


def client_key(request: HttpRequest) -> str:
    """The client's address, hashed, for counting requests without storing the address."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{client_ip(request)}".encode()).hexdigest()
    return digest[:32]


def axes_client_str(username, ip_address, user_agent, path_info, request) -> str:
    """How django-axes names a client in its log lines: the page only, never who or from where.

    The attempts themselves, with username and address, are in the database
    (AccessAttempt, AccessFailureLog) where only superusers see them.
    """
    path = path_info[0] if isinstance(path_info, (tuple, list)) else path_info
    return f"{{path_info: {path!r}}}"


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a locked-out login: what happened and what to do, in plain words."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    return render(request, "registration/locked_out.html", context, status=429)


def _wants_browser_session(user) -> bool:
    return School.objects.filter(memberships__user=user, end_sessions_on_browser_close=True).exists()


def start_session_clocks(sender, request: HttpRequest, user, **kwargs) -> None:
    """On signing in (the user_logged_in signal): note the time, and end with the browser if asked."""
    if request is None or not hasattr(request, "session"):
        return
    request.session[LOGIN_AT] = request.session[SEEN_AT] = int(time.time())
    if _wants_browser_session(user):
        request.session.set_expiry(0)


class SessionLimitsMiddleware:
    """Ends a signed-in session when idle too long, or too long after signing in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        now = int(time.time())
        session = request.session
        if request.user.is_authenticated and LOGIN_AT in session:
            idle = now - session.get(SEEN_AT, session[LOGIN_AT])
            if idle > settings.SESSION_IDLE_SECONDS or now - session[LOGIN_AT] > settings.SESSION_MAX_SECONDS:
                # Signed out, the request goes on as anonymous: the login
                # requirement sends the user to the login page.
                logout(request)
            elif (
                BACKGROUND_HEADER not in request.headers and now - session.get(SEEN_AT, 0) >= SEEN_RESOLUTION
            ):
                session[SEEN_AT] = now
        elif request.user.is_authenticated:
            # A session from before these limits: its clocks start now.
            session[LOGIN_AT] = session[SEEN_AT] = now
        return self.get_response(request)


class PrivateResponsesMiddleware:
    """No page or file the app serves is kept by a browser or proxy cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "no-store, private"
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
