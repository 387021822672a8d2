"""The outbox: every message the app sends, in the app and by email.

A message is a Notification row, written in the caller's transaction and
unique per recipient (a user, or an outside address) and key, so a job run
twice, or in two workers, writes it once. After commit a Celery task sends
it; the row is marked sent only when the email backend has accepted it. A
failure records the attempt and the error's class and waits, doubling each
time, for the worker's retry or the sweep (`send_outbox`, a beat entry and a
management command), whichever comes first. After MAX_ATTEMPTS the message
is given up and the school's admin assistants are told in the app.

Each try claims the row by a conditional update that sets a lease
(`claimed_until`): two workers or sweeps racing for one message cannot both
win, and a worker that dies mid-send leaves a claim that expires, so the
message is tried again. The lease is far longer than the SMTP timeout, so a
live worker finishes (or fails) before anyone else may claim. A worker that
dies after the server accepted the email but before the row was marked sends
it again when the lease expires; no outbox can rule that out without the
mail server's help.

Logs carry message ids, attempt counts and error classes only: subjects can
name learners, bodies can carry link secrets, and addresses are personal data.
"""

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from .models import Delivery, Notification, Role, School

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
# 1, 2, 4, 8 and 16 minutes between tries: about half an hour from the first
# try to giving up, so a morning register email that cannot go is known to the
# admin assistants well before the report cut-off.
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(minutes=30)
CLAIM_LEASE = timedelta(minutes=5)
SWEEP_BATCH = 500


def staff_with_role(school: School, *roles: str):
    from .models import User

    return User.objects.filter(
        is_active=True, memberships__school=school, memberships__role__in=roles
    ).distinct()


def render_text(template: str, context: dict) -> str:
    """A plain-text message: nothing HTML-escaped, so "O'Brien" is not sent as "O&#x27;Brien"."""
    return get_template(template).template.render(Context(context, autoescape=False))


@dataclass
class Notice:
    """One message to several people: users (in the app, and by email when
    they have an address) and outside addresses (email only).

    The body is the rendered `template`, or `body` when the caller has
    rendered it. `secret` marks a body carrying a link secret: it goes to
    outside addresses only and is blanked once sent or given up. `email=False`
    keeps it in the app.
    """

    users: list
    school: School
    key: str
    subject: str
    template: str = ""
    context: dict = field(default_factory=dict)
    url: str = ""
    addresses: list[str] = field(default_factory=list)
    body: str = ""
    secret: bool = False
    email: bool = True


def notify_all(notices: list[Notice]) -> int:
    """Write each message once per recipient and key, in a few queries; queue the emails after commit.

    The unique (recipient, key) and (address, key) constraints make a repeat,
    or a second worker, insert nothing. Returns the number of emails queued.
    """
    now = timezone.now()
    rows = []
    for notice in notices:
        if notice.secret and notice.users:
            raise ValueError("A message carrying a link secret goes to outside addresses only.")
        # SQLite's insert-or-ignore would drop such a row silently, not refuse it.
        if not all(address.strip() for address in notice.addresses):
            raise ValueError("An outside address is empty.")
        body = notice.body or render_text(
            notice.template, {**notice.context, "school": notice.school, "url": notice.url}
        )
        common = {
            "school": notice.school,
            "key": notice.key,
            "subject": notice.subject,
            "body": body,
            "url": notice.url,
            "secret": notice.secret,
        }
        for user in notice.users:
            emailed = notice.email and bool(user.email)
            rows.append(
                Notification(
                    recipient=user,
                    status=Delivery.PENDING if emailed else Delivery.IN_APP,
                    next_attempt_at=now if emailed else None,
                    **common,
                )
            )
        rows += [
            Notification(to_email=address.strip(), status=Delivery.PENDING, next_attempt_at=now, **common)
            for address in notice.addresses
        ]
    if not rows:
        return 0
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    emailed = [n for n in notices if n.email]
    pending = list(
        Notification.objects.filter(status=Delivery.PENDING, key__in={n.key for n in emailed})
        .filter(
            Q(recipient__in={user.pk for n in emailed for user in n.users})
            | Q(to_email__in={address.strip() for n in emailed for address in n.addresses})
        )
        .values_list("pk", flat=True)
    )
    for pk in pending:
        transaction.on_commit(partial(_queue_email, pk))
    return len(pending)


def notify(
    *,
    users=(),
    school: School,
    key: str,
    subject: str,
    template: str = "",
    context: dict | None = None,
    url: str = "",
    addresses=(),
    body: str = "",
    secret: bool = False,
    email: bool = True,
) -> int:
    """Tell each user, and each outside address, once per key; emails go out after the transaction commits."""
    return notify_all(
        [
            Notice(
                users=list(users),
                school=school,
                key=key,
                subject=subject,
                template=template,
                context=context or {},
                url=url,
                addresses=list(addresses),
                body=body,
                secret=secret,
                email=email,
            )
        ]
    )


# After the broker refused once, the next messages of the same burst (one
# page can queue dozens) are left to the sweep without trying: each try costs
# the page about a second.
BROKER_PAUSE = timedelta(seconds=30)
_broker_down_until: datetime | None = None


