from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from altprov.models import School
from placements.models import Placement


class ActionSide(models.TextChoices):
    SCHOOL = "school", "School"
    PROVIDER = "provider", "Provision"


class Action(models.Model):
    """An action agreed at a visit, review meeting or incident: owner and due date, tracked until done."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="monitoring_actions")
    visit = models.ForeignKey(
        "monitoring.Visit", on_delete=models.CASCADE, null=True, blank=True, related_name="actions"
    )
    meeting = models.ForeignKey(
        "monitoring.ReviewMeeting", on_delete=models.CASCADE, null=True, blank=True, related_name="actions"
    )
    incident = models.ForeignKey(
        "monitoring.Incident", on_delete=models.CASCADE, null=True, blank=True, related_name="actions"
    )
    side = models.CharField("for", max_length=10, choices=ActionSide.choices)
    description = models.CharField("action", max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="monitoring_actions",
    )
    owner_name = models.CharField("owner", max_length=200, blank=True, help_text="At the provider, by name.")
    due_date = models.DateField("due by")
    done_on = models.DateField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    done_note = models.CharField("what was done", max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["school", "done_on", "due_date"])]
        constraints = [
            models.CheckConstraint(condition=Q(side__in=ActionSide.values), name="action_side_valid"),
            models.CheckConstraint(
                condition=Q(owner__isnull=False) | ~Q(owner_name=""), name="action_has_owner"
            ),
            models.CheckConstraint(
                condition=Q(visit__isnull=True, meeting__isnull=True)
                | Q(visit__isnull=True, incident__isnull=True)
                | Q(meeting__isnull=True, incident__isnull=True),
                name="action_one_source",
            ),
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | Q(done_by__isnull=False), name="action_done_by_someone"
            ),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def owner_label(self) -> str:
        return self.owner.get_full_name() if self.owner else self.owner_name
