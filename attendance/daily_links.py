"""The morning email: each provider with learners expected today gets its register link."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from altprov.links import issue_link, link_url
from altprov.models import LinkPurpose, School
from altprov.notifications import notify
from placements.models import Placement, Provider
from placements.schedule import expected_sessions

from .models import DailyLinkEmail

REGISTER_VIEW = "attendance:provider_register"


def providers_expected(school: School, day) -> list[Provider]:
    expected = expected_sessions(day, day, placements=Placement.objects.filter(school=school))
    return list(Provider.objects.filter(pk__in={e.provider_id for e in expected}))


def email_register_link(*, school: School, provider: Provider, by=None, day=None) -> str:
    """Issue a new link for the provider and email it after commit; returns the URL (staff may copy it).

    With `day`, it is that day's morning email: at most one per school, provider and day.
    """
    with transaction.atomic():
        link, token = issue_link(
            purpose=LinkPurpose.PROVIDER_REGISTER, school=school, provider=provider, by=by
        )
        if day is not None:
            DailyLinkEmail.objects.create(school=school, provider=provider, day=day, link=link)
        url = link_url(REGISTER_VIEW, token)
        body = render_to_string(
            "attendance/email/register_link.txt",
            {"school": school, "provider": provider, "url": url, "link": link},
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
