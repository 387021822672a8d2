from datetime import date, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from altprov.models import Delivery, LinkToken, Notification
from attendance.daily_links import email_register_link, send_daily_links
from attendance.models import DailyLinkEmail
from placements.models import Provider, Status

from ..factories import (
    LearnerFactory,
    PlacementFactory,
    ProviderFactory,
    SchoolClosureFactory,
    approved_provider,
)
from .conftest import MONDAY, london

pytestmark = pytest.mark.django_db


def send(at, capture):
    with capture(execute=True):
        return send_daily_links(now=at)


def test_each_provider_expected_today_gets_one_email_after_the_schools_time(
    active_placement, mailoutbox, django_capture_on_commit_callbacks
):
    assert send(london(MONDAY, 7, 59), django_capture_on_commit_callbacks) == 0
    assert send(london(MONDAY, 8, 0), django_capture_on_commit_callbacks) == 1
    assert send(london(MONDAY, 8, 5), django_capture_on_commit_callbacks) == 0
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [active_placement.provider.attendance_contact_email]
    link = LinkToken.objects.get()
    assert f"/l/{link.pk}." in message.body
    # The email names no learner.
    assert active_placement.learner.legal_last_name not in message.body
    assert DailyLinkEmail.objects.get().link == link


def test_an_email_time_after_midday_is_sent(
    school, active_placement, mailoutbox, django_capture_on_commit_callbacks
):
    school.provider_email_time = "12:30"
    school.report_cutoff = "13:00"
    school.escalation_time = "15:00"
    school.pm_report_cutoff = "15:30"
    school.save()
    assert send(london(MONDAY, 12, 25), django_capture_on_commit_callbacks) == 0
    assert send(london(MONDAY, 12, 30), django_capture_on_commit_callbacks) == 1
    assert len(mailoutbox) == 1


def test_no_email_on_a_day_nobody_is_expected(
    active_placement, mailoutbox, django_capture_on_commit_callbacks
):
    wednesday = date(2026, 12, 2)  # the placement has Monday and Tuesday sessions only
    assert send(london(wednesday, 9), django_capture_on_commit_callbacks) == 0
    saturday = date(2026, 12, 5)
    assert send(london(saturday, 9), django_capture_on_commit_callbacks) == 0
    assert mailoutbox == []


def two_providers(school, dsl, active_placement):
    """Riverside Skills (the active placement's) and Hilltop Farm, both expected on Monday."""
    hilltop = approved_provider(school, dsl, MONDAY, name="Hilltop Farm")
    PlacementFactory(
        learner=LearnerFactory(school=school),
        provider=hilltop,
        status=Status.ACTIVE,
        start_date=date(2026, 9, 7),
        activated_on=date(2026, 9, 7),
        mon_am=True,
    )
    return active_placement.provider, hilltop


def to(mailoutbox, provider):
    return [m for m in mailoutbox if m.to == [provider.attendance_contact_email]]


def test_an_smtp_failure_loses_nothing_and_the_sweep_sends_it_once(
    school, dsl, active_placement, admin_assistant, smtp, mailoutbox, django_capture_on_commit_callbacks
):
    riverside, hilltop = two_providers(school, dsl, active_placement)
    smtp.refusing = {riverside.attendance_contact_email}
    with time_machine.travel(london(MONDAY, 8, 0), tick=False) as clock:
        # The job carries on past the failure.
        assert send(london(MONDAY, 8, 0), django_capture_on_commit_callbacks) == 2
        assert len(to(mailoutbox, hilltop)) == 1 and to(mailoutbox, riverside) == []
        waiting = Notification.objects.get(to_email=riverside.attendance_contact_email)
        assert (waiting.status, waiting.attempts) == (Delivery.PENDING, 1)
        # Its link is in the body until it goes.
        assert f"/l/{waiting.key.split(':')[1]}." in waiting.body

        smtp.refusing = set()
        clock.move_to(london(MONDAY, 8, 1))
        call_command("send_outbox")
        clock.move_to(london(MONDAY, 8, 30))
        call_command("send_outbox")
        assert send(london(MONDAY, 8, 30), django_capture_on_commit_callbacks) == 0

    assert len(to(mailoutbox, riverside)) == 1 and len(to(mailoutbox, hilltop)) == 1
    link = LinkToken.objects.about(Provider, [riverside.pk]).get()
    assert f"/l/{link.pk}." in to(mailoutbox, riverside)[0].body
    # Sent: no link secret left in the outbox, and nobody told of a failure.
    assert [n.body for n in Notification.objects.filter(recipient__isnull=True)] == ["", ""]
    assert not Notification.objects.filter(recipient=admin_assistant).exists()


