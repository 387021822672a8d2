from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from altprov.models import School

from .learners import Learner, SenStatus
from .providers import EvidenceType, Provider, ProviderApproval, ProviderSite
from .timetables import SESSION_FIELDS, PlacementTimetable, clash, in_force

# DfE treats over 18 hours a week as full-time when deciding whether a setting
# must register as a school (Education and Skills Act 2008, s.92).
REGISTRATION_FULL_TIME_HOURS = Decimal("18")
REGISTRATION_FULL_TIME_LEARNERS = 5
# Below this a learner's week is a part-time timetable unless the rest is at school
# ("Working together to improve school attendance": needs parental agreement,
# a time limit and a review).
FULL_TIME_WEEK_HOURS = Decimal("25")

# What a role that may not see a learner's needs (looked-after, EHC plan, behaviour
# risk assessment) reads instead of a reason drawn from them (docs/roles.md).
NEEDS_CHECK = "This placement needs a check by the head teacher."


class Status(models.TextChoices):
    REFERRED = "referred", "Referred"
    PLANNING = "planning", "Planning meeting held"
    AGREED = "agreed", "Agreed"
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"
    CEASED = "ceased", "Ceased"


OPEN_STATUSES = [Status.REFERRED, Status.PLANNING, Status.AGREED, Status.ACTIVE]
# Statuses whose timetable claims the learner's sessions.
CLAIMING_STATUSES = [Status.AGREED, Status.ACTIVE]


class ReferralReason(models.TextChoices):
    # The policy's "Reasons why we might offer Alternative Provision".
    STRENGTHS = "strengths", "Strengths not developed through the Functional Skills Pathway"
    EXCLUSION_RISK = "exclusion_risk", "Fixed-term exclusions; at risk of permanent exclusion"
    ATTENDANCE = "attendance", "Not attending school regularly"
    POST16 = "post16", "Better progression to a post-16 pathway"
    OTHER = "other", "Other"


class Arrangement(models.TextChoices):
    # School Attendance (Pupil Registration) (England) Regulations 2024.
    SCHOOL = "school", "Arranged by the school (code B)"
    LA = "la", "Arranged by the local authority (code K)"
    DUAL = "dual", "Dual registration (code D)"


ATTENDED_CODE = {Arrangement.SCHOOL: "B", Arrangement.LA: "K", Arrangement.DUAL: "D"}


class EndReason(models.TextChoices):
    REINTEGRATED = "reintegrated", "Reintegrated into school"
    COMPLETED = "completed", "Completed"
    MOVED_ON = "moved_on", "Moved on"


class CostBasis(models.TextChoices):
    SESSION = "session", "per session"
    DAY = "day", "per day"
    WEEK = "week", "per week"
    TERM = "term", "per term"
    TOTAL = "total", "for the whole placement"


class TransitionError(Exception):
    """A lifecycle step that cannot happen; `reasons` says every reason why."""

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__("; ".join(reasons))


class PlacementQuerySet(models.QuerySet):
    def for_schools(self, school_ids):
        return self.filter(school_id__in=school_ids)

    def for_provider(self, provider):
        return self.filter(provider=provider)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def active(self, *, on: date | None = None):
        qs = self.filter(status=Status.ACTIVE)
        if on is not None:
            qs = qs.filter(start_date__lte=on).filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        return qs

    def with_timetables(self):
        """Each placement with its timetable versions (one more query), for hours and sessions."""
        return self.prefetch_related("timetables")

    def attending_between(self, start: date, end: date):
        """Placements that were running at some point between start and end, with their
        timetable versions (so `has_session` asks no query per placement).

        A placement runs from the later of its start and its activation; an ended
        placement ran until its end date; a ceased one only if it had started.
        """
        return (
            self.filter(start_date__lte=end)
            .filter(Q(activated_on__isnull=True) | Q(activated_on__lte=end))
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
            .filter(
                Q(status__in=[Status.ACTIVE, Status.ENDED])
                | Q(status=Status.CEASED, activated_on__isnull=False)
            )
            .with_timetables()
        )

    def claiming_between(self, start: date, end: date | None):
        qs = self.filter(status__in=CLAIMING_STATUSES)
        if end is not None:
            qs = qs.filter(start_date__lte=end)
        # An active placement runs until it is ended, even past its target end date.
        return qs.filter(
            Q(end_date__gte=start)
            | Q(end_date__isnull=True, status=Status.ACTIVE)
            | Q(end_date__isnull=True, target_end_date__gte=start)
        )


