from django.conf import settings
from django.contrib.auth.models import AbstractUser
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
        help_text="Missing reports still open then go to the pastoral lead.",
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
