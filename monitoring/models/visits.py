from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from altprov.models import School
from placements.models import Placement


class VisitStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


class Visit(models.Model):
    """The policy's Alternative Provision Visit Proforma.

    A draft is saved as the visitor types (`draft` holds the form as typed);
    submitting validates it into the fields. A "yes" to safeguarding concerns
    links the concern raised in the DSL's log; the visit holds no detail of it.
    """

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="visits")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name="member of staff",
    )
    status = models.CharField(max_length=10, choices=VisitStatus.choices, default=VisitStatus.DRAFT)

    visited_on = models.DateField("date of visit", null=True, blank=True)
    visited_at = models.TimeField("time of visit", null=True, blank=True)
    learner_class = models.CharField("class", max_length=50, blank=True)
    attendance_percent = models.DecimalField(
        "attendance (%)", max_digits=4, decimal_places=1, null=True, blank=True
    )
    attendance_prefilled = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    attendance_percent_note = models.CharField(
        "why the attendance figure differs", max_length=300, blank=True
    )
    safeguarding_concerns = models.BooleanField("any safeguarding concerns", null=True, blank=True)
    concern = models.ForeignKey(
        "monitoring.SafeguardingConcern", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    attendance_notes = models.TextField(blank=True)
    behaviour_notes = models.TextField("behaviour and welfare notes", blank=True)
    progress_notes = models.TextField("progress", blank=True)
    attainment_notes = models.TextField("attainment", blank=True)
    curriculum_notes = models.TextField("curriculum and learning notes", blank=True)
    other_agencies = models.TextField("other agencies involved", blank=True)
    parent_contact = models.BooleanField("parent/carer contact made", null=True, blank=True)
    parent_contact_reason = models.TextField("why not", blank=True)
    review_meeting_date = models.DateField("date of review meeting", null=True, blank=True)
    learner_views = models.TextField("the learner's views on the placement", blank=True)

    draft = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["draft"])

    class Meta:
        ordering = ["-visited_on", "-pk"]
        indexes = [models.Index(fields=["placement", "status", "visited_on"])]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=VisitStatus.values), name="visit_status_valid"),
            models.CheckConstraint(
                condition=Q(status=VisitStatus.DRAFT)
                | Q(
                    visited_on__isnull=False,
                    safeguarding_concerns__isnull=False,
                    parent_contact__isnull=False,
                    submitted_at__isnull=False,
                ),
                name="visit_submitted_complete",
            ),
            models.CheckConstraint(
                condition=Q(status=VisitStatus.DRAFT)
                | ~Q(safeguarding_concerns=True)
                | Q(concern__isnull=False),
                name="visit_concern_linked",
            ),
            models.CheckConstraint(
                condition=Q(attendance_percent__isnull=True)
                | Q(attendance_percent__gte=0, attendance_percent__lte=100),
                name="visit_attendance_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Visit to {self.placement} on {self.visited_on or 'draft'}"
