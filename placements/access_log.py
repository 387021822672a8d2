"""Recording reads of sensitive records (ASVS V8.3.5), for every app.

Learners live here, so the log does too; attendance and monitoring call
`record_read` for their exports, concerns and the subject access export.
A row says who opened what kind of record, of which learner, and when:
never what it said.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from altprov.models import School

from .models import AccessLog, DisposalRecord, Learner, Read


def record_read(
    *,
    user,
    school: School | int,
    what: str,
    learner: Learner | None = None,
    subject: Model | None = None,
    detail: str = "",
    now: datetime | None = None,
) -> AccessLog:
    """Log that `user` opened `what` (a Read value) at `school`, about `learner` and `subject` if given."""
    if what not in Read.values:
        raise ValueError(f"Unknown kind of read {what!r}.")
    return AccessLog.objects.create(
        school_id=school if isinstance(school, int) else school.pk,
        user=user,
        at=now or timezone.now(),
        what=what,
        detail=detail[:100],
        learner=learner,
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=subject.pk if subject is not None else None,
    )


def record_disposal(*, record: Model, school: School | int, by, reason: str, now: datetime | None = None):
    """Delete `record` and log the disposal (type, id, who, when, why: no content), in one step.

    The caller decides whether the record may go (monitoring.retention refuses
    child-protection records); this only keeps the account of it.
    """
    if not reason.strip():
        raise ValueError("A disposal needs a reason.")
    with transaction.atomic():
        disposal = DisposalRecord.objects.create(
            school_id=school if isinstance(school, int) else school.pk,
            record_type=record._meta.label_lower,
            record_id=record.pk,
            by=by,
            at=now or timezone.now(),
            reason=reason.strip()[:300],
        )
        record.delete()
    return disposal


def reads_of(learner: Learner):
    """The learner's access log, newest first, with the readers loaded (one query)."""
    return AccessLog.objects.for_learner(learner).select_related("user")