def _queue_email(pk: int) -> None:
    global _broker_down_until
    from .tasks import send_notification_email

    now = timezone.now()
    eager = send_notification_email.app.conf.task_always_eager
    if _broker_down_until and now < _broker_down_until and not eager:
        logger.warning("Notification %s not queued (broker down); the sweep will send it", pk)
        return
    try:
        # Nobody waits for the result: asking for one would tie the page to
        # the result store as well as the broker.
        send_notification_email.apply_async((pk,), ignore_result=True)
    except (OperationalError, RedisError) as error:
        # The broker is down. The row is committed, so the sweep sends it;
        # the job or request that wrote it carries on.
        _broker_down_until = now + BROKER_PAUSE
        logger.warning("Notification %s not queued (%s); the sweep will send it", pk, type(error).__name__)
    else:
        _broker_down_until = None


@dataclass(frozen=True)
class Attempt:
    outcome: str  # "sent", "retry", "gave_up", "in_app", or "skipped" (not due, claimed or done)
    retry_at: datetime | None = None


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the given number of failed tries."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_WAIT)


def _lease() -> timedelta:
    # Longer than any send can take, so a live worker is never overtaken.
    timeout = getattr(settings, "EMAIL_TIMEOUT", None) or 0
    return max(CLAIM_LEASE, timedelta(seconds=3 * timeout))


def send_notification(pk: int) -> Attempt:
    """Try to email one message, if it is due and nobody else holds it."""
    now = timezone.now()
    lease = now + _lease()
    claimed = (
        Notification.objects.due(now).filter(pk=pk).update(claimed_until=lease, attempts=F("attempts") + 1)
    )
    if not claimed:
        return Attempt("skipped")
    message = Notification.objects.select_related("recipient", "school").get(pk=pk)
    if message.attempts > MAX_ATTEMPTS:
        # Every try so far was claimed and never finished: workers died mid-send.
        _give_up(message, message.last_error or "Unfinished")
        return Attempt("gave_up")
    address = message.to_email or message.recipient.email
    if not address:
        # The user's address was removed after the message was written.
        Notification.objects.filter(pk=pk, status=Delivery.PENDING).update(
            status=Delivery.IN_APP, next_attempt_at=None, claimed_until=None
        )
        return Attempt("in_app")
    try:
        send_mail(message.subject, _email_body(message), settings.DEFAULT_FROM_EMAIL, [address])
    except Exception as error:  # any failure of the outside world is retried, never lost
        return _failed(message, lease, type(error).__name__)
    # Recorded even if this worker's lease ran out meanwhile: the email went.
    Notification.objects.filter(pk=pk, status=Delivery.PENDING).update(
        status=Delivery.SENT,
        emailed_at=timezone.now(),
        next_attempt_at=None,
        claimed_until=None,
        **({"body": ""} if message.secret else {}),
    )
    logger.info("Notification %s emailed (attempt %s)", pk, message.attempts)
    return Attempt("sent")


def _email_body(message: Notification) -> str:
    # Staff get the page to act on; people outside cannot sign in, so their
    # message carries what they need in its body.
    if message.recipient_id and message.url:
        return f"{message.body}\n\n{settings.SITE_URL.rstrip('/')}{message.url}"
    return message.body


def _failed(message: Notification, lease: datetime, error: str) -> Attempt:
    if message.attempts >= MAX_ATTEMPTS:
        _give_up(message, error)
        return Attempt("gave_up")
    retry_at = timezone.now() + retry_delay(message.attempts)
    # Only while this worker's claim stands: after it expired, a newer try owns the row.
    Notification.objects.filter(pk=message.pk, status=Delivery.PENDING, claimed_until=lease).update(
        next_attempt_at=retry_at, claimed_until=None, last_error=error
    )
    logger.warning(
        "Notification %s not emailed (attempt %s of %s, %s); next try after %s",
        message.pk,
        message.attempts,
        MAX_ATTEMPTS,
        error,
        retry_at.isoformat(timespec="seconds"),
    )
    return Attempt("retry", retry_at)


def _give_up(message: Notification, error: str) -> None:
    updated = Notification.objects.filter(pk=message.pk, status=Delivery.PENDING).update(
        status=Delivery.FAILED,
        next_attempt_at=None,
        claimed_until=None,
        last_error=error,
        **({"body": ""} if message.secret else {}),
    )
    if not updated:
        return
    logger.error("Notification %s not emailed after %s attempts (%s)", message.pk, message.attempts, error)
    # Told in the app only: email is what just failed. The notice names the
    # recipient but copies nothing of a staff message, which may carry
    # safeguarding detail the admin assistants may not read; a message to an
    # outside address was written for someone outside the school, so its
    # subject says what did not arrive.
    to = str(message.recipient) if message.recipient_id else message.to_email
    notify(
        users=staff_with_role(message.school, Role.ADMIN),
        school=message.school,
        key=f"outbox-failed:{message.pk}",
        subject=f"An email to {to} could not be sent",
        template="altprov/email/not_sent.txt",
        context={
            "message": message,
            "to": to,
            "attempts": min(message.attempts, MAX_ATTEMPTS),
            "error": error,
        },
        # A staff message's page may be closed to the admin assistants.
        url="" if message.recipient_id else message.url,
        email=False,
    )


def send_outbox() -> dict[str, int]:
    """Send every message that is due: retries, and new ones whose task was lost. Safe to run at once."""
    due = list(
        Notification.objects.due(timezone.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    outcomes = Counter(send_notification(pk).outcome for pk in due)
    return {"sent": outcomes["sent"], "retrying": outcomes["retry"], "gave_up": outcomes["gave_up"]}


def unread_count(request: HttpRequest) -> dict:
    """The navigation's unread count: one query, made only when a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_count": SimpleLazyObject(
            lambda: Notification.objects.filter(recipient_id=user.pk).unread().count()
        )
    }
