import threading
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from unittest import mock

import pytest
import time_machine
from celery.exceptions import Retry
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import RequestFactory
from django.urls import reverse

from altprov import notifications
from altprov.celery import app
from altprov.models import Delivery, Notification
from altprov.notifications import (
    CLAIM_LEASE,
    LONGEST_WAIT,
    MAX_ATTEMPTS,
    Notice,
    notify,
    notify_all,
    retry_delay,
    send_notification,
    send_outbox,
    unread_count,
)
from altprov.tasks import send_notification_email

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def tell(user, school, key="k1", **extra):
    """A message to one member of staff, sent as its transaction commits (a worker runs the task)."""
    extra.setdefault("template", "altprov/email/not_sent.txt")
    return notify(users=[user], school=school, key=key, subject="Subject", context={"to": "x"}, **extra)


def committed(capture, fn, *args, **kwargs):
    with capture(execute=True):
        return fn(*args, **kwargs)


def message():
    return Notification.objects.get(key="k1")


# Retries and back-off --------------------------------------------------------


def test_back_off_doubles_from_one_minute_up_to_half_an_hour():
    assert [retry_delay(n) / MINUTE for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]


def test_a_failed_send_is_retried_by_the_sweep_and_sent_once(
    school, pastoral, smtp, mailoutbox, django_capture_on_commit_callbacks
):
    smtp.failures = 1
    with time_machine.travel(T0, tick=False) as clock:
        committed(django_capture_on_commit_callbacks, tell, pastoral, school, url="/attendance/")
        row = message()
        assert (row.status, row.attempts, row.last_error) == (Delivery.PENDING, 1, "SMTPServerDisconnected")
        assert row.next_attempt_at == T0 + MINUTE
        assert row.emailed_at is None and mailoutbox == []

        clock.move_to(T0 + timedelta(seconds=59))
        assert send_outbox() == {"sent": 0, "retrying": 0, "gave_up": 0}

        clock.move_to(T0 + MINUTE)
        assert send_outbox()["sent"] == 1
        assert send_outbox()["sent"] == 0
        clock.move_to(T0 + timedelta(hours=2))
        assert send_outbox()["sent"] == 0

    row = message()
    # The failure stays on record.
    assert (row.status, row.attempts, row.last_error) == (Delivery.SENT, 2, "SMTPServerDisconnected")
    assert row.emailed_at == T0 + MINUTE
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [pastoral.email]
    # Staff get the page to act on.
    assert mailoutbox[0].body.endswith("http://127.0.0.1:8000/attendance/")


def test_each_wait_doubles_then_the_admin_assistants_are_told_once_in_the_app(
    school, dsl, admin_assistant, smtp, mailoutbox, django_capture_on_commit_callbacks
):
    smtp.down = True
    with time_machine.travel(T0, tick=False) as clock:
        notify(
            users=[dsl],
            school=school,
            key="k1",
            subject="Absent without a reason: Leah Hart",
            body="Leah Hart is looked-after.",
            url="/learners/1/",
        )
        send_notification(message().pk)
        now = T0
        for attempt in range(1, MAX_ATTEMPTS):
            row = message()
            assert row.attempts == attempt
            assert row.next_attempt_at - now == retry_delay(attempt)
            assert row.status == Delivery.PENDING
            # Not due a second early.
            clock.move_to(row.next_attempt_at - timedelta(seconds=1))
            assert send_outbox() == {"sent": 0, "retrying": 0, "gave_up": 0}
            now = row.next_attempt_at
            clock.move_to(now)
            outcome = send_outbox()
            assert outcome["retrying" if attempt < MAX_ATTEMPTS - 1 else "gave_up"] == 1
        clock.move_to(now + timedelta(hours=3))
        assert send_outbox() == {"sent": 0, "retrying": 0, "gave_up": 0}

    row = message()
    assert (row.status, row.attempts, row.last_error) == (
        Delivery.FAILED,
        MAX_ATTEMPTS,
        "SMTPServerDisconnected",
    )
    assert row.next_attempt_at is None
    assert len(smtp.tried) == MAX_ATTEMPTS and mailoutbox == []
    told = Notification.objects.get(recipient=admin_assistant)
    assert told.key == f"outbox-failed:{row.pk}"
    assert told.subject == "An email to Dana Lead could not be sent"
    assert "6 tries failed, the last with SMTPServerDisconnected" in told.body
    # In the app only, and naming nothing of the DSL's message.
    assert told.status == Delivery.IN_APP
    assert "Leah" not in told.subject + told.body and told.url == ""
    # The DSL can still read it in the app.
    assert dsl.notifications.unread().get() == row


