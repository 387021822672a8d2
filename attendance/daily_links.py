"""The morning email: each provider with learners expected today gets its register link.

A register link lasts until the end of the next school day (so yesterday's
register can be finished the next morning, and no longer), and a new one
withdraws the provider's older ones at that school: one live bearer link
per provider is all the job needs.
"""

from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from altprov.links import issue_link, link_url
from altprov.models import LinkPurpose, LinkToken, School
from altprov.notifications import notify
from placements.models import Placement, Provider
from placements.schedule import expected_sessions, school_days

from .models import DailyLinkEmail

# How far ahead the next school day is looked for: a half term or the
# Christmas and Easter holidays, not the summer (then the next weekday).
NEXT_SCHOOL_DAY_WITHIN = timedelta(days=21)


def provider_of(link: LinkToken) -> Provider:
    """The provider a register link is for (its subject); a link whose provider was deleted is not valid."""
    provider = Provider.objects.filter(pk=link.subject_id).first()
    if provider is None:
        raise Http404("The link's provider no longer exists.")
    return provider


def register_link_expiry(school: School, now: datetime) -> datetime:
    """Midnight (Europe/London) at the end of the school's next school day after `now`'s date."""
    today = timezone.localdate(now)
    days = school_days([school.pk], today + timedelta(days=1), today + NEXT_SCHOOL_DAY_WITHIN)[school.pk]
    last = days[0] if days else _next_weekday(today)
    return timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))


def _next_weekday(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() > 4:
        day += timedelta(days=1)
    return day


def last_day(link: LinkToken) -> date:
    """The last day a link works on, for the wording "until the end of ..."."""
    return timezone.localtime(link.expires_at - timedelta(microseconds=1)).date()


def providers_expected(school: School, day) -> list[Provider]:
    expected = expected_sessions(day, day, placements=Placement.objects.filter(school=school))
    return list(Provider.objects.filter(pk__in={e.provider_id for e in expected}))


def email_register_link(
    *, school: School, provider: Provider, by=None, day=None, replace: bool = True
) -> str:
    """Issue a new link for the provider and email it after commit; returns the URL (staff may copy it).

    The provider's older register links at the school stop working (unless
    `replace` is False: a fresh link asked for from an old one must never
    switch off the link the provider is using). With
    `day`, it is that day's morning email: at most one per school, provider
    and day.
    """
    with transaction.atomic():
        link, token = issue_link(
            purpose=LinkPurpose.PROVIDER_REGISTER,
            school=school,
            subject=provider,
            by=by,
            expires_at=register_link_expiry(school, timezone.now()),
            replace=replace,
        )
        if day is not None:
            DailyLinkEmail.objects.create(school=school, provider=provider, day=day, link=link)
        url = link_url(token)
        body = render_to_string(
            "attendance/email/register_link.txt",
            {"school": school, "provider": provider, "url": url, "link": link, "last_day": last_day(link)},
        )
        _send(school, provider, body, key=f"register-link:{link.pk}")
    return url


def _send(school: School, provider: Provider, body: str, key: str) -> None:
    """Put one register email in the outbox, in the link's transaction: a failed send is retried, not lost.

    The body carries the link's secret, so the outbox keeps it only until sent.
    """
    notify(
        addresses=[provider.attendance_contact_email],
        school=school,
        key=key,
        subject=f"{school.name}: today's attendance register",
        body=body,
        url=reverse("attendance:today"),
        secret=True,
    )


def reissue_register_link(link: LinkToken) -> None:
    """A fresh link for "email me a fresh link": to the provider's attendance contact only,
    while the school still places learners there."""
    provider = Provider.objects.filter(pk=link.subject_id).first()
    if provider is None or not provider.attendance_contact_email:
        return
    placements = Placement.objects.filter(school=link.school, provider=provider)
    if not placements.active(on=timezone.localdate()).exists():
        return
    email_register_link(school=link.school, provider=provider, replace=False)


def send_daily_links(*, now: datetime | None = None) -> int:
    """Once per school day, provider and school, after the school's email time. Idempotent."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    day = local.date()
    if day.weekday() > 4:
        return 0
    sent = 0
    for school in School.objects.all():
        if local.time() < school.provider_email_time:
            continue
        already = set(
            DailyLinkEmail.objects.filter(school=school, day=day).values_list("provider_id", flat=True)
        )
        for provider in providers_expected(school, day):
            if provider.pk in already:
                continue
            try:
                email_register_link(school=school, provider=provider, day=day)
            except IntegrityError:
                continue  # another worker sent it
            sent += 1
    return sent