def test_repeated_failure_is_told_to_the_admin_assistants_once(
    school, dsl, active_placement, admin_assistant, smtp, mailoutbox, django_capture_on_commit_callbacks
):
    riverside, hilltop = two_providers(school, dsl, active_placement)
    smtp.refusing = {riverside.attendance_contact_email}
    with time_machine.travel(london(MONDAY, 8, 0), tick=False) as clock:
        send(london(MONDAY, 8, 0), django_capture_on_commit_callbacks)
        # The sweep every two minutes for the next hour.
        for _ in range(30):
            clock.shift(timedelta(minutes=2))
            call_command("send_outbox")
    failed = Notification.objects.get(to_email=riverside.attendance_contact_email)
    assert (failed.status, failed.attempts, failed.body) == (Delivery.FAILED, 6, "")
    assert to(mailoutbox, riverside) == [] and len(to(mailoutbox, hilltop)) == 1
    notice = Notification.objects.get(recipient=admin_assistant)
    assert notice.subject == f"An email to {riverside.attendance_contact_email} could not be sent"
    assert "Northfield Academy: today's attendance register" in notice.body
    assert notice.url == reverse("attendance:today")
    assert notice.status == Delivery.IN_APP


def test_management_command_sends_the_links(
    active_placement, mailoutbox, capsys, django_capture_on_commit_callbacks
):
    with time_machine.travel(london(MONDAY, 9), tick=False), django_capture_on_commit_callbacks(execute=True):
        call_command("send_register_links")
    assert "Register links sent: 1" in capsys.readouterr().out
    assert len(mailoutbox) == 1


# How long a register link lasts ------------------------------------------------------


@pytest.mark.parametrize(
    ("issued", "last_day"),
    [
        (london(MONDAY, 8), date(2026, 12, 1)),  # Monday: until the end of Tuesday
        (london(date(2026, 12, 4), 8), date(2026, 12, 7)),  # Friday: across the weekend to Monday
        # The Friday before half term, across the clocks going back.
        (london(date(2026, 10, 23), 8), date(2026, 11, 2)),
        (london(date(2026, 10, 31), 11), date(2026, 11, 2)),  # a resend on a Saturday in half term
        (london(date(2026, 12, 18), 8), date(2026, 12, 21)),  # end of term, no spring term yet: next weekday
    ],
)
def test_a_register_link_lasts_until_the_end_of_the_next_school_day(
    active_placement, issued, last_day, mailoutbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(issued, tick=False), django_capture_on_commit_callbacks(execute=True):
        email_register_link(school=active_placement.school, provider=active_placement.provider)
    link = LinkToken.objects.get()
    assert link.expires_at == london(last_day + timedelta(days=1), 0)
    assert f"The link works until the end of {last_day:%A} {last_day.day} {last_day:%B}" in mailoutbox[0].body


def test_a_school_closure_is_not_a_school_day_for_the_link(active_placement):
    SchoolClosureFactory(school=active_placement.school, date=date(2026, 12, 1))
    with time_machine.travel(london(MONDAY, 8), tick=False):
        email_register_link(school=active_placement.school, provider=active_placement.provider)
    assert LinkToken.objects.get().expires_at == london(date(2026, 12, 3), 0)


def test_yesterdays_link_works_until_the_end_of_today_and_not_after(client, active_placement):
    with time_machine.travel(london(MONDAY, 8), tick=False):
        url = email_register_link(school=active_placement.school, provider=active_placement.provider)
    path = url.removeprefix(settings.SITE_URL.rstrip("/"))
    with time_machine.travel(london(MONDAY + timedelta(days=1), 23, 59), tick=False):
        assert client.get(path).status_code == 200
    with time_machine.travel(london(MONDAY + timedelta(days=2), 0, 0), tick=False):
        assert client.get(path).status_code == 410


# One live link per provider and school ------------------------------------------------


def test_the_morning_email_withdraws_the_providers_older_links(
    school, other_school, active_placement, provider, admin_assistant, django_capture_on_commit_callbacks
):
    other_provider = ProviderFactory()
    with time_machine.travel(london(MONDAY - timedelta(days=3), 8), tick=False):
        older = email_register_link(school=school, provider=provider)
        resent = email_register_link(school=school, provider=provider, by=admin_assistant)
        elsewhere = email_register_link(school=other_school, provider=provider)
        other = email_register_link(school=school, provider=other_provider)
    links = {url: LinkToken.objects.get(pk=url.split("/l/")[1].split(".")[0]) for url in (older, resent)}
    assert links[older].revoked_at is not None and links[older].revoked_by == admin_assistant
    assert links[resent].revoked_at is None
    with time_machine.travel(london(MONDAY, 8), tick=False):
        send(london(MONDAY, 8), django_capture_on_commit_callbacks)
    today = DailyLinkEmail.objects.get(day=MONDAY).link
    live = set(LinkToken.objects.usable(london(MONDAY, 8, 1)).values_list("pk", flat=True))
    assert today.pk in live
    assert links[resent].pk not in live
    # Another school's link for the provider, and another provider's, are not touched.
    for url in (elsewhere, other):
        assert int(url.split("/l/")[1].split(".")[0]) in live
