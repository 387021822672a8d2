"""Links for people without an account: one token model, one way in.

A link is `/l/<id>.<secret>/`; only SHA-256 of the secret is stored. Every
link page, whatever its purpose, is served through `link_page`, which
parses the token strictly, checks the secret, expiry and revocation,
rate-limits, records the use and marks the answer private (no referrer, no
caching). An app registers the view for each of its purposes (and how to
send a fresh link) from its AppConfig.ready(), so this base layer imports
no app and a new link page needs none of this written again.
"""

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .models import LinkAudience, LinkToken, RateCount, School

DEFAULT_LIFETIME = timedelta(days=7)
SECRET_BYTES = 32  # 256 bits
# `secrets.token_urlsafe(32)`: 43 characters of the URL-safe base64 alphabet.
# The id is ASCII digits without a leading zero (`int()` would also take
# "١٢", " 12" or "1_2"), at most 18 of them, so it always fits a 64-bit integer.
TOKEN = re.compile(r"([1-9][0-9]{0,17})\.([A-Za-z0-9_-]{43})")

# Opening a page (email scanners fetch links too) and submitting are counted
# apart, so a scanner's GETs never use up the holder's submissions.
OPEN_PER_MINUTE = 120
SUBMIT_PER_MINUTE = 30
# "Email me a fresh link": once per link in a quarter of an hour, and a few a
# day for the same subject, whichever of its links is used to ask.
FRESH_EVERY = timedelta(minutes=15)
FRESH_PER_SUBJECT_PER_DAY = 3
RATE_COUNTS_KEPT = timedelta(days=2)


@dataclass(frozen=True)
class LinkPage:
    """What an app supplies for one purpose: the page, and how to send a fresh link.

    `view(request, link)` answers a usable link. `reissue(link)` sends a new
    link for the same subject to the address the school holds for it (never
    one typed on the page), or does nothing when there is none.
    """

    view: Callable[[HttpRequest, LinkToken], HttpResponse]
    reissue: Callable[[LinkToken], None] | None = None


_pages: dict[str, LinkPage] = {}


@dataclass(frozen=True)
class SubPage:
    """A further page under a purpose's link, offered by another app (`/l/<token>/<name>/`).

    The provider's register link, for one, also opens "Report a serious
    incident" and "Raise a safeguarding concern": the provider needs no
    other link for urgent matters, and the register (attendance) need not
    know the app (monitoring) that serves them. `label` is the words of the
    link to it on the purpose's page.
    """

    name: str
    label: str
    view: Callable[[HttpRequest, LinkToken], HttpResponse]


_subpages: dict[str, dict[str, SubPage]] = {}


def register(purpose: str, *, view: Callable, reissue: Callable | None = None) -> None:
    """Serve `purpose`'s links with `view`; called from the owning app's AppConfig.ready()."""
    page = LinkPage(view=view, reissue=reissue)
    if _pages.get(purpose, page) != page:
        raise ImproperlyConfigured(f"Link purpose {purpose!r} is already registered to another view.")
    _pages[purpose] = page


def registered(purpose: str) -> LinkPage | None:
    return _pages.get(purpose)


def register_subpage(purpose: str, name: str, *, label: str, view: Callable) -> None:
    """Serve `/l/<token>/<name>/` for links of `purpose` with `view`; from the owning app's ready()."""
    if name == "fresh" or not re.fullmatch(r"[a-z][a-z-]{0,30}", name):
        raise ImproperlyConfigured(f"Link sub-page name {name!r} is not allowed.")
    page = SubPage(name=name, label=label, view=view)
    found = _subpages.setdefault(purpose, {})
    if found.get(name, page) != page:
        raise ImproperlyConfigured(f"Link sub-page {purpose}/{name} is already registered to another view.")
    found[name] = page


