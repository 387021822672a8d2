from datetime import datetime

from celery import shared_task

from .meeting_flags import check_monitoring_due
from .retention import retention_review
from .reviews import request_termly_reviews
from .visit_flags import check_visits


def _when(now: str | None) -> datetime | None:
    return datetime.fromisoformat(now) if now else None


@shared_task
def request_termly_reviews_task(now: str | None = None) -> dict:
    return request_termly_reviews(now=_when(now))


@shared_task
def check_visits_task(now: str | None = None) -> dict:
    return check_visits(now=_when(now))


@shared_task
def check_monitoring_due_task(now: str | None = None) -> dict:
    return check_monitoring_due(now=_when(now))


@shared_task
def retention_review_task(now: str | None = None) -> dict:
    return retention_review(now=_when(now))
