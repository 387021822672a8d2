from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """A member of school staff (or trust board). Roles are held per school."""

    class Meta:
        ordering = ["first_name", "last_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


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
    report_cutoff = models.TimeField(
        "morning report cut-off",
        default="10:00",
        help_text="Providers that have not reported by then are flagged.",
    )
    escalation_time = models.TimeField(
        "escalation time",
        default="12:00",
        help_text="Missing morning reports still open then go to the pastoral lead.",
    )
    pm_report_cutoff = models.TimeField(
        "afternoon report cut-off",
        default="14:00",
        help_text="Afternoon sessions not reported by then are flagged; they escalate after the same delay.",
    )
    provider_email_time = models.TimeField(
        "provider email time",
        default="08:00",
        help_text="When providers are emailed their daily register link.",
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
                condition=Q(escalation_time__gt=models.F("report_cutoff")),
                name="school_escalation_after_cutoff",
            ),
            models.CheckConstraint(
                condition=Q(pm_report_cutoff__gt=models.F("report_cutoff")),
                name="school_pm_cutoff_after_am",
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


class FlagKind(models.TextChoices):
    MISSING_REPORT = "missing_report", "Attendance not reported"


class FlagStage(models.TextChoices):
    RAISED = "raised", "Missing"
    ESCALATED = "escalated", "Escalated"


class FlagQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved_at__isnull=True)

    def for_schools(self, school_ids):
        return self.filter(school_id__in=school_ids)


class Flag(models.Model):
    """Something that needs doing, raised by a job under a unique key.

    The key makes raising idempotent: a job run twice, or in two workers at
    once, finds the row already there. Stages move forward by a conditional
    update, so only one worker sends each stage's messages.
    """

    kind = models.CharField(max_length=30, choices=FlagKind.choices)
    key = models.CharField(max_length=200, unique=True)
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="flags")
    provider = models.ForeignKey(
        "placements.Provider", on_delete=models.CASCADE, null=True, blank=True, related_name="flags"
    )
    day = models.DateField(null=True, blank=True)
    session = models.CharField(max_length=2, blank=True)
    stage = models.CharField(max_length=10, choices=FlagStage.choices, default=FlagStage.RAISED)
    raised_at = models.DateTimeField()
    escalated_at = models.DateTimeField(null=True, blank=True)
    dsl_alerted_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution = models.CharField(max_length=300, blank=True)

    objects = FlagQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at"]
        indexes = [models.Index(fields=["school", "kind", "day"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | ~Q(resolution=""), name="flag_resolution_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.provider} {self.day} {self.session}"


class Notification(models.Model):
    """A message to one user, in the app and by email, sent once per key."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="notifications")
    key = models.CharField(max_length=200)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_key"),
        ]

    def __str__(self) -> str:
        return self.subject
