from celery import shared_task

from .notifications import send_notification


@shared_task
def send_notification_email(notification_id: int) -> bool:
    return send_notification(notification_id)
