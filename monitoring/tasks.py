from datetime import datetime

from celery import shared_task

from .visit_flags import check_visits


@shared_task
def check_visits_task(now: str | None = None) -> dict:
    return check_visits(now=datetime.fromisoformat(now) if now else None)