class Placement(models.Model):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="placements")
    learner = models.ForeignKey(Learner, on_delete=models.PROTECT, related_name="placements")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="placements")
    site = models.ForeignKey(ProviderSite, on_delete=models.PROTECT, related_name="placements")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REFERRED)

    referral_reasons = models.JSONField(default=list, help_text="Codes from ReferralReason.")
    referral_other = models.CharField("other reason", max_length=300, blank=True)
    rationale = models.TextField(help_text="Why this provision will let the learner make good progress.")
    arrangement = models.CharField(max_length=10, choices=Arrangement.choices, default=Arrangement.SCHOOL)

    # The weekly sessions are in `timetables`, one version per change (models/timetables.py).
    am_hours = models.DecimalField(
        "hours per AM session", max_digits=3, decimal_places=1, default=Decimal("3.0")
    )
    pm_hours = models.DecimalField(
        "hours per PM session", max_digits=3, decimal_places=1, default=Decimal("2.5")
    )
    rest_of_week_at_school = models.BooleanField(
        default=True, help_text="The learner is taught at school in the sessions not spent at the provider."
    )
    parental_agreement_date = models.DateField("parents agreed part-time timetable on", null=True, blank=True)
    part_time_until = models.DateField("part-time timetable ends", null=True, blank=True)
    part_time_review_date = models.DateField("part-time timetable review", null=True, blank=True)

    start_date = models.DateField()
    target_end_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    activated_on = models.DateField(null=True, blank=True, help_text="When it became active.")
    review_frequency_weeks = models.PositiveSmallIntegerField(
        "review every (weeks)", default=6, help_text="Agreed at the planning meeting."
    )
    unsatisfactory_reviews_to_cease = models.PositiveSmallIntegerField(
        "unsatisfactory reviews before SLT decides on ceasing",
        default=2,
        help_text="Agreed at the planning meeting; the policy's default is two.",
    )
    visiting_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visited_placements",
        help_text="Appointed by SLT to attend meetings and make the twice-termly visits.",
    )

    cost_amount = models.DecimalField("cost (£)", max_digits=9, decimal_places=2, null=True, blank=True)
    cost_basis = models.CharField(max_length=10, choices=CostBasis.choices, blank=True)
    cost_authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cost_authorised_at = models.DateTimeField(null=True, blank=True)

    meeting_date = models.DateField("planning meeting date", null=True, blank=True)
    meeting_attendees = models.TextField(blank=True)
    meeting_parents_attended = models.BooleanField("parents/carers attended", default=False)
    meeting_learner_attended = models.BooleanField("learner attended", default=False)
    meeting_provider_attended = models.BooleanField("provider attended", default=False)
    meeting_reasons_explained = models.BooleanField(
        "reasons explained to learner and parents/carers", default=False
    )
    meeting_notes = models.TextField(blank=True)

    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    ceased_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = PlacementQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "pk"]
        indexes = [models.Index(fields=["school", "status"]), models.Index(fields=["provider", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_end_date__gt=F("start_date")), name="placement_target_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="placement_end_after_start",
            ),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="placement_status_valid"),
            models.CheckConstraint(
                condition=~Q(status=Status.ENDED) | (~Q(end_reason="") & Q(end_date__isnull=False)),
                name="placement_ended_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.CEASED) | (~Q(ceased_reason="") & Q(end_date__isnull=False)),
                name="placement_ceased_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(am_hours__gt=0) & Q(am_hours__lte=5) & Q(pm_hours__gt=0) & Q(pm_hours__lte=5),
                name="placement_session_hours_range",
            ),
            models.CheckConstraint(
                condition=Q(cost_authorised_by__isnull=True) | Q(cost_amount__isnull=False),
                name="placement_authorised_cost_has_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} at {self.provider}"

    def get_absolute_url(self) -> str:
        return reverse("placements:placement_detail", args=[self.pk])

    # Timetable ---------------------------------------------------------------

    @property
    def expected_from(self) -> date:
        """The first day sessions are expected: a placement activated late is not
        marked for the days before it was active."""
        return max(self.start_date, self.activated_on or self.start_date)

    def timetable_versions(self) -> list[PlacementTimetable]:
        """Every version, oldest first (prefetched by `with_timetables`, else one query)."""
        if self.pk is None:
            return []
        return sorted(self.timetables.all(), key=lambda v: v.effective_from)

    def timetable_on(self, day: date) -> PlacementTimetable | None:
        return in_force(self.timetable_versions(), day)

    @property
    def timetable(self) -> PlacementTimetable | None:
        """The timetable in force today (the first one before the start, the last one after the end)."""
        today = timezone.localdate()
        return self.timetable_on(min(today, self.end_date) if self.end_date else today)

    def session_flags(self) -> list[bool]:
        timetable = self.timetable
        return timetable.session_flags() if timetable else [False] * len(SESSION_FIELDS)

    def has_session(self, day: date, session: str) -> bool:
        timetable = self.timetable_on(day)
        return timetable is not None and timetable.has_session(day, session)

    def timetable_rows(self) -> list[dict]:
        timetable = self.timetable or PlacementTimetable()
        return timetable.rows()

    @property
    def sessions_per_week(self) -> int:
        return sum(self.session_flags())

    def weekly_hours_on(self, day: date) -> Decimal:
        timetable = self.timetable_on(day)
        return timetable.weekly_hours(self.am_hours, self.pm_hours) if timetable else Decimal(0)

    @property
    def weekly_hours(self) -> Decimal:
        timetable = self.timetable
        return timetable.weekly_hours(self.am_hours, self.pm_hours) if timetable else Decimal(0)

    @property
    def attended_code(self) -> str:
        return ATTENDED_CODE[self.arrangement]

    @property
    def is_part_time_timetable(self) -> bool:
        return not self.rest_of_week_at_school and self.weekly_hours < FULL_TIME_WEEK_HOURS

    def part_time_problems(self) -> list[str]:
        if not self.is_part_time_timetable:
            return []
        missing = []
        if not self.parental_agreement_date:
            missing.append("parental agreement")
        if not self.part_time_until:
            missing.append("a time limit")
        if not self.part_time_review_date:
            missing.append("a review date")
        if not missing:
            return []
        return [f"Part-time timetable ({self.weekly_hours} hours a week) without " + ", ".join(missing) + "."]

    def registration_warnings(self, *, sees_needs: bool = True) -> list[str]:
        """The DfE registration rule for this learner; `sees_needs` False words it without their status."""
        learner = self.learner
        if (
            self.provider.is_non_school
            and self.weekly_hours > REGISTRATION_FULL_TIME_HOURS
            and (learner.looked_after or learner.sen_status == SenStatus.EHCP)
        ):
            if not sees_needs:
                return [NEEDS_CHECK]
            who = "looked-after" if learner.looked_after else "has an EHC plan"
            return [
                f"{self.provider} is unregistered, and this learner ({who}) is timetabled there for "
                f"{self.weekly_hours} hours a week. A setting teaching such a pupil full-time must be a "
                "registered school."
            ]
        return []

    def _claim_until(self) -> date | None:
        # An active placement runs until it is ended, even past its target end date.
        return self.end_date or (None if self.status == Status.ACTIVE else self.target_end_date)

    def timetable_periods(
        self, *, flags: list[bool] | None = None, effective_from: date | None = None
    ) -> list[tuple[date, date | None, list[bool]]]:
        """(first day, last day or None, session flags) for each stretch of the timetable.

        With `flags`, as it would be with that change: from `effective_from` on,
        or for the whole placement when no date is given (before activation).
        """
        versions = [(v.effective_from, v.session_flags()) for v in self.timetable_versions()]
        if flags is not None:
            kept = [v for v in versions if effective_from is not None and v[0] < effective_from]
            versions = [*kept, (effective_from or self.start_date, list(flags))]
        until = self._claim_until()
        periods = []
        for n, (effective, session_flags) in enumerate(versions):
            first = self.start_date if n == 0 else max(effective, self.start_date)
            last = versions[n + 1][0] - timedelta(days=1) if n + 1 < len(versions) else until
            if last is not None and until is not None:
                last = min(last, until)
            if last is None or first <= last:
                periods.append((first, last, session_flags))
        return periods

    def session_clashes(
        self, *, flags: list[bool] | None = None, effective_from: date | None = None
    ) -> list["Placement"]:
        """The learner's other placements that claim one of this one's sessions on the same days,
        each compared with the timetable in force at the time (`flags`: a proposed change)."""
        others = (
            Placement.objects.filter(learner_id=self.learner_id)
            .exclude(pk=self.pk)
            .claiming_between(self.start_date, self._claim_until())
            .select_related("provider")
            .with_timetables()
        )
        mine = self.timetable_periods(flags=flags, effective_from=effective_from)
        return [p for p in others if clash(mine, p.timetable_periods())]

    def reasons_display(self) -> list[str]:
        labels = dict(ReferralReason.choices)
        return [
            self.referral_other
            if code == ReferralReason.OTHER and self.referral_other
            else labels.get(code, code)
            for code in self.referral_reasons
        ]

    # Lifecycle ---------------------------------------------------------------

    def approval(self) -> ProviderApproval | None:
        return ProviderApproval.objects.filter(provider_id=self.provider_id, school_id=self.school_id).first()

    def lapsed_approval(self, *, today: date | None = None) -> str:
        """While active: why and since when the school's approval of the provider has lapsed ("" if it holds).

        In words, for the placement page ("Approval of X lapsed on Tuesday 1 December 2026: ...").

        It names the provider and the evidence, never the learner, so every
        role that may see the placement may read it.
        """
        if self.status != Status.ACTIVE:
            return ""
        approval = self.approval()
        if approval is None or approval.is_withdrawn:
            return ""
        causes = self.provider.lapse_causes(
            EvidenceType.objects.filter(mandatory=True), today=today or timezone.localdate()
        )
        if not causes:
            return ""
        approval.provider = self.provider
        return approval.describe_lapse(causes, naming_provider=True, in_words=True)

    def activation_problems(self, *, today: date | None = None, sees_needs: bool = True) -> list[str]:
        """Every reason the placement cannot become active (DESIGN: the placement lifecycle),
        each saying what to do about it.

        With `sees_needs` False (a role that may not see the learner's needs)
        a reason drawn from them is said as a check for the head teacher.
        """
        from .providers import EvidenceType

        today = today or timezone.localdate()
        problems = []
        if self.status != Status.AGREED:
            problems.append(
                f"The placement is {self.get_status_display().lower()}; only an agreed one can start. "
                "Agree the placement first."
            )
        approval = self.approval()
        if approval is None or approval.is_withdrawn:
            problems.append(
                f"{self.provider} is not approved by {self.school}'s DSL. Ask the DSL to approve the "
                "provider on the provider page, then activate."
            )
        types = list(EvidenceType.objects.all())
        for problem in self.provider.evidence_problems(types, today=today):
            problems.append(
                f"Provider evidence – {problem}. Record the current one on the provider page, then activate."
            )
        if self.learner.behaviour_risk_assessment and not self.provider.team_teach_trained:
            problems.append(
                "The learner has a behaviour risk assessment and the provider has no Team Teach "
                "(or equivalent) trained staff. Choose a provider with Team Teach trained staff, or "
                "record their training on the provider page."
                if sees_needs
                else NEEDS_CHECK
            )
        if self.sessions_per_week == 0:
            problems.append(
                "The timetable has no sessions. Tick its sessions in Edit details, then activate."
            )
        for other in self.session_clashes():
            problems.append(
                f"The timetable clashes with the learner's placement at {other.provider}. Change one of "
                "the timetables so no session is claimed twice, then activate."
            )
        problems.extend(self.document_problems())
        return problems

    def document_problems(self) -> list[str]:
        """DESIGN.md "The placement lifecycle": the agreement and the contract must be signed (frozen)."""
        from .agreements import Agreement, ParentContract

        problems = []
        for model, words, signers in (
            (Agreement, "agreement", "the head teacher and the provider"),
            (ParentContract, "parent/carer contract", "each parent/carer with parental responsibility"),
        ):
            current = model.objects.filter(placement=self).order_by("-version").first()
            if current is None or not current.is_frozen:
                problems.append(
                    f"The {words} is not signed. Send the {words} for signature on the placement's "
                    f"Agreement and contract page; once {signers} have signed, activate."
                )
        return problems

    def _lock(self) -> None:
        """Lock the row for this transition: a double click or two users at once change it once."""
        current = (
            Placement.objects.select_for_update().filter(pk=self.pk).values_list("status", flat=True).get()
        )
        if current != self.status:
            now = Status(current).label.lower()
            raise TransitionError([f"Someone else has just made this placement {now}: reload the page."])

    def _change_status(self, to: str, *, by, note: str = "", fields: list[str]) -> None:
        previous = self.status
        self.status = to
        self._history_user = by
        self.save(update_fields=["status", *fields])
        StatusChange.objects.create(
            placement=self, from_status=previous, to_status=to, changed_by=by, note=note
        )

    @transaction.atomic
    def record_planning_meeting(
        self,
        *,
        by,
        on: date,
        attendees: str,
        parents_attended: bool,
        learner_attended: bool,
        provider_attended: bool,
        reasons_explained: bool,
        notes: str = "",
    ) -> None:
        self._lock()
        problems = []
        if self.status != Status.REFERRED:
            problems.append("A planning meeting is recorded for a referred placement only.")
        # Policy, Referral Process: parents/carers fully involved; reasons explained.
        if not reasons_explained:
            problems.append(
                "The reasons for the placement must be explained to the learner and parents/carers."
            )
        if problems:
            raise TransitionError(problems)
        self.meeting_date = on
        self.meeting_attendees = attendees
        self.meeting_parents_attended = parents_attended
        self.meeting_learner_attended = learner_attended
        self.meeting_provider_attended = provider_attended
        self.meeting_reasons_explained = reasons_explained
        self.meeting_notes = notes
        self._change_status(
            Status.PLANNING,
            by=by,
            note=f"Meeting on {on:%d/%m/%Y}",
            fields=[
                "meeting_date",
                "meeting_attendees",
                "meeting_parents_attended",
                "meeting_learner_attended",
                "meeting_provider_attended",
                "meeting_reasons_explained",
                "meeting_notes",
            ],
        )

    @transaction.atomic
    def agree(self, *, by, note: str = "") -> None:
        self._lock()
        problems = []
        if self.status != Status.PLANNING:
            problems.append("A placement is agreed after its planning meeting.")
        if not self.targets.exists():
            problems.append("Agree at least one target (policy: impact is measured against agreed targets).")
        if self.sessions_per_week == 0:
            problems.append("The timetable has no sessions.")
        for other in self.session_clashes():
            problems.append(f"The timetable clashes with the learner's placement at {other.provider}.")
        problems.extend(self.part_time_problems())
        if problems:
            raise TransitionError(problems)
        self._change_status(Status.AGREED, by=by, note=note, fields=[])

    @transaction.atomic
    def activate(self, *, by, today: date | None = None, note: str = "") -> None:
        self._lock()
        problems = self.activation_problems(today=today)
        if problems:
            raise TransitionError(problems)
        self.activated_on = today or timezone.localdate()
        self._change_status(Status.ACTIVE, by=by, note=note, fields=["activated_on"])
        self._schedule_changed(self.start_date)

    @transaction.atomic
    def end(self, *, by, on: date, reason: str, note: str = "") -> None:
        self._lock()
        problems = []
        if self.status != Status.ACTIVE:
            problems.append("Only an active placement can end.")
        if reason not in EndReason.values:
            problems.append("Choose why the placement ended.")
        if on < self.start_date:
            problems.append("The end date cannot be before the start date.")
        if problems:
            raise TransitionError(problems)
        self.end_date = on
        self.end_reason = reason
        self._change_status(Status.ENDED, by=by, note=note, fields=["end_date", "end_reason"])
        self._schedule_changed(self.start_date)

    @transaction.atomic
    def cease(self, *, by, on: date, reason: str) -> None:
        self._lock()
        problems = []
        if self.status not in OPEN_STATUSES:
            problems.append("This placement has already finished.")
        if not reason.strip():
            problems.append("Give the reason for ceasing the placement.")
        if on < self.start_date and self.status == Status.ACTIVE:
            problems.append("The end date cannot be before the start date.")
        if problems:
            raise TransitionError(problems)
        self.end_date = max(on, self.start_date)
        self.ceased_reason = reason
        self._change_status(Status.CEASED, by=by, note=reason, fields=["end_date", "ceased_reason"])
        self._schedule_changed(self.start_date)

    def timetable_change_problems(self, effective_from: date | None, *, today: date) -> list[str]:
        """Why an active placement's sessions cannot change from `effective_from`, if they cannot."""
        if effective_from is None:
            return ["Say from which day the new sessions apply."]
        if effective_from < today:
            return ["Sessions already past cannot be changed: choose today or a later day."]
        if effective_from < self.start_date:
            return ["The new sessions cannot apply before the placement starts."]
        return []

    @transaction.atomic
    def set_timetable(
        self, flags: dict[str, bool], *, by, effective_from: date | None = None, today: date | None = None
    ) -> PlacementTimetable:
        """Give the placement these weekly sessions.

        Before activation a placement has one timetable, from its start date,
        and an edit replaces it. Once active, the change applies from
        `effective_from` (today or later, not before the start) on: the days
        before keep the sessions they had, so their marks stay expected.
        A change planned for a later day gives way to this one.
        """
        today = today or timezone.localdate()
        if self.status in (Status.ENDED, Status.CEASED):
            raise TransitionError(["A placement that has finished cannot be changed."])
        if self.status == Status.ACTIVE:
            self._lock()
            problems = self.timetable_change_problems(effective_from, today=today)
            if problems:
                raise TransitionError(problems)
            self.timetables.filter(effective_from__gt=effective_from).delete()
        else:
            effective_from = self.start_date
            self.timetables.exclude(effective_from=effective_from).delete()
        version, _ = PlacementTimetable.objects.update_or_create(
            placement=self,
            effective_from=effective_from,
            defaults={
                **{name: bool(flags.get(name)) for name in SESSION_FIELDS},
                "created_by": by,
                "created_at": timezone.now(),
            },
        )
        getattr(self, "_prefetched_objects_cache", {}).pop("timetables", None)
        self._schedule_changed(effective_from)
        return version

    def _schedule_changed(self, start: date) -> None:
        """Its expected sessions from `start` on may have changed: the figures' summary follows."""
        from ..schedule_changes import schedule_changed

        schedule_changed(placement_ids=[self.pk], start=start)

    def authorise_cost(self, *, by) -> None:
        if self.cost_amount is None:
            raise TransitionError(["Enter the cost before authorising it."])
        self.cost_authorised_by = by
        self.cost_authorised_at = timezone.now()
        self._history_user = by
        self.save(update_fields=["cost_authorised_by", "cost_authorised_at"])


class PlacementTarget(models.Model):
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="targets")
    description = models.CharField(max_length=300)
    baseline = models.CharField(max_length=300, help_text="Where the learner is now.")
    measure = models.CharField(max_length=300, help_text="How progress will be measured.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["placement", "pk"]

    def __str__(self) -> str:
        return self.description


class StatusChange(models.Model):
    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=10, choices=Status.choices)
    to_status = models.CharField(max_length=10, choices=Status.choices)
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"
