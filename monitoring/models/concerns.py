from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from altprov.models import School
from placements.models import Learner, Placement


class ConcernSource(models.TextChoices):
    STAFF = "staff", "A member of staff"
    VISIT = "visit", "A visit"
    PROVIDER = "provider", "The provider, by link"


class SafeguardingConcern(models.Model):
    """A concern in the DSL's safeguarding log (KCSIE: separate, DSL-controlled).

    Only the DSL and the head teacher read it, always through
    monitoring.concerns.read_concern, which records the read. Everyone
    else learns only that they raised one.
    """

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="safeguarding_concerns")
    placement = models.ForeignKey(
        Placement, on_delete=models.PROTECT, null=True, blank=True, related_name="safeguarding_concerns"
    )
    source = models.CharField(max_length=10, choices=ConcernSource.choices)
    raised_at = models.DateTimeField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    raised_by_name = models.CharField(
        "raised by", max_length=200, blank=True, help_text="Who at the provider."
    )
    raised_by_role = models.CharField("their role", max_length=200, blank=True)
    detail = models.TextField("what was seen, heard or said")
    about_provider_staff = models.BooleanField(
        "an allegation about a member of the provider's staff", default=False
    )
    outcome = models.TextField(blank=True)
    closed_on = models.DateField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_at", "-pk"]
        indexes = [models.Index(fields=["school", "closed_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(source__in=ConcernSource.values), name="concern_source_valid"),
            models.CheckConstraint(
                condition=Q(raised_by__isnull=False) | ~Q(raised_by_name=""), name="concern_raised_by_someone"
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | (Q(closed_by__isnull=False) & ~Q(outcome="")),
                name="concern_closed_with_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"Safeguarding concern #{self.pk}"


class EntryKind(models.TextChoices):
    NOTE = "note", "Note"
    DECISION = "decision", "Decision"
    ACTION = "action", "Action"
    REFERRAL = "referral", "Referral"
    OUTCOME = "outcome", "Outcome"


class ConcernEntry(models.Model):
    """One line of a concern's chronology: when, who, what was done and why."""

    concern = models.ForeignKey(SafeguardingConcern, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=10, choices=EntryKind.choices)
    happened_on = models.DateField("date")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    what = models.TextField("what was done")
    why = models.TextField("why (the reason for the decision)", blank=True)
    referred_to = models.CharField(
        max_length=200,
        blank=True,
        help_text="For a referral: children's social care, the police, the LADO, ...",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["happened_on", "recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EntryKind.values), name="concern_entry_kind_valid"),
            models.CheckConstraint(
                condition=~Q(kind=EntryKind.REFERRAL) | ~Q(referred_to=""), name="concern_referral_names_whom"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.happened_on:%d/%m/%Y}"


def concern_upload_to(instance, filename: str) -> str:
    return f"concerns/{instance.concern_id}/{filename}"


class ConcernAttachment(models.Model):
    concern = models.ForeignKey(SafeguardingConcern, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=concern_upload_to)
    description = models.CharField(max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.description or self.file.name


class ConcernRead(models.Model):
    """Who read a concern, and when (every read, from read_concern)."""

    concern = models.ForeignKey(SafeguardingConcern, on_delete=models.PROTECT, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    what = models.CharField(max_length=50, default="concern", help_text="The page or file read.")

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"Read by {self.user} at {self.at}"
