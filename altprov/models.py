from datetime import time

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """A member of school staff (or trust board). Roles are held per school."""

    class Meta:
        ordering = ["first_name", "last_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


# The periodic jobs run every 5 minutes from 06:00 to 18:55 on weekdays
# (settings.CELERY_BEAT_SCHEDULE), so every time a school sets is acted on
# within 5 minutes only if it falls in that window.
JOBS_START = time(6, 0)
JOBS_END = time(18, 55)
SCHOOL_TIMES = (
    "provider_email_time",
    "report_cutoff",
    "escalation_time",
    "pm_report_cutoff",
    "pm_escalation_time",
)


class School(models.Model):
    name = models.CharField(max_length=200, unique=True)
    urn = models.CharField("URN", max_length=6, unique=True, help_text="Six-digit unique reference number.")
    address = models.TextField()
    phone = models.CharField(max_length=30)
    email = models.EmailField(blank=True)
    trust = models.CharField(max_length=200, blank=True, help_text="Trust or local authority, if any.")
    dsl_name = models.CharField("DSL name", max_length=200)
    dsl_phone = models.CharField("DSL phone", max_length=30)
    dsl_email = models.EmailField("DSL email")
    attendance_target = models.DecimalField(
        "attendance target (%)",
        max_digits=5,
        decimal_places=2,
        default=95,
        help_text="Learners below it are followed up (policy: Attendance and Safeguarding).",
    )
    provider_email_time = models.TimeField(
        "provider email time",
        default="08:00",
        help_text="When providers are emailed their daily register link. Before the morning cut-off, "
        "between 06:00 and 18:55.",
    )
    report_cutoff = models.TimeField(
        "morning report cut-off",
        default="10:00",
        help_text="Providers that have not reported the morning by then are flagged to the admin "
        "assistants. Between 06:00 and 18:55.",
    )
    escalation_time = models.TimeField(
        "morning escalation time",
        default="12:00",
        help_text="Morning reports still missing then go to the pastoral lead. After the morning "
        "cut-off, between 06:00 and 18:55.",
    )
    pm_report_cutoff = models.TimeField(
        "afternoon report cut-off",
        default="14:00",
        help_text="Providers that have not reported the afternoon by then are flagged to the admin "
        "assistants. After the morning cut-off, between 06:00 and 18:55.",
    )
    pm_escalation_time = models.TimeField(
        "afternoon escalation time",
        default="16:00",
        help_text="Afternoon reports still missing then go to the pastoral lead. After the afternoon "
        "cut-off, between 06:00 and 18:55.",
    )
    review_notice_days = models.PositiveSmallIntegerField(
        "send termly review requests (days before the term ends)",
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="Providers are sent the Termly Review form this many days before each term ends "
        "(from 1 to 60).",
    )
    end_sessions_on_browser_close = models.BooleanField(
        "sign staff out when the browser closes",
        default=False,
        help_text="For shared computers: closing the browser signs staff of this school out. "
        "Whatever this says, sessions end after 30 minutes unused and 12 hours after signing in "
        "(unless the server is set otherwise).",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(attendance_target__gte=0) & Q(attendance_target__lte=100),
                name="school_attendance_target_percent",
            ),
            models.CheckConstraint(
                condition=Q(provider_email_time__lt=models.F("report_cutoff")),
                name="school_email_before_cutoff",
                violation_error_message="The provider email time must be before the morning report cut-off.",
            ),
            models.CheckConstraint(
                condition=Q(escalation_time__gt=models.F("report_cutoff")),
                name="school_escalation_after_cutoff",
                violation_error_message="The morning escalation time must be after the morning cut-off.",
            ),
            models.CheckConstraint(
                condition=Q(pm_report_cutoff__gt=models.F("report_cutoff")),
                name="school_pm_cutoff_after_am",
                violation_error_message="The afternoon report cut-off must be after the morning one.",
            ),
            models.CheckConstraint(
                condition=Q(pm_escalation_time__gt=models.F("pm_report_cutoff")),
                name="school_pm_escalation_after_cutoff",
                violation_error_message="The afternoon escalation time must be after the afternoon cut-off.",
            ),
            models.CheckConstraint(
                condition=Q(
                    *(Q(**{f"{name}__gte": JOBS_START, f"{name}__lte": JOBS_END}) for name in SCHOOL_TIMES)
                ),
                name="school_times_in_job_hours",
                violation_error_message="Every attendance time must be between 06:00 and 18:55.",
            ),
            models.CheckConstraint(
                condition=Q(review_notice_days__gte=1, review_notice_days__lte=60),
                name="school_review_notice_days_range",
                violation_error_message="Send termly review requests from 1 to 60 days before the term ends.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    HEAD = "head", "Head teacher"
    SLT = "slt", "Senior leadership"
    PASTORAL = "pastoral", "Pastoral team"
    DSL = "dsl", "Designated safeguarding lead"
    SENDCO = "sendco", "SENDCo"
    ADMIN = "admin", "Admin assistant"
    EXAMS = "exams", "Exams officer"
    FINANCE = "finance", "Finance"
    BOARD = "board", "Executive board"


class Membership(models.Model):
    """A user's role at one school. A user may hold several roles."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["school__name", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "school", "role"], name="membership_unique_role"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} at {self.school}"


class LinkPurpose(models.TextChoices):
    PROVIDER_REGISTER = "provider_register", "Provider daily register"
    TERMLY_REVIEW = "termly_review", "Termly review"
    SIGNATURE = "signature", "Signing an agreement or contract"


class LinkAudience(models.TextChoices):
    PROVIDER = "provider", "Provider"
    PARENT = "parent", "Parent or carer"
    PERSON = "person", "Named person"


class LinkTokenQuerySet(models.QuerySet):
    def usable(self, now):
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)

    def about(self, model, ids):
        """Links whose subject is one of `ids` of `model`, in one query (a join, not a lookup first)."""
        return self.filter(
            subject_type__app_label=model._meta.app_label,
            subject_type__model=model._meta.model_name,
            subject_id__in=ids,
        )


class LinkToken(models.Model):
    """An expiring link for someone without an account (a provider, a parent).

    What it is for (purpose), who it is for (audience, and a named person's
    address where there is one) and what it is about (a generic subject, so
    this base layer points at no app's model). Only a SHA-256 hash of the
    secret is stored; the link itself is shown or emailed once. Every link
    page is served by altprov.links under one URL prefix.
    """

    purpose = models.CharField(max_length=30, choices=LinkPurpose.choices)
    audience = models.CharField(max_length=10, choices=LinkAudience.choices, default=LinkAudience.PROVIDER)
    recipient_name = models.CharField(max_length=200, blank=True)
    recipient_email = models.EmailField(blank=True)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="links")
    subject_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    use_count = models.PositiveIntegerField(default=0)

    objects = LinkTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="link_subject")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")), name="link_expires_after_created"
            ),
            models.CheckConstraint(
                condition=Q(subject_type__isnull=True, subject_id__isnull=True)
                | Q(subject_type__isnull=False, subject_id__isnull=False),
                name="link_subject_whole",
            ),
            models.CheckConstraint(
                condition=~Q(purpose=LinkPurpose.PROVIDER_REGISTER) | Q(subject_id__isnull=False),
                name="link_register_has_subject",
            ),
            models.CheckConstraint(
                condition=~Q(audience=LinkAudience.PERSON) | ~Q(recipient_email=""),
                name="link_person_has_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} link at {self.school}"


class RateCount(models.Model):
    """Requests counted per key and time bucket, shared by every web process.

    Kept in the database, not in process memory or a per-process cache, so
    three workers enforce one limit. Rows older than a day are pruned when
    links are issued.
    """

    key = models.CharField(max_length=100)
    bucket = models.BigIntegerField(help_text="Start of the time bucket, in seconds since the epoch.")
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["bucket"], name="ratecount_bucket")]
        constraints = [models.UniqueConstraint(fields=["key", "bucket"], name="ratecount_once_per_bucket")]

    def __str__(self) -> str:
        return f"{self.key} @ {self.bucket}: {self.hits}"


class FlagStage(models.TextChoices):
    RAISED = "raised", "Raised"
    ESCALATED = "escalated", "Escalated"


class FlagQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved_at__isnull=True)

    def for_schools(self, school_ids):
        return self.filter(school_id__in=school_ids)

    def of_kind(self, kind: str):
        return self.filter(kind=kind)

    def for_role(self, role: str):
        return self.filter(roles__contains=f",{role},")

    def about(self, obj):
        return self.filter(
            subject_type=ContentType.objects.get_for_model(obj, for_concrete_model=False), subject_id=obj.pk
        )


class Flag(models.Model):
    """Something that needs doing, raised by a job under a unique key (altprov.flags).

    The key makes raising idempotent: a job run twice, or in two workers at
    once, finds the row already there. Each transition (announcing a new
    flag, escalating it) is claimed by a conditional update that writes a
    random `claim`, so only the worker whose update won sends its messages.
    What a kind needs beyond this (a provider's session, a date) lives in
    the caller's own model, pointing here.
    """

    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=200, unique=True)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="flags")
    # What it is about (a provider, a placement): a generic subject, so the
    # base layer names no app's model.
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    summary = models.CharField(
        max_length=300, help_text="What needs doing, in words every role told about it may read."
    )
    url = models.CharField(max_length=300, blank=True, help_text="Where it is dealt with.")
    # The roles responsible for it now, as ",admin,pastoral,": escalation adds roles.
    roles = models.CharField(max_length=200)
    stage = models.CharField(max_length=10, choices=FlagStage.choices, default=FlagStage.RAISED)
    raised_at = models.DateTimeField()
    escalate_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution = models.CharField(max_length=300, blank=True)

    objects = FlagQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at"]
        indexes = [
            models.Index(fields=["school", "kind", "resolved_at"]),
            models.Index(fields=["subject_type", "subject_id"]),
            models.Index(fields=["kind", "stage", "escalate_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | ~Q(resolution=""), name="flag_resolution_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(subject_type__isnull=True, subject_id__isnull=True)
                | Q(subject_type__isnull=False, subject_id__isnull=False),
                name="flag_subject_whole",
            ),
            models.CheckConstraint(
                condition=Q(stage=FlagStage.RAISED) | Q(escalated_at__isnull=False),
                name="flag_escalated_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind_label}: {self.summary}"

    @property
    def kind_label(self) -> str:
        from .flags import KINDS

        kind = KINDS.get(self.kind)
        return kind.label if kind else self.kind

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class FlagNotice(models.Model):
    """Who was told about a flag, how and when: the page that shows a flag says so."""

    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="notices")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    audience = models.CharField(max_length=100, help_text="e.g. the admin assistants, the DSL.")
    how = models.CharField(max_length=100, default="by email and in altprov")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["user", "flag"])]

    def __str__(self) -> str:
        return f"{self.audience} told {self.how} at {self.at:%H:%M}"


class Delivery(models.TextChoices):
    PENDING = "pending", "Waiting to be emailed"
    SENT = "sent", "Emailed"
    FAILED = "failed", "Could not be emailed"
    IN_APP = "in_app", "In the app only"


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def due(self, now):
        """Waiting to be emailed, due by now, and not held by a live claim."""
        return self.filter(status=Delivery.PENDING, next_attempt_at__lte=now).filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
        )


class Notification(models.Model):
    """The outbox: one message, to a user (in the app and by email) or to an
    outside address (a provider, a parent: email only), sent once per key.

    altprov.notifications writes the rows and sends them; see there for the
    claim, retry and give-up rules.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    to_email = models.EmailField(
        "outside address", blank=True, help_text="For someone without an account; empty for a user."
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="notifications")
    key = models.CharField(max_length=200)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    # A link's secret is stored only as a hash (LinkToken); a plain copy in the
    # outbox would let anyone reading the database or a backup use the link.
    # The body of a secret message is kept only until it is sent or given up.
    secret = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.PENDING)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=100, blank=True, help_text="The error's class only.")
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"], condition=Q(status=Delivery.PENDING), name="notification_due"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_key"),
            models.UniqueConstraint(
                fields=["to_email", "key"],
                condition=Q(recipient__isnull=True),
                name="notification_once_per_address_key",
            ),
            models.CheckConstraint(
                condition=(Q(recipient__isnull=False) & Q(to_email=""))
                | (Q(recipient__isnull=True) & ~Q(to_email="")),
                name="notification_user_or_address",
            ),
            models.CheckConstraint(
                condition=~Q(status=Delivery.PENDING) | Q(next_attempt_at__isnull=False),
                name="notification_pending_is_due",
            ),
            models.CheckConstraint(
                condition=Q(secret=False) | Q(status=Delivery.PENDING) | Q(body=""),
                name="notification_secret_kept_until_sent",
            ),
            models.CheckConstraint(condition=Q(status__in=Delivery.values), name="notification_status_valid"),
        ]

    def __str__(self) -> str:
        return self.subject


class SecondFactorReset(models.Model):
    """A head teacher (or superuser) removed a member of staff's second factor, with the reason.

    Kept for good: a reset is how someone without the phone gets back in, so
    who did it, for whom, when and why is the audit trail for it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="second_factor_resets"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="second_factor_resets")
    reset_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="second_factor_resets_done"
    )
    reason = models.CharField(max_length=500)
    reset_at = models.DateTimeField()

    class Meta:
        ordering = ["-reset_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="second_factor_reset_has_reason"),
        ]

    def __str__(self) -> str:
        return f"Second factor of {self.user} reset by {self.reset_by}"
