from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from altprov.models import School
from placements.models import Placement


class Incident(models.Model):
    """A serious behavioural incident, reported by the provider (link) or by staff.

    The pastoral team, with SLT, records the decided course of action.
    """

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="incidents")
    occurred_at = models.DateTimeField("when it happened")
    what_happened = models.TextField()
    who_involved = models.TextField("who was involved")
    immediate_action = models.TextField("immediate action taken")
    physical_intervention = models.BooleanField("physical intervention used")
    physical_intervention_detail = models.TextField("the intervention, who and for how long", blank=True)
    reported_at = models.DateTimeField()
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reported_by_name = models.CharField(
        "reported by", max_length=200, blank=True, help_text="Who at the provider."
    )
    reported_by_role = models.CharField("their role", max_length=200, blank=True)
    decision = models.TextField("course of action decided", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_with = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="agreed with (SLT)",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["school", "decided_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(reported_by__isnull=False) | ~Q(reported_by_name=""),
                name="incident_reported_by_someone",
            ),
            models.CheckConstraint(
                condition=Q(decided_at__isnull=True) | (Q(decided_by__isnull=False) & ~Q(decision="")),
                name="incident_decision_complete",
            ),
            models.CheckConstraint(
                condition=Q(physical_intervention=False) | ~Q(physical_intervention_detail=""),
                name="incident_intervention_described",
            ),
        ]

    def __str__(self) -> str:
        return f"Incident on {self.occurred_at:%d/%m/%Y}"
