from datetime import date
from unittest import mock

import pytest
import time_machine
from django.core.management import call_command

from altprov.models import LinkToken, Notification
from attendance.daily_links import send_daily_links
from attendance.models import DailyLinkEmail

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
    assert f"/attendance/r/{link.pk}." in message.body
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


def test_a_failed_email_is_told_to_the_admin_assistants(
    active_placement, admin_assistant, django_capture_on_commit_callbacks
):
    with mock.patch("attendance.daily_links.send_mail", side_effect=OSError("SMTP down")):
        send(london(MONDAY, 8, 30), django_capture_on_commit_callbacks)
    notice = Notification.objects.get(recipient=admin_assistant)
    assert "failed" in notice.subject


def test_management_command_sends_the_links(
    active_placement, mailoutbox, capsys, django_capture_on_commit_callbacks
):
    with time_machine.travel(london(MONDAY, 9), tick=False), django_capture_on_commit_callbacks(execute=True):
        call_command("send_register_links")
    assert "Register links sent: 1" in capsys.readouterr().out
    assert len(mailoutbox) == 1
