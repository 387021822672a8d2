from datetime import datetime

from celery import shared_task

from .daily_links import send_daily_links
from .missing import check_missing_reports


def _when(now: str | None) -> datetime | None:
    return datetime.fromisoformat(now) if now else None


@shared_task
def check_missing_reports_task(now: str | None = None) -> dict:
    return check_missing_reports(now=_when(now))


@shared_task
def send_daily_links_task(now: str | None = None) -> int:
    return send_daily_links(now=_when(now))
