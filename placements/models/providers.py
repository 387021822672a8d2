from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from altprov.models import Flag, School
from altprov.templatetags.altprov_tags import day_words

from ..validators import validate_ukprn, validate_urn

EXPIRING_WITHIN_DAYS = 30


class RegistrationCategory(models.TextChoices):
    SCHOOL = "school", "Registered school (URN)"
    FE = "fe", "FE or training provider (UKPRN)"
    NON_SCHOOL = "non_school", "Non-school (unregistered) provider"


class OfstedGrade(models.TextChoices):
    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"
    REPORT_CARD = "report_card", "Report card (see notes)"


class EvidenceStatus(models.TextChoices):
    COMPLETE = "complete", "Complete"
    EXPIRING = "expiring", "Expiring within 30 days"
    EXPIRED = "expired", "Expired"
    MISSING = "missing", "Missing"


# Worst first: a provider's status is its worst mandatory item's.
STATUS_SEVERITY = [
    EvidenceStatus.MISSING,
    EvidenceStatus.EXPIRED,
    EvidenceStatus.EXPIRING,
    EvidenceStatus.COMPLETE,
]


class ProviderQuerySet(models.QuerySet):
    def search(self, text: str):
        text = text.strip()
        return self.filter(name__icontains=text) if text else self

    def used_by_schools(self, school_ids):
        return self.filter(placements__school_id__in=school_ids).distinct()


