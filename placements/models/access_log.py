"""Who opened which record, and which records were disposed of: logs that only grow.

ASVS V8.3.5 asks that access to sensitive data be logged without the data
itself: a row names the reader, the school, the learner and what kind of
record was opened, never its content. UK GDPR Article 5(2) (accountability)
asks the same of a disposal: what was removed, by whom, when and why.

Neither log may be edited or deleted through the app: `save` refuses an
existing row, `delete` refuses always, and the QuerySet refuses bulk
`update` and `delete`. The admin shows them read-only.
"""

from django.conf import settings
from django.db import models

from altprov.models import School

from .learners import Learner


class AppendOnly(Exception):
    """A row of an append-only log was about to change or go."""

    def __init__(self, message: str = "This log only grows: its rows cannot be changed or deleted."):
        super().__init__(message)


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly

    update.queryset_only = True

    def delete(self):
        raise AppendOnly

    delete.queryset_only = True

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnly


class AppendOnlyModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly


class Read(models.TextChoices):
    LEARNER = "learner", "Learner record"
    PASSPORT = "passport", "Learner record with passport and SEN detail"
    SAFEGUARDING = "safeguarding", "Learner record with safeguarding, passport and SEN detail"
    EVIDENCE_FILE = "evidence_file", "Provider evidence file"
    CONCERN = "concern", "Safeguarding concern"
    EXPORT = "export", "Export"
    SUBJECT_ACCESS = "subject_access", "Subject access export"
    ACCESS_LOG = "access_log", "Who has opened this record"


class AccessLogQuerySet(AppendOnlyQuerySet):
    def for_learner(self, learner):
        return self.filter(learner=learner)


class AccessLog(AppendOnlyModel):
    """One read of a record (a page, a file, an export): who, when, what kind; never the content."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(db_index=True)
    what = models.CharField(max_length=20, choices=Read.choices)
    detail = models.CharField(
        max_length=100,
        blank=True,
        help_text="Which part or export (e.g. 'attachment', 'marks.csv'): never the record's content.",
    )
    learner = models.ForeignKey(
        Learner, on_delete=models.PROTECT, null=True, blank=True, related_name="access_log"
    )
    # The record read, by model label and id: no foreign key, so the log outlives the record.
    subject_type = models.CharField(max_length=60, blank=True)
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["learner", "-at"], name="accesslog_learner_at")]
        constraints = [
            models.CheckConstraint(condition=models.Q(what__in=Read.values), name="accesslog_what_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_what_display()} opened by {self.user} at {self.at:%d/%m/%Y %H:%M}"


class DisposalRecord(AppendOnlyModel):
    """A record deleted through the app: its type and id, by whom, when and why; never its content."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    record_type = models.CharField(
        max_length=60, help_text="The model label, e.g. attendance.attendancemark."
    )
    record_id = models.PositiveBigIntegerField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField()
    reason = models.CharField(max_length=300)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="disposal_reason_given"),
        ]

    def __str__(self) -> str:
        return f"{self.record_type} #{self.record_id} disposed of at {self.at:%d/%m/%Y %H:%M}"