def test_a_retry_lost_with_its_worker_is_sent_by_the_sweep(
    school, pastoral, smtp, mailoutbox, django_capture_on_commit_callbacks
):
    smtp.failures = 1
    with time_machine.travel(T0, tick=False) as clock:
        committed(django_capture_on_commit_callbacks, tell, pastoral, school)
        clock.move_to(T0 + timedelta(minutes=3))
        call_command("send_outbox")
    assert len(mailoutbox) == 1


def test_the_worker_retries_at_the_back_off_time(school, pastoral, smtp):
    smtp.failures = 1
    with time_machine.travel(T0, tick=False):
        tell(pastoral, school)
        pk = message().pk
        with (
            mock.patch.object(send_notification_email, "retry", side_effect=Retry) as retry,
            pytest.raises(Retry),
        ):
            send_notification_email(pk)
    retry.assert_called_once_with(eta=T0 + MINUTE)


def test_run_in_process_a_failure_waits_for_the_sweep(school, pastoral, smtp):
    # No broker: a Celery retry would run again at once and use up the tries.
    smtp.down = True
    tell(pastoral, school)
    assert send_notification_email.apply(args=[message().pk]).get() == "retry"
    assert message().attempts == 1


def test_a_broker_that_is_down_loses_nothing(
    school, pastoral, smtp, mailoutbox, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    with mock.patch.object(send_notification_email, "apply_async", side_effect=OperationalError("refused")):
        committed(django_capture_on_commit_callbacks, tell, pastoral, school)
    assert message().status == Delivery.PENDING and mailoutbox == []
    notifications._broker_down_until = None
    call_command("send_outbox")
    assert len(mailoutbox) == 1


def test_sweep_command_reports_what_it_did(school, pastoral, dsl, smtp, capsys):
    smtp.refusing = {dsl.email}
    tell(pastoral, school, key="a")
    tell(dsl, school, key="b")
    call_command("send_outbox")
    assert "Messages sent: 1, to retry: 1, given up: 0" in capsys.readouterr().out


def test_the_sweep_is_on_the_beat_schedule(settings):
    entries = [
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "altprov.tasks.send_outbox_task"
    ]
    assert len(entries) == 1
    assert "altprov.tasks.send_outbox_task" in app.tasks
    # Every two minutes, every hour, every day.
    schedule = entries[0]["schedule"]
    assert (
        schedule.minute == set(range(0, 60, 2))
        and len(schedule.hour) == 24
        and len(schedule.day_of_week) == 7
    )


# Once, even with two workers --------------------------------------------------


def test_a_second_worker_arriving_mid_send_sends_nothing(school, pastoral, smtp, mailoutbox):
    tell(pastoral, school)
    pk = message().pk
    second = []
    smtp.during_send = lambda _: second.append((send_notification(pk).outcome, send_outbox()))
    assert send_notification(pk).outcome == "sent"
    assert second == [("skipped", {"sent": 0, "retrying": 0, "gave_up": 0})]
    assert len(mailoutbox) == 1
    assert send_notification(pk).outcome == "skipped"
    assert len(mailoutbox) == 1


class WorkerKilled(BaseException):
    """The process dies mid-send (not an error the outbox can catch)."""


def test_a_dead_workers_claim_expires_and_the_message_is_sent_then(school, pastoral, smtp, mailoutbox):
    with time_machine.travel(T0, tick=False) as clock:
        tell(pastoral, school)

        def die(_):
            smtp.during_send = None
            raise WorkerKilled

        smtp.during_send = die
        with pytest.raises(WorkerKilled):
            send_outbox()
        assert message().claimed_until == T0 + CLAIM_LEASE
        clock.move_to(T0 + CLAIM_LEASE - timedelta(seconds=1))
        assert send_outbox()["sent"] == 0
        clock.move_to(T0 + CLAIM_LEASE + timedelta(seconds=1))
        assert send_outbox()["sent"] == 1
    assert len(mailoutbox) == 1
    assert message().attempts == 2


def test_a_message_whose_workers_always_die_is_given_up(school, pastoral, admin_assistant, smtp, mailoutbox):
    def die(_):
        raise WorkerKilled

    smtp.during_send = die
    with time_machine.travel(T0, tick=False) as clock:
        tell(pastoral, school)
        for _ in range(MAX_ATTEMPTS):
            with pytest.raises(WorkerKilled):
                send_outbox()
            clock.shift(CLAIM_LEASE + timedelta(seconds=1))
        assert send_outbox()["gave_up"] == 1
    assert message().status == Delivery.FAILED and message().last_error == "Unfinished"
    assert (
        Notification.objects.filter(recipient=admin_assistant, key__startswith="outbox-failed:").count() == 1
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_four_sweeps_at_once_send_each_message_once(school, smtp, mailoutbox):
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent sweeps need PostgreSQL")
    users = [UserFactory() for _ in range(20)]
    # Outside a transaction the task would run at once; leave them all to the sweeps.
    with mock.patch("altprov.notifications._queue_email"):
        notify(users=users, school=school, key="k", subject="S", body="B")
    assert mailoutbox == []
    barrier = threading.Barrier(4)
    errors = []

    def worker():
        try:
            barrier.wait()
            send_outbox()
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(m.to[0] for m in mailoutbox) == sorted(u.email for u in users)
    assert Notification.objects.filter(status=Delivery.SENT).count() == 20


# Recipients -------------------------------------------------------------------


def test_an_outside_address_gets_email_only_once_per_key(
    school, pastoral, smtp, mailoutbox, django_capture_on_commit_callbacks
):
    for _ in range(2):
        committed(
            django_capture_on_commit_callbacks,
            notify,
            addresses=["carer@home.example"],
            school=school,
            key="contract:1",
            subject="Please sign the placement contract",
            body="Dear carer",
            url="/placements/1/",
        )
    row = Notification.objects.get()
    assert (row.recipient, row.to_email, row.status) == (None, "carer@home.example", Delivery.SENT)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["carer@home.example"]
    # Someone outside cannot sign in: no staff page in the email.
    assert mailoutbox[0].body == "Dear carer"
    # Not in anyone's list in the app.
    assert not pastoral.notifications.exists()


def test_one_notice_to_users_and_an_address(
    school, pastoral, dsl, smtp, mailoutbox, django_capture_on_commit_callbacks
):
    notice = Notice([pastoral, dsl], school, "k1", "Subject", body="Body", addresses=["x@provider.example"])
    assert committed(django_capture_on_commit_callbacks, notify_all, [notice]) == 3
    assert sorted(m.to[0] for m in mailoutbox) == sorted([pastoral.email, dsl.email, "x@provider.example"])


def test_a_message_goes_to_a_user_or_an_address_never_both_or_neither(school, pastoral):
    both = {"recipient": pastoral, "to_email": "x@provider.example"}
    for who in [both, {}]:
        with pytest.raises(IntegrityError), transaction.atomic():
            Notification.objects.create(school=school, key="k", subject="S", next_attempt_at=T0, **who)


def test_a_user_without_an_address_is_told_in_the_app_only(
    school, smtp, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(email="")
    assert committed(django_capture_on_commit_callbacks, tell, user, school) == 0
    assert message().status == Delivery.IN_APP
    assert send_outbox()["sent"] == 0 and mailoutbox == []


def test_in_app_only_notices_are_never_emailed(
    school, pastoral, smtp, mailoutbox, django_capture_on_commit_callbacks
):
    assert committed(django_capture_on_commit_callbacks, tell, pastoral, school, email=False) == 0
    assert message().status == Delivery.IN_APP and mailoutbox == []


def test_plain_text_is_not_html_escaped(
    school, pastoral, smtp, mailoutbox, django_capture_on_commit_callbacks
):
    failed = SimpleNamespace(recipient_id=None, subject="O'Brien & Sons <Farm>", url="", created_at=T0)
    committed(
        django_capture_on_commit_callbacks,
        notify,
        users=[pastoral],
        school=school,
        key="k1",
        subject="S",
        template="altprov/email/not_sent.txt",
        context={"message": failed, "to": "x@provider.example", "attempts": 6, "error": "E"},
    )
    assert '"O\'Brien & Sons <Farm>" to x@provider.example' in mailoutbox[0].body


# Messages carrying a link secret ------------------------------------------------


def test_a_secret_body_is_blanked_once_sent(school, smtp, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            addresses=["x@provider.example"],
            school=school,
            key="k1",
            subject="S",
            body="link 7.s3cret",
            secret=True,
        )
        # Until it is sent the body is needed.
        assert message().body == "link 7.s3cret"
    assert mailoutbox[0].body == "link 7.s3cret"
    row = message()
    assert (row.status, row.body, row.subject) == (Delivery.SENT, "", "S")


def test_a_secret_body_is_blanked_when_given_up(school, smtp):
    smtp.down = True
    with time_machine.travel(T0, tick=False) as clock:
        notify(
            addresses=["x@provider.example"], school=school, key="k1", subject="S", body="s3cret", secret=True
        )
        for _ in range(MAX_ATTEMPTS):
            send_outbox()
            clock.shift(LONGEST_WAIT)
    assert (message().status, message().body) == (Delivery.FAILED, "")


def test_the_database_refuses_a_sent_secret_with_its_body(school):
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            school=school,
            to_email="x@provider.example",
            key="k",
            subject="S",
            body="s3cret",
            secret=True,
            status=Delivery.SENT,
        )


def test_a_secret_never_goes_to_the_in_app_list(school, pastoral):
    with pytest.raises(ValueError, match="outside addresses only"):
        notify(users=[pastoral], school=school, key="k", subject="S", body="s3cret", secret=True)


def test_logs_name_the_message_not_its_address_or_body(school, smtp, caplog):
    smtp.refusing = {"x@provider.example"}
    notify(
        addresses=["x@provider.example"], school=school, key="k1", subject="Leah", body="s3cret", secret=True
    )
    send_notification(message().pk)
    assert f"Notification {message().pk} not emailed (attempt 1 of 6, SMTPRecipientsRefused)" in caplog.text
    assert (
        "x@provider.example" not in caplog.text and "s3cret" not in caplog.text and "Leah" not in caplog.text
    )


# The unread count in the navigation ---------------------------------------------


def test_navigation_shows_the_unread_count_and_links_to_the_list(client, school, pastoral):
    for key in ["a", "b", "c"]:
        tell(pastoral, school, key=key, email=False)
    Notification.objects.filter(key="c").update(read_at=T0)
    client.force_login(pastoral)
    body = client.get(reverse("home")).content.decode()
    assert (
        f'href="{reverse("notifications")}">Notifications <span class="badge text-bg-warning">2'
        '<span class="visually-hidden"> unread</span></span></a>'
    ) in body
    client.post(reverse("notifications_read"))
    body = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("notifications")}">Notifications</a>' in body


def test_notifications_page_query_count(client, school, pastoral, django_assert_num_queries):
    # session, user, memberships, schools, the unread count, the list with schools.
    client.force_login(pastoral)
    for key in ["a", "b"]:
        tell(pastoral, school, key=key, email=False)
    with django_assert_num_queries(6):
        client.get(reverse("notifications"))
    for n in range(10):
        tell(pastoral, school, key=f"more{n}", email=False)
    with django_assert_num_queries(6):
        body = client.get(reverse("notifications")).content.decode()
    assert '<span class="badge text-bg-warning">12<' in body


def test_the_unread_count_is_counted_only_when_a_page_shows_it(school, pastoral, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = pastoral
    tell(pastoral, school, email=False)
    with django_assert_num_queries(0):
        context = unread_count(request)
    with django_assert_num_queries(1):
        assert str(context["unread_count"]) == "1"


def test_an_empty_outside_address_is_refused(school):
    with pytest.raises(ValueError, match="empty"):
        notify(addresses=[" "], school=school, key="k", subject="S", body="B")