class Provider(models.Model):
    """An AP provider: one shared directory for every school of the installation."""

    name = models.CharField(max_length=200, unique=True)
    registration_category = models.CharField(max_length=20, choices=RegistrationCategory.choices)
    urn = models.CharField("URN", max_length=6, blank=True, validators=[validate_urn])
    ukprn = models.CharField("UKPRN", max_length=8, blank=True, validators=[validate_ukprn])
    ofsted_grade = models.CharField(max_length=30, choices=OfstedGrade.choices, blank=True)
    ofsted_date = models.DateField("Ofsted inspection date", null=True, blank=True)
    lead_contact_name = models.CharField(max_length=200)
    lead_contact_email = models.EmailField()
    lead_contact_phone = models.CharField(max_length=30)
    attendance_contact_name = models.CharField(max_length=200)
    attendance_contact_email = models.EmailField(help_text="The daily register link is sent here.")
    attendance_contact_phone = models.CharField(max_length=30)
    team_teach_trained = models.BooleanField(
        "Team Teach (or equivalent) trained staff",
        default=False,
        help_text="Policy: learners with a behaviour risk assessment may only attend such a provider.",
    )
    team_teach_evidence_date = models.DateField(null=True, blank=True)
    session_rate = models.DecimalField(
        "cost per session (£)", max_digits=8, decimal_places=2, null=True, blank=True
    )
    daily_rate = models.DecimalField(
        "cost per day (£)", max_digits=8, decimal_places=2, null=True, blank=True
    )
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    objects = ProviderQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(registration_category=RegistrationCategory.SCHOOL) | ~Q(urn=""),
                name="provider_school_has_urn",
            ),
            models.CheckConstraint(
                condition=~Q(registration_category=RegistrationCategory.FE) | ~Q(ukprn=""),
                name="provider_fe_has_ukprn",
            ),
            models.CheckConstraint(
                condition=Q(team_teach_trained=False) | Q(team_teach_evidence_date__isnull=False),
                name="provider_team_teach_dated",
            ),
            models.CheckConstraint(
                condition=Q(registration_category__in=RegistrationCategory.values),
                name="provider_category_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("placements:provider_detail", args=[self.pk])

    @property
    def is_non_school(self) -> bool:
        return self.registration_category == RegistrationCategory.NON_SCHOOL

    @property
    def reference(self) -> str:
        if self.registration_category == RegistrationCategory.SCHOOL:
            return f"URN {self.urn}"
        if self.registration_category == RegistrationCategory.FE:
            return f"UKPRN {self.ukprn}"
        return "Unregistered"

    def evidence_summary(self, types, *, today: date | None = None) -> list[dict]:
        """Per evidence type: its current item and status. Uses prefetched `evidence_items`."""
        today = today or timezone.localdate()
        latest: dict[int, EvidenceItem] = {}
        for item in self.evidence_items.all():
            current = latest.get(item.evidence_type_id)
            if current is None or item.sort_key() > current.sort_key():
                latest[item.evidence_type_id] = item
        rows = []
        for evidence_type in types:
            item = latest.get(evidence_type.pk)
            rows.append(
                {
                    "type": evidence_type,
                    "item": item,
                    "status": item.status(today) if item else EvidenceStatus.MISSING,
                }
            )
        return rows

    def evidence_status(self, types, *, today: date | None = None) -> str:
        statuses = {
            row["status"] for row in self.evidence_summary(types, today=today) if row["type"].mandatory
        }
        for status in STATUS_SEVERITY:
            if status in statuses:
                return status
        return EvidenceStatus.COMPLETE

    def lapse_causes(self, types, *, today: date | None = None) -> list["LapseCause"]:
        """The mandatory items, missing or expired, that make every approval of this provider lapse."""
        return [
            LapseCause(row["type"], row["item"].expires_on if row["item"] else None)
            for row in self.evidence_summary(types, today=today)
            if row["type"].mandatory and row["status"] in (EvidenceStatus.MISSING, EvidenceStatus.EXPIRED)
        ]

    def evidence_problems(self, types, *, today: date | None = None) -> list[str]:
        return [
            f"{row['type'].name}: {EvidenceStatus(row['status']).label.lower()}"
            for row in self.evidence_summary(types, today=today)
            if row["type"].mandatory and row["status"] in (EvidenceStatus.MISSING, EvidenceStatus.EXPIRED)
        ]


class ProviderSite(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(max_length=200)
    address = models.TextField()
    postcode = models.CharField(max_length=10)
    phone = models.CharField(max_length=30, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["provider", "name"]
        constraints = [models.UniqueConstraint(fields=["provider", "name"], name="provider_site_unique_name")]

    def __str__(self) -> str:
        return f"{self.name}, {self.postcode}"

    @property
    def full_address(self) -> str:
        return f"{self.address}\n{self.postcode}"


class EvidenceType(models.Model):
    """A kind of provider evidence; which are mandatory is set in the admin."""

    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=200)
    mandatory = models.BooleanField(default=True)
    needs_policy_version = models.BooleanField(
        default=False, help_text="Record the version and date of the school's policy the provider confirmed."
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


def evidence_upload_to(instance, filename: str) -> str:
    return f"evidence/{instance.provider_id}/{filename}"


class EvidenceItem(models.Model):
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="evidence_items")
    evidence_type = models.ForeignKey(EvidenceType, on_delete=models.PROTECT, related_name="items")
    date_received = models.DateField()
    expires_on = models.DateField("expiry or review date", null=True, blank=True)
    file = models.FileField(upload_to=evidence_upload_to, blank=True)
    policy_version = models.CharField(max_length=50, blank=True)
    policy_date = models.DateField(null=True, blank=True)
    notes = models.CharField(max_length=300, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["evidence_type__order", "-date_received"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=F("date_received")),
                name="evidence_expiry_after_received",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evidence_type} ({self.date_received:%d/%m/%Y})"

    def sort_key(self):
        return (self.date_received, self.expires_on or date.max, self.pk or 0)

    def status(self, today: date) -> str:
        if self.expires_on is None:
            return EvidenceStatus.COMPLETE
        if self.expires_on < today:
            return EvidenceStatus.EXPIRED
        if self.expires_on <= today + timedelta(days=EXPIRING_WITHIN_DAYS):
            return EvidenceStatus.EXPIRING
        return EvidenceStatus.COMPLETE


def _on(day: date, in_words: bool) -> str:
    return day_words(day, "on") if in_words else f"on {day:%d/%m/%Y}"


@dataclass(frozen=True)
class LapseCause:
    """A mandatory item that makes an approval lapse: expired (with its expiry date) or missing."""

    evidence_type: EvidenceType
    expires_on: date | None  # None: never recorded

    def __str__(self) -> str:
        return self.describe()

    def describe(self, *, in_words: bool = False) -> str:
        """ "Insurance expired on 30/11/2026", or on a page "... expired on Monday 30 November 2026"."""
        if self.expires_on is None:
            return f"{self.evidence_type.name} missing"
        return f"{self.evidence_type.name} expired {_on(self.expires_on, in_words)}"

    @property
    def lapsed_on(self) -> date | None:
        # The expiry date is the last day the item holds (EvidenceItem.status).
        return self.expires_on + timedelta(days=1) if self.expires_on else None


class ProviderApproval(models.Model):
    """A school's DSL approving a provider. It lapses while mandatory evidence is missing or expired."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="approvals")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="provider_approvals")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField()
    notes = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "school"], name="provider_approval_one_per_school"),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | ~Q(withdrawn_reason=""),
                name="provider_approval_withdrawal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} approved by {self.school}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def describe_lapse(
        self, causes: list[LapseCause], *, naming_provider: bool = False, in_words: bool = False
    ) -> str:
        """Why and since when the approval has lapsed, e.g. "Approval lapsed on 01/12/2026: Risk
        assessments expired on 30/11/2026."; `in_words` for a page's sentence: "Approval lapsed on
        Tuesday 1 December 2026: ..." (numeric dates stay in flag summaries and emails).

        Dated only when every cause has a date: a missing item says nothing
        of when it went missing.
        """
        what = f"Approval of {self.provider}" if naming_provider else "Approval"
        why = "; ".join(cause.describe(in_words=in_words) for cause in causes)
        dates = [cause.lapsed_on for cause in causes]
        if not all(dates):
            return f"{what} has lapsed: {why}."
        since = max(min(dates), timezone.localdate(self.approved_at))
        return f"{what} lapsed {_on(since, in_words)}: {why}."


class ProviderReview(models.Model):
    """SLT's quality review of a provider, per school (policy: Suitability of Providers)."""

    class Outcome(models.TextChoices):
        SUITABLE = "suitable", "Suitable"
        CONCERNS = "concerns", "Suitable with concerns"
        UNSUITABLE = "unsuitable", "Not suitable"

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="reviews")
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="provider_reviews")
    review_date = models.DateField()
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    notes = models.TextField()
    next_review_due = models.DateField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-review_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_review_due__gt=F("review_date")), name="provider_review_next_after_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} review {self.review_date:%d/%m/%Y}"


class EvidenceFlag(models.Model):
    """What a provider evidence flag (approval lapsed, evidence expiring) is about: the kinds' own data.

    The flag (altprov.flags) carries the school, who was told and the
    resolution; this row names the provider, the evidence type and the expiry
    date the flag was raised for (none: the item was missing), so the job can
    tell which flags still hold and why the others ended.
    """

    flag = models.OneToOneField(
        Flag, on_delete=models.CASCADE, primary_key=True, related_name="evidence_flag"
    )
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="evidence_flags")
    evidence_type = models.ForeignKey(EvidenceType, on_delete=models.PROTECT, related_name="+")
    expires_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.provider}: {self.evidence_type} ({self.expires_on or 'missing'})"
