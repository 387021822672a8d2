from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from altprov.models import School
from placements.models import Placement, PlacementTarget


class MeetingOutcome(models.TextChoices):
    SATISFACTORY = "satisfactory", "Satisfactory"
    UNSATISFACTORY = "unsatisfactory", "Unsatisfactory"


class ReviewMeeting(models.Model):
    """A formal review meeting, held when progress is less than satisfactory."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="review_meetings")
    held_on = models.DateField("date of meeting")
    attendees = models.TextField("who attended", help_text="Names and roles.")
    school_attended = models.BooleanField("school attended", default=True)
    learner_attended = models.BooleanField("learner attended", default=False)
    parents_attended = models.BooleanField("parents/carers attended", default=False)
    provider_attended = models.BooleanField("provider attended", default=False)
    learner_views = models.TextField("the learner's views")
    parent_views = models.TextField("the parents' or carers' views", blank=True)
    outcome = models.CharField(max_length=15, choices=MeetingOutcome.choices)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=MeetingOutcome.values), name="meeting_outcome_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Review meeting on {self.held_on:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:meeting_detail", args=[self.pk])


class TargetProgress(models.Model):
    meeting = models.ForeignKey(ReviewMeeting, on_delete=models.CASCADE, related_name="progress")
    target = models.ForeignKey(PlacementTarget, on_delete=models.PROTECT, related_name="+")
    progress = models.TextField("progress against this target")
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "target"], name="target_progress_once")]

    def __str__(self) -> str:
        return self.progress[:50]


class CeaseOutcome(models.TextChoices):
    CONTINUE = "continue", "Continue the placement"
    CEASE = "cease", "Cease the placement"


class CeaseDecision(models.Model):
    """After the agreed number of unsatisfactory reviews, SLT decides whether to cease the placement.

    One open question per placement at a time; ceasing itself goes through the
    placement lifecycle (Placement.cease).
    """

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="cease_decisions")
    prompted_by = models.OneToOneField(ReviewMeeting, on_delete=models.PROTECT, related_name="cease_decision")
    unsatisfactory_count = models.PositiveSmallIntegerField()
    outcome = models.CharField(max_length=10, choices=CeaseOutcome.choices, blank=True)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement"], condition=Q(decided_at__isnull=True), name="cease_decision_one_open"
            ),
            models.CheckConstraint(
                condition=Q(decided_at__isnull=True)
                | (Q(decided_by__isnull=False) & Q(outcome__in=CeaseOutcome.values) & ~Q(reason="")),
                name="cease_decision_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"Decision on ceasing {self.placement}"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:cease_decision", args=[self.pk])


class AgreementReview(models.Model):
    """A regular review of the placement agreement, at the frequency set on the placement."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="agreement_reviews")
    held_on = models.DateField("date reviewed")
    notes = models.TextField("what was reviewed and agreed")
    changes_needed = models.BooleanField("the agreement needs changing", default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"Agreement review on {self.held_on:%d/%m/%Y}"