def subpages(purpose: str) -> list[SubPage]:
    """The further pages a purpose's link opens, for its page to offer."""
    return list(_subpages.get(purpose, {}).values())


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_link(
    *,
    purpose: str,
    school: School,
    subject: models.Model | None = None,
    audience: str = LinkAudience.PROVIDER,
    recipient_name: str = "",
    recipient_email: str = "",
    by=None,
    expires_at: datetime | None = None,
    replace: bool = False,
) -> tuple[LinkToken, str]:
    """A new link and its token (shown or emailed once; never stored).

    With `replace`, the other usable links of the same purpose, school and
    subject stop working: one live bearer link is all the holder needs.
    """
    now = timezone.now()
    secret = secrets.token_urlsafe(SECRET_BYTES)
    link = LinkToken.objects.create(
        purpose=purpose,
        school=school,
        subject_type=ContentType.objects.get_for_model(subject) if subject is not None else None,
        subject_id=subject.pk if subject is not None else None,
        audience=audience,
        recipient_name=recipient_name,
        recipient_email=recipient_email,
        created_by=by,
        token_hash=_hash(secret),
        expires_at=expires_at or now + DEFAULT_LIFETIME,
    )
    if replace:
        others = LinkToken.objects.usable(now).filter(purpose=purpose, school=school).exclude(pk=link.pk)
        if subject is not None:
            others = others.filter(subject_type=link.subject_type, subject_id=link.subject_id)
        else:
            others = others.filter(subject_type__isnull=True)
        others.update(revoked_at=now, revoked_by=by)
    RateCount.objects.filter(bucket__lt=(now - RATE_COUNTS_KEPT).timestamp()).delete()
    return link, f"{link.pk}.{secret}"


@dataclass(frozen=True)
class LinkRequest:
    """One link of a batch (`issue_links`): its school, subject and recipient."""

    school: School
    subject: models.Model
    recipient_name: str = ""
    recipient_email: str = ""
    expires_at: datetime | None = None


def issue_links(
    *,
    purpose: str,
    requests: list[LinkRequest],
    audience: str = LinkAudience.PROVIDER,
    by=None,
    replace: bool = False,
) -> list[tuple[LinkToken, str]]:
    """`issue_link` for many subjects at once, in the same few queries however many there are.

    For a daily job that sends a link per record; answers (link, token) in
    the order of `requests`. With `replace`, each subject's other usable
    links of the purpose at its school stop working.
    """
    if not requests:
        return []
    now = timezone.now()
    made = []
    for request in requests:
        secret = secrets.token_urlsafe(SECRET_BYTES)
        link = LinkToken(
            purpose=purpose,
            school=request.school,
            subject_type=ContentType.objects.get_for_model(request.subject),
            subject_id=request.subject.pk,
            audience=audience,
            recipient_name=request.recipient_name,
            recipient_email=request.recipient_email,
            created_by=by,
            token_hash=_hash(secret),
            expires_at=request.expires_at or now + DEFAULT_LIFETIME,
        )
        made.append((link, secret))
    LinkToken.objects.bulk_create([link for link, _ in made])
    if replace:
        same = models.Q()
        for link, _ in made:
            same |= models.Q(
                school_id=link.school_id, subject_type_id=link.subject_type_id, subject_id=link.subject_id
            )
        LinkToken.objects.usable(now).filter(same, purpose=purpose).exclude(
            pk__in=[link.pk for link, _ in made]
        ).update(revoked_at=now, revoked_by=by)
    RateCount.objects.filter(bucket__lt=(now - RATE_COUNTS_KEPT).timestamp()).delete()
    return [(link, f"{link.pk}.{secret}") for link, secret in made]


def link_url(token: str) -> str:
    """The absolute address of a link, for an email."""
    return settings.SITE_URL.rstrip("/") + reverse("link_page", kwargs={"token": token})


def revoke(link: LinkToken, *, by) -> None:
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.revoked_by = by
        link.save(update_fields=["revoked_at", "revoked_by"])


def parse(token: str) -> tuple[int, str] | None:
    """(id, secret) of a well-formed token: ASCII digits, one dot, the exact secret alphabet and length."""
    found = TOKEN.fullmatch(token)
    if found is None:
        return None
    return int(found[1]), found[2]


def resolve(token: str) -> tuple[LinkToken | None, str]:
    """(link, problem): problem is '' for a usable link, else expired, revoked or invalid.

    A wrong secret gives no link at all, so nothing about the real link
    (not even its school) reaches a page: only the holder of the secret
    may learn whose link it is.
    """
    parsed = parse(token)
    if parsed is None:
        return None, "invalid"
    pk, secret = parsed
    link = LinkToken.objects.select_related("school").filter(pk=pk).first()
    if link is None or not hmac.compare_digest(link.token_hash, _hash(secret)):
        return None, "invalid"
    if link.revoked_at is not None:
        return link, "revoked"
    if link.expires_at <= timezone.now():
        return link, "expired"
    return link, ""


