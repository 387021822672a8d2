from datetime import datetime

from celery import shared_task

from .meeting_flags import check_monitoring_due


@shared_task
def check_monitoring_due_task(now: str | None = None) -> dict:
    return check_monitoring_due(now=datetime.fromisoformat(now) if now else None)
