from celery import shared_task

from .notifications import send_notification, send_outbox


# Its own attempt count and give-up rule apply, so Celery's retry limit does not.
@shared_task(bind=True, max_retries=None)
def send_notification_email(self, notification_id: int) -> str:
    attempt = send_notification(notification_id)
    # Run in process (no broker) a retry would run at once, so there the sweep
    # retries; a retry lost with a worker is picked up by the sweep as well.
    if attempt.retry_at and not self.request.is_eager:
        raise self.retry(eta=attempt.retry_at)
    return attempt.outcome


@shared_task
def send_outbox_task() -> dict:
    return send_outbox()
