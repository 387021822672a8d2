from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from altprov.models import School

from ..validators import validate_upn

# Names nothing beyond the user's own school: whether another school holds the learner is not theirs to know.
DUPLICATE_UPN = "A learner with this UPN is already on this school's roll."


class SenStatus(models.TextChoices):
    NONE = "none", "No SEN"
    SUPPORT = "support", "SEN support"
    EHCP = "ehcp", "EHC plan"


class LearnerQuerySet(models.QuerySet):
    def for_schools(self, school_ids):
        return self.filter(school_id__in=school_ids)

    def search(self, text: str):
        text = text.strip()
        if not text:
            return self
        q = Q()
        for word in text.split():
            q &= (
                Q(legal_first_name__icontains=word)
                | Q(legal_last_name__icontains=word)
                | Q(preferred_name__icontains=word)
                | Q(upn__iexact=word)
            )
        return self.filter(q)

    def placed_with(self, provider_id):
        return self.filter(placements__provider_id=provider_id).distinct()

    def with_placement_status(self, status):
        return self.filter(placements__status=status).distinct()


class Learner(models.Model):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="learners")
    legal_first_name = models.CharField(max_length=100)
    legal_last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(
        max_length=100, blank=True, help_text="If different from the legal first name."
    )
    upn = models.CharField(
        "UPN",
        max_length=13,
        validators=[validate_upn],
        help_text="Unique pupil number: 13 characters, starting with the check letter.",
    )
    date_of_birth = models.DateField()
    year_group = models.PositiveSmallIntegerField(help_text="National curriculum year, 1 to 14.")
    sen_status = models.CharField(
        "SEN status", max_length=10, choices=SenStatus.choices, default=SenStatus.NONE
    )
    looked_after = models.BooleanField("looked-after child", default=False)
    has_social_worker = models.BooleanField(default=False)
    safeguarding_flag = models.BooleanField(
        default=False, help_text="Visible to the DSL and head teacher only. Detail stays in the DSL's log."
    )
    behaviour_risk_assessment = models.BooleanField(default=False)
    behaviour_risk_assessment_date = models.DateField(null=True, blank=True)
    key_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="key_learners",
    )
    attainment_baseline = models.TextField(
        blank=True, help_text="Attainment data shared with the provider at the start of a placement."
    )
    learner_passport = models.TextField(
        "learner passport / SEN support",
        blank=True,
        help_text="SEN support and provision mapping shared with the provider.",
    )
    history = HistoricalRecords(excluded_fields=[])

    objects = LearnerQuerySet.as_manager()

    class Meta:
        ordering = ["legal_last_name", "legal_first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year_group__gte=1) & Q(year_group__lte=14), name="learner_year_group_range"
            ),
            models.CheckConstraint(
                condition=Q(behaviour_risk_assessment=False)
                | Q(behaviour_risk_assessment_date__isnull=False),
                name="learner_risk_assessment_dated",
            ),
            models.CheckConstraint(
                condition=Q(upn__regex=r"^[A-Z][0-9]{11}[0-9A-Z]$"), name="learner_upn_format"
            ),
            # Per school: a trust or local authority may hold the same learner at two of its schools.
            models.UniqueConstraint(
                fields=["school", "upn"],
                name="learner_upn_unique_per_school",
                violation_error_message=DUPLICATE_UPN,
            ),
            models.CheckConstraint(
                condition=Q(sen_status__in=SenStatus.values), name="learner_sen_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("placements:learner_detail", args=[self.pk])

    @property
    def first_name(self) -> str:
        return self.preferred_name or self.legal_first_name

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.legal_last_name}"

    def weekly_ap_hours(self, placements) -> Decimal:
        """Hours a week at AP across the given placements that claim sessions (agreed or active)."""
        from .placements import CLAIMING_STATUSES

        return sum((p.weekly_hours for p in placements if p.status in CLAIMING_STATUSES), Decimal(0))

    @property
    def provider_safe_name(self) -> str:
        """What a provider link shows: preferred first name and surname initial."""
        return f"{self.first_name} {self.legal_last_name[:1]}."


class Contact(models.Model):
    """A parent/carer or emergency contact."""

    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=100)
    phone = models.CharField(max_length=30)
    email = models.EmailField(blank=True)
    address = models.TextField(blank=True)
    is_parent_carer = models.BooleanField("parent/carer", default=False)
    parental_responsibility = models.BooleanField(default=False)
    emergency_contact = models.BooleanField(default=True)
    priority = models.PositiveSmallIntegerField(default=1, help_text="1 is called first.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["learner", "priority", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"