def count_request(key: str, *, per: timedelta) -> int:
    """Count one request under `key` in the current bucket of length `per`; the count so far.

    One atomic upsert, so concurrent requests in any number of processes
    each get their own count (SQLite 3.35+ and PostgreSQL both support it).
    """
    seconds = int(per.total_seconds())
    bucket = int(timezone.now().timestamp()) // seconds * seconds
    quote = connection.ops.quote_name
    table = quote(RateCount._meta.db_table)
    key_col, bucket_col, hits_col = (
        quote(RateCount._meta.get_field(name).column) for name in ("key", "bucket", "hits")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_col}, {bucket_col}, {hits_col}) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT ({key_col}, {bucket_col}) DO UPDATE SET {hits_col} = {table}.{hits_col} + 1 "
            f"RETURNING {hits_col}",
            [key, bucket],
        )
        return cursor.fetchone()[0]


def _over_limit(link: LinkToken, request: HttpRequest) -> bool:
    if request.method in ("GET", "HEAD"):
        return count_request(f"link:{link.pk}:open", per=timedelta(minutes=1)) > OPEN_PER_MINUTE
    return count_request(f"link:{link.pk}:submit", per=timedelta(minutes=1)) > SUBMIT_PER_MINUTE


def _private(view: Callable) -> Callable:
    """Every answer of a link page, refusals included: no referrer, no caching, no indexing.

    No CSRF check either: a link page has no ambient authority to forge (no
    session or account); the secret in the URL is the credential, and a
    forger without it has nothing to post to. "Referrer-Policy: no-referrer"
    also makes browsers send "Origin: null" with a form, which Django's CSRF
    check would refuse.
    """

    @login_not_required
    @csrf_exempt
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped


def _problem_page(request: HttpRequest, link: LinkToken | None, problem: str, status: int) -> HttpResponse:
    # Only a link whose secret was given may name its school.
    page = registered(link.purpose) if link is not None else None
    context = {
        "problem": problem,
        "school": link.school if link is not None else None,
        "can_ask_fresh": problem in ("expired", "revoked") and page is not None and page.reissue is not None,
    }
    return render(request, "links/problem.html", context, status=status)


_STATUS = {"invalid": 404, "expired": 410, "revoked": 410}


@_private
def link_page(request: HttpRequest, token: str, page_name: str = "") -> HttpResponse:
    """Every link page: resolved, checked and counted here, then answered by its purpose's view.

    With `page_name`, the sub-page of that name registered for the link's purpose.
    """
    link, problem = resolve(token)
    page = registered(link.purpose) if link is not None else None
    if page is not None and page_name:
        page = _subpages.get(link.purpose, {}).get(page_name)
    if link is not None and page is None:
        link, problem = None, "invalid"
    if problem:
        return _problem_page(request, link, problem, _STATUS[problem])
    if _over_limit(link, request):
        return _problem_page(request, link, "rate", 429)
    LinkToken.objects.filter(pk=link.pk).update(last_used_at=timezone.now(), use_count=F("use_count") + 1)
    try:
        return page.view(request, link)
    except Http404:
        return _problem_page(request, None, "invalid", 404)


@_private
@require_POST
def link_fresh(request: HttpRequest, token: str) -> HttpResponse:
    """ "Email me a fresh link", from an expired or withdrawn link's page.

    The new link goes only to the address the school holds for the link's
    subject, and the page never shows that address, so a stranger holding an
    old link learns nothing and can at most make the school's own contact
    receive an email (a few a day).
    """
    link, problem = resolve(token)
    if problem == "invalid":
        return _problem_page(request, None, problem, 404)
    if not problem:
        return HttpResponseRedirect(reverse("link_page", kwargs={"token": token}))
    page = registered(link.purpose)
    if page is None or page.reissue is None:
        return _problem_page(request, None, "invalid", 404)
    context = {"school": link.school}
    if count_request(f"link:{link.pk}:fresh", per=FRESH_EVERY) > 1 or (
        link.subject_id is not None
        and count_request(f"fresh:{link.subject_type_id}:{link.subject_id}", per=timedelta(days=1))
        > FRESH_PER_SUBJECT_PER_DAY
    ):
        return render(request, "links/fresh.html", {**context, "limited": True}, status=429)
    page.reissue(link)
    return render(request, "links/fresh.html", context)
