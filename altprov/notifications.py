"""Notifications: in the app and by email, once per recipient and key."""

import logging

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


def notify(
    *, users, school: School, key: str, subject: str, template: str, context: dict, url: str = ""
) -> int:
    """Tell each user once per key; emails go out after the transaction commits."""
    body = render_to_string(template, {**context, "school": school, "url": url})
    created_ids = []
    for user in users:
        notification, created = Notification.objects.get_or_create(
            recipient=user,
            key=key,
            defaults={"school": school, "subject": subject, "body": body, "url": url},
        )
        if created:
            created_ids.append(notification.pk)
    for pk in created_ids:
        transaction.on_commit(lambda pk=pk: _queue_email(pk))
    return len(created_ids)


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
