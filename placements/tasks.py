from datetime import datetime

from celery import shared_task

from .evidence_flags import check_provider_evidence


@shared_task
def check_provider_evidence_task(now: str | None = None) -> dict:
    return check_provider_evidence(now=datetime.fromisoformat(now) if now else None)
