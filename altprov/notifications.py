"""Notifications: in the app and by email, once per recipient and key."""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Notification, School

logger = logging.getLogger(__name__)


def staff_with_role(school: School, *roles: str):
    from .models import User

    return User.objects.filter(
        is_active=True, memberships__school=school, memberships__role__in=roles
    ).distinct()


@dataclass
class Notice:
    users: list
    school: School
    key: str
    subject: str
    template: str
    context: dict = field(default_factory=dict)
    url: str = ""


def notify_all(notices: list[Notice]) -> int:
    """Tell each user once per key, for many notices in a few queries.

    The unique (recipient, key) constraint makes a repeat, or a second
    worker, insert nothing; each email is claimed before it is sent.
    """
    rows = []
    for notice in notices:
        body = render_to_string(
            notice.template, {**notice.context, "school": notice.school, "url": notice.url}
        )
        rows += [
            Notification(
                recipient=user,
                school=notice.school,
                key=notice.key,
                subject=notice.subject,
                body=body,
                url=notice.url,
            )
            for user in notice.users
        ]
    if not rows:
        return 0
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    pending = list(
        Notification.objects.filter(
            emailed_at__isnull=True,
            key__in={n.key for n in notices},
            recipient__in={user.pk for n in notices for user in n.users},
        ).values_list("pk", flat=True)
    )
    for pk in pending:
        transaction.on_commit(lambda pk=pk: _queue_email(pk))
    return len(pending)


def notify(
    *, users, school: School, key: str, subject: str, template: str, context: dict, url: str = ""
) -> int:
    """Tell each user once per key; emails go out after the transaction commits."""
    return notify_all([Notice(list(users), school, key, subject, template, context, url)])


def _queue_email(pk: int) -> None:
    from .tasks import send_notification_email

    send_notification_email.delay(pk)


def send_notification(pk: int) -> bool:
    """Email one notification, claimed first so two workers never both send it."""
    claimed = Notification.objects.filter(pk=pk, emailed_at__isnull=True).update(emailed_at=timezone.now())
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=pk)
    if not notification.recipient.email:
        return False
    link = settings.SITE_URL.rstrip("/") + notification.url if notification.url else ""
    send_mail(
        notification.subject,
        notification.body + (f"\n\n{link}" if link else ""),
        settings.DEFAULT_FROM_EMAIL,
        [notification.recipient.email],
    )
    # Log the id only: subjects can name learners.
    logger.info("Notification %s emailed", pk)
    return True
