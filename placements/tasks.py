from datetime import datetime

from celery import shared_task

from .evidence_flags import check_provider_evidence


@shared_task
def check_provider_evidence_task(now: str | None = None) -> dict:
    return check_provider_evidence(now=datetime.fromisoformat(now) if now else None)


@shared_task
def send_signature_reminders_task(now: str | None = None) -> dict:
    from .signing import send_reminders

    return {"reminded": send_reminders(now=datetime.fromisoformat(now) if now else None)}


@shared_task
def check_unsigned_documents_task(now: str | None = None) -> dict:
    from .signature_flags import check_unsigned

    return check_unsigned(now=datetime.fromisoformat(now) if now else None)


@shared_task
def check_document_hashes_task(now: str | None = None) -> dict:
    from .signature_flags import check_document_hashes

    return check_document_hashes(now=datetime.fromisoformat(now) if now else None)
