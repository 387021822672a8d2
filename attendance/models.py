from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from altprov.models import Flag, School
from placements.models import Contact, Learner, Placement, Provider

from .codes import ABSENCE_REASON_CODES, ATTENDED_CODES, CODES, NOT_YET_PROVIDED, UNEXPLAINED_CODES


class Session(models.TextChoices):
    AM = "AM", "AM"
    PM = "PM", "PM"


class MarkStatus(models.TextChoices):
    PRESENT = "present", "Present"
    LATE = "late", "Late"
    ABSENT = "absent", "Absent"


class Source(models.TextChoices):
    PROVIDER_LINK = "provider_link", "Provider (register link)"
    PHONE = "phone", "Phone call"
    EMAIL = "email", "Email"
    STAFF = "staff", "Staff entry"


class AttendanceMarkQuerySet(models.QuerySet):
    def for_schools(self, school_ids):
        return self.filter(school_id__in=school_ids)

    def between(self, start, end):
        return self.filter(date__range=(start, end))

    def for_learner(self, learner):
        return self.filter(placement__learner=learner)

    def absent_for(self, codes):
        """Absences whose reason is one of `codes`, under any arrangement.

        A dual-registered absence is D on the register; its reason is kept beside it.
        """
        codes = sorted(codes)
        return self.filter(status=MarkStatus.ABSENT).filter(
            Q(code__in=codes) | Q(code="D", dual_absence_reason__in=codes)
        )

    def unexplained(self):
        """Absent with no reason known (codes.UNEXPLAINED_CODES)."""
        return self.absent_for(UNEXPLAINED_CODES)

    def awaiting_reason(self):
        """Absent with the reason still to come (N): to be replaced within five school days."""
        return self.absent_for({NOT_YET_PROVIDED})


class AttendanceMark(models.Model):
    """One session's mark at the provider. Registers are kept six years
    (2024 regulations); a mark is never deleted or overwritten in the app:
    a correction is a MarkAmendment."""

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="marks")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    session = models.CharField(max_length=2, choices=Session.choices)
    status = models.CharField(max_length=10, choices=MarkStatus.choices)
    late_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    code = models.CharField(max_length=3, choices=[(c, f"{c} – {v.meaning}") for c, v in CODES.items()])
    note = models.CharField(max_length=300, blank=True)
    dual_absence_reason = models.CharField(
        max_length=3,
        blank=True,
        help_text="A dual-registered absence is D on the register: the reason given is kept here. "
        "Every other absence has its reason in the code.",
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)
    is_extra = models.BooleanField(
        default=False, help_text="A session not on the timetable, confirmed by staff."
    )

    objects = AttendanceMarkQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "session"]
        indexes = [models.Index(fields=["school", "date"]), models.Index(fields=["code", "date"])]
        constraints = [
            models.UniqueConstraint(fields=["placement", "date", "session"], name="mark_one_per_session"),
            models.CheckConstraint(condition=Q(session__in=Session.values), name="mark_session_valid"),
            models.CheckConstraint(
                condition=(
                    Q(status__in=[MarkStatus.PRESENT, MarkStatus.LATE])
                    & Q(code__in=sorted(ATTENDED_CODES | {"D"}))
                )
                | (Q(status=MarkStatus.ABSENT) & Q(code__in=sorted(ABSENCE_REASON_CODES | {"D"}))),
                name="mark_code_matches_status",
            ),
            models.CheckConstraint(
                condition=(
                    Q(code="D", status=MarkStatus.ABSENT)
                    & Q(dual_absence_reason__in=sorted(ABSENCE_REASON_CODES))
                )
                | (~Q(code="D", status=MarkStatus.ABSENT) & Q(dual_absence_reason="")),
                name="mark_dual_absence_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=MarkStatus.LATE) | Q(late_minutes__gt=0),
                name="mark_late_has_minutes",
            ),
            models.CheckConstraint(
                condition=Q(source=Source.PROVIDER_LINK) | Q(entered_by__isnull=False),
                name="mark_staff_source_has_user",
            ),
            models.CheckConstraint(
                condition=Q(is_extra=False) | Q(entered_by__isnull=False),
                name="mark_extra_confirmed_by_staff",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.placement.learner} {self.date:%d/%m/%Y} {self.session}: {self.code}"

    @property
    def meaning(self) -> str:
        return CODES[self.code].meaning

    @property
    def absence_reason(self) -> str:
        """Why the learner was absent, under any arrangement ("" when present or late)."""
        if self.status != MarkStatus.ABSENT:
            return ""
        return self.dual_absence_reason or self.code

    @property
    def absence_meaning(self) -> str:
        return CODES[self.absence_reason].meaning if self.absence_reason else ""

    @property
    def is_unexplained(self) -> bool:
        """Absent with no reason known: the same rule as AttendanceMarkQuerySet.unexplained()."""
        return self.absence_reason in UNEXPLAINED_CODES


class MarkAmendment(models.Model):
    """A correction: the old and new values, the reason, who and when."""

    mark = models.ForeignKey(AttendanceMark, on_delete=models.PROTECT, related_name="amendments")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    by_provider = models.BooleanField(default=False)
    source = models.CharField(
        max_length=20,
        choices=Source.choices,
        default=Source.STAFF,
        help_text="How the new value reached altprov: the marks export gives it as the mark's source.",
    )
    reason = models.CharField(max_length=300)
    old_status = models.CharField(max_length=10, choices=MarkStatus.choices)
    old_code = models.CharField(max_length=3)
    old_late_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    old_note = models.CharField(max_length=300, blank=True)
    new_status = models.CharField(max_length=10, choices=MarkStatus.choices)
    new_code = models.CharField(max_length=3)
    new_late_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    new_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="amendment_has_reason"),
            models.CheckConstraint(
                condition=Q(by_provider=True) | Q(by__isnull=False), name="amendment_has_author"
            ),
            models.CheckConstraint(
                condition=Q(by_provider=True, source=Source.PROVIDER_LINK)
                | (Q(by_provider=False) & ~Q(source=Source.PROVIDER_LINK)),
                name="amendment_source_matches_author",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.old_code} → {self.new_code}: {self.reason}"


