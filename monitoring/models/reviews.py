from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from altprov.models import School
from placements.models import Placement, Term


class ReviewStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    SUBMITTED = "submitted", "Returned"


class TermlyReview(models.Model):
    """The provider's Alternative Provision Termly Review, one per placement, term and version.

    Requested by link before the term ends; locked once submitted. A change
    after that is a new version that `supersedes` the one before.
    """

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="termly_reviews")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveSmallIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    status = models.CharField(max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.REQUESTED)
    requested_at = models.DateTimeField(null=True, blank=True)
    due_date = models.DateField(help_text="The last day of the term.")
    submitted_at = models.DateTimeField(null=True, blank=True)

    provision_attended = models.CharField(max_length=300, blank=True)
    dates_attended = models.CharField(max_length=300, blank=True)
    completed_by_name = models.CharField(
        "name of staff member completing this review", max_length=200, blank=True
    )
    attendance_percent = models.DecimalField(
        "attendance this term (%)", max_digits=4, decimal_places=1, null=True, blank=True
    )
    attendance_commentary = models.TextField(blank=True)
    punctuality = models.TextField(blank=True)
    attitude_to_learning = models.TextField(blank=True)
    skills_covered = models.TextField("skills covered this term", blank=True)
    next_targets = models.TextField("targets for next term", blank=True)
    other_comments = models.TextField(blank=True)

    school_response = models.TextField(blank=True)
    school_response_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    school_response_at = models.DateTimeField(null=True, blank=True)
    # The last reminder emailed: 7 or 1 (days before the due date); the
    # request itself counts as the reminders whose time had already come.
    reminded_days_before = models.PositiveSmallIntegerField(null=True, blank=True)
    # Written by a job's conditional UPDATE, so that of two runs at once only
    # the one whose claim a row carries emails its link.
    claim = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-due_date", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "term", "version"], name="termly_review_one_per_version"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReviewStatus.values), name="termly_review_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=ReviewStatus.REQUESTED)
                | (Q(submitted_at__isnull=False) & ~Q(completed_by_name="")),
                name="termly_review_submitted_complete",
            ),
            models.CheckConstraint(
                condition=Q(version=1, supersedes__isnull=True) | Q(version__gt=1, supersedes__isnull=False),
                name="termly_review_later_version_supersedes",
            ),
            models.CheckConstraint(
                condition=Q(reminded_days_before__isnull=True) | Q(reminded_days_before__in=[7, 1]),
                name="termly_review_reminder_stage",
            ),
            models.CheckConstraint(
                condition=Q(attendance_percent__isnull=True)
                | Q(attendance_percent__gte=0, attendance_percent__lte=100),
                name="termly_review_attendance_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Termly review, {self.placement}, {self.term}"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:review_detail", args=[self.pk])

    @property
    def is_submitted(self) -> bool:
        return self.status == ReviewStatus.SUBMITTED

    def state(self, today: date) -> str:
        """returned, waiting or overdue; superseded once a later version exists."""
        if self._superseded():
            return "superseded"
        if self.is_submitted:
            return "returned"
        return "overdue" if today > self.due_date else "waiting"

    def _superseded(self) -> bool:
        try:
            return self.superseded_by is not None
        except TermlyReview.DoesNotExist:
            return False