class DailyLinkEmail(models.Model):
    """One morning email of the register link per provider, school and day."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    link = models.ForeignKey("altprov.LinkToken", on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["school", "provider", "day"], name="daily_link_once_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.day}"


class MissingReport(models.Model):
    """A provider's session that was not reported by the cut-off: the missing-report flag's own data.

    The flag (altprov.flags) carries the stage, who was told and the
    resolution; this row says which provider, day and session it is about.
    """

    flag = models.OneToOneField(
        Flag, on_delete=models.CASCADE, primary_key=True, related_name="missing_report"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="missing_reports")
    day = models.DateField()
    session = models.CharField(max_length=2, choices=Session.choices)
    # Claimed before the DSL is alerted, so only one worker alerts them.
    dsl_alerted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["day", "session", "provider__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "provider", "day", "session"], name="missing_report_once_per_session"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.day:%d/%m/%Y} {self.session} not reported"

    # The flag's state, read through, so pages can treat the row as the flag.
    @property
    def stage(self) -> str:
        return self.flag.stage

    @property
    def raised_at(self):
        return self.flag.raised_at

    @property
    def escalated_at(self):
        return self.flag.escalated_at

    @property
    def resolved_at(self):
        return self.flag.resolved_at

    @property
    def resolved_by(self):
        return self.flag.resolved_by

    @property
    def resolved_by_id(self):
        return self.flag.resolved_by_id

    @property
    def resolution(self) -> str:
        return self.flag.resolution


class ChaseNote(models.Model):
    """The admin assistant chasing a provider that has not reported."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="chase_notes")
    day = models.DateField()
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=300)
    history = HistoricalRecords()

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"Chased {self.provider} at {self.at:%H:%M}"


class InterventionKind(models.TextChoices):
    # The school's attendance policy's stages.
    PARENT_CONTACT = "parent_contact", "Contact with parents/carers"
    LETTER = "letter", "Attendance letter"
    MEETING = "meeting", "Attendance meeting"
    HOME_VISIT = "home_visit", "Home visit"
    SUPPORT_PLAN = "support_plan", "Attendance support plan"
    LA_REFERRAL = "la_referral", "Referral to the local authority"
    OTHER = "other", "Other"


class Intervention(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="interventions")
    kind = models.CharField(max_length=20, choices=InterventionKind.choices)
    date = models.DateField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.TextField()
    next_step = models.CharField(max_length=300, blank=True)
    next_step_due = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_step_due__isnull=True) | Q(next_step_due__gte=F("date")),
                name="intervention_next_step_after_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y}"


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Phone"
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"
    IN_PERSON = "in_person", "In person"
    LETTER = "letter", "Letter"


class ParentContact(models.Model):
    """Contact with parents/carers about attendance (policy: Attendance and Safeguarding)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="+")
    learner = models.ForeignKey(Learner, on_delete=models.CASCADE, related_name="parent_contacts")
    contact = models.ForeignKey(Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(max_length=20, choices=ContactMethod.choices)
    reached = models.BooleanField(default=True)
    about = models.CharField(max_length=300, help_text="Which absence or concern.")
    outcome = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.at:%d/%m/%Y %H:%M}"


class AttendanceWeek(models.Model):
    """One placement's attendance figures for one week (Monday to Sunday), kept up to date.

    The figures pages add these weeks up instead of recomputing every expected
    session of the term (attendance/summary.py keeps them; the categories are
    those of attendance/figures.py). `not_yet_marked` counts every expected
    session of the week with no mark, future days included: figures use it
    only for weeks wholly before their cut-off and count the week in progress
    live.
    """

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="+")
    week_start = models.DateField(help_text="The Monday of the week.")
    attended = models.PositiveIntegerField(default=0)
    authorised = models.PositiveIntegerField(default=0)
    unauthorised = models.PositiveIntegerField(default=0)
    not_counted = models.PositiveIntegerField(default=0)
    not_yet_marked = models.PositiveIntegerField(default=0)
    expected = models.PositiveIntegerField(default=0, help_text="Expected sessions, marked or not.")

    class Meta:
        ordering = ["placement", "week_start"]
        indexes = [models.Index(fields=["week_start", "placement"])]
        constraints = [
            models.UniqueConstraint(fields=["placement", "week_start"], name="attendance_week_once"),
        ]

    def __str__(self) -> str:
        return f"Placement {self.placement_id}, week of {self.week_start}"
