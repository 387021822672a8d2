from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from altprov.models import Role
from placements.models import (
    Arrangement,
    EndReason,
    EvidenceStatus,
    EvidenceType,
    Placement,
    RegistrationCategory,
    SenStatus,
    Status,
    StatusChange,
    TransitionError,
)
from placements.models.timetables import SESSION_FIELDS, WEEKDAYS
from tests.factories import (
    EvidenceItemFactory,
    LearnerFactory,
    MembershipFactory,
    PlacementFactory,
    PlacementTargetFactory,
    ProviderApprovalFactory,
    ProviderFactory,
    ProviderReviewFactory,
    TermFactory,
    approved_provider,
    complete_evidence,
    signed_documents,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 10, 5)
APPROVE = "Ask the DSL to approve the provider on the provider page, then activate."


@contextmanager
def refused_by_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        yield


def evidence_types():
    return list(EvidenceType.objects.all())


# Database constraints ---------------------------------------------------------


def test_term_ending_before_it_starts_is_refused(school):
    with refused_by_database():
        TermFactory(
            school=school,
            start_date=date(2026, 12, 18),
            end_date=date(2026, 9, 2),
            half_term_start=date(2026, 10, 26),
            half_term_end=date(2026, 10, 30),
        )


@pytest.mark.parametrize(
    ("half_term_start", "half_term_end"),
    [
        (date(2026, 9, 2), date(2026, 9, 4)),  # starts on the first day of term
        (date(2026, 12, 14), date(2026, 12, 18)),  # ends on the last day of term
        (date(2026, 10, 30), date(2026, 10, 26)),  # ends before it starts
        (date(2027, 1, 4), date(2027, 1, 8)),  # after the term
    ],
)
def test_half_term_outside_the_term_is_refused(school, half_term_start, half_term_end):
    with refused_by_database():
        TermFactory(school=school, half_term_start=half_term_start, half_term_end=half_term_end)


def test_second_term_of_the_same_name_in_a_school_year_is_refused(school):
    TermFactory(school=school)
    with refused_by_database():
        TermFactory(school=school)


def test_badly_written_school_year_is_refused(school):
    with refused_by_database():
        TermFactory(school=school, school_year="2026-27")


def test_same_term_at_two_schools_is_allowed(school, other_school):
    TermFactory(school=school)
    TermFactory(school=other_school)


def test_duplicate_upn_at_one_school_is_refused(school):
    learner = LearnerFactory(school=school)
    with refused_by_database():
        LearnerFactory(school=school, upn=learner.upn)


def test_the_same_upn_at_two_schools_is_allowed(school, other_school):
    # A trust may hold one learner at two of its schools.
    learner = LearnerFactory(school=school)
    LearnerFactory(school=other_school, upn=learner.upn)


@pytest.mark.parametrize("year_group", [0, 15])
def test_year_group_out_of_range_is_refused(school, year_group):
    with refused_by_database():
        LearnerFactory(school=school, year_group=year_group)


@pytest.mark.parametrize("year_group", [1, 14])
def test_year_groups_1_to_14_are_allowed(school, year_group):
    LearnerFactory(school=school, year_group=year_group)


def test_malformed_upn_is_refused_by_the_database(school):
    with refused_by_database():
        LearnerFactory(school=school, upn="h801200001001")


def test_behaviour_risk_assessment_without_date_is_refused(school):
    with refused_by_database():
        LearnerFactory(school=school, behaviour_risk_assessment=True, behaviour_risk_assessment_date=None)


def test_school_category_provider_without_urn_is_refused():
    with refused_by_database():
        ProviderFactory(registration_category=RegistrationCategory.SCHOOL, urn="")


def test_fe_provider_without_ukprn_is_refused():
    with refused_by_database():
        ProviderFactory(registration_category=RegistrationCategory.FE, ukprn="")


def test_registered_school_and_fe_providers_with_references_are_allowed():
    assert ProviderFactory(registered_school=True).reference.startswith("URN ")
    assert ProviderFactory(fe=True).reference.startswith("UKPRN ")
    assert ProviderFactory().reference == "Unregistered"


def test_team_teach_claim_without_evidence_date_is_refused():
    with refused_by_database():
        ProviderFactory(team_teach_trained=True, team_teach_evidence_date=None)


@pytest.mark.parametrize("days", [-1, 0])
def test_evidence_expiring_before_or_on_the_day_received_is_refused(dsl, days):
    with refused_by_database():
        EvidenceItemFactory(checked_by=dsl, date_received=TODAY, expires_on=TODAY + timedelta(days=days))


def test_evidence_without_expiry_is_allowed(dsl):
    item = EvidenceItemFactory(checked_by=dsl, expires_on=None)
    assert item.status(TODAY) == EvidenceStatus.COMPLETE


def test_second_approval_of_a_provider_by_the_same_school_is_refused(school, dsl):
    provider = ProviderFactory()
    ProviderApprovalFactory(provider=provider, school=school, approved_by=dsl)
    with refused_by_database():
        ProviderApprovalFactory(provider=provider, school=school, approved_by=dsl)


def test_each_school_approves_a_provider_for_itself(school, other_school, dsl):
    provider = ProviderFactory()
    ProviderApprovalFactory(provider=provider, school=school, approved_by=dsl)
    ProviderApprovalFactory(provider=provider, school=other_school)
    assert provider.approvals.count() == 2


def test_withdrawing_an_approval_without_a_reason_is_refused(school, dsl):
    with refused_by_database():
        ProviderApprovalFactory(
            school=school, approved_by=dsl, withdrawn_at=timezone.now(), withdrawn_reason=""
        )


def test_provider_review_due_before_it_was_held_is_refused(school, slt):
    with refused_by_database():
        ProviderReviewFactory(
            school=school, reviewer=slt, review_date=TODAY, next_review_due=TODAY - timedelta(days=1)
        )


@pytest.mark.parametrize("days", [0, -7])
def test_placement_target_end_on_or_before_start_is_refused(school, days):
    with refused_by_database():
        PlacementFactory(
            learner__school=school, start_date=TODAY, target_end_date=TODAY + timedelta(days=days)
        )


def test_placement_ending_before_it_started_is_refused(school):
    with refused_by_database():
        PlacementFactory(learner__school=school, start_date=TODAY, end_date=TODAY - timedelta(days=1))


@pytest.mark.parametrize(
    ("end_reason", "end_date"),
    [("", TODAY), (EndReason.COMPLETED, None)],
)
def test_ended_placement_without_reason_or_end_date_is_refused(school, end_reason, end_date):
    with refused_by_database():
        PlacementFactory(
            learner__school=school,
            start_date=TODAY - timedelta(weeks=4),
            status=Status.ENDED,
            end_reason=end_reason,
            end_date=end_date,
        )


def test_ceased_placement_without_reason_is_refused(school):
    with refused_by_database():
        PlacementFactory(
            learner__school=school,
            start_date=TODAY - timedelta(weeks=4),
            status=Status.CEASED,
            ceased_reason="",
            end_date=TODAY,
        )


@pytest.mark.parametrize(
    ("am_hours", "pm_hours"), [(Decimal("0"), Decimal("2.5")), (Decimal("3"), Decimal("5.5"))]
)
def test_session_hours_outside_0_to_5_are_refused(school, am_hours, pm_hours):
    with refused_by_database():
        PlacementFactory(learner__school=school, am_hours=am_hours, pm_hours=pm_hours)


def test_authorised_cost_without_amount_is_refused(school, head):
    with refused_by_database():
        PlacementFactory(learner__school=school, cost_authorised_by=head, cost_amount=None)


def test_duplicate_membership_role_is_refused(school, pastoral):
    with refused_by_database():
        MembershipFactory(user=pastoral, school=school, role=Role.PASTORAL)


def test_second_role_at_the_same_school_is_allowed(school, pastoral):
    MembershipFactory(user=pastoral, school=school, role=Role.SENDCO)
    assert pastoral.memberships.count() == 2


def test_unknown_membership_role_is_refused(school, pastoral):
    with refused_by_database():
        MembershipFactory(user=pastoral, school=school, role="governor")


# Evidence status --------------------------------------------------------------


@pytest.fixture
def provider_with_evidence(dsl):
    provider = ProviderFactory()
    complete_evidence(provider, dsl, TODAY)
    return provider


def replace_item(provider, code, dsl, *, received, expires):
    return EvidenceItemFactory(
        provider=provider,
        evidence_type=EvidenceType.objects.get(code=code),
        checked_by=dsl,
        date_received=received,
        expires_on=expires,
    )


def test_evidence_is_complete_when_every_mandatory_item_is_current(provider_with_evidence):
    assert provider_with_evidence.evidence_status(evidence_types(), today=TODAY) == EvidenceStatus.COMPLETE
    assert provider_with_evidence.evidence_problems(evidence_types(), today=TODAY) == []


def test_optional_evidence_missing_leaves_evidence_complete(provider_with_evidence):
    summary = provider_with_evidence.evidence_summary(evidence_types(), today=TODAY)
    optional = [row for row in summary if not row["type"].mandatory]
    assert optional and all(row["status"] == EvidenceStatus.MISSING for row in optional)
    assert provider_with_evidence.evidence_status(evidence_types(), today=TODAY) == EvidenceStatus.COMPLETE


@pytest.mark.parametrize("days_left", [0, 10, 30])
def test_evidence_expiring_within_30_days_is_expiring(provider_with_evidence, dsl, days_left):
    replace_item(
        provider_with_evidence,
        "insurance",
        dsl,
        received=TODAY - timedelta(days=1),
        expires=TODAY + timedelta(days=days_left),
    )
    assert provider_with_evidence.evidence_status(evidence_types(), today=TODAY) == EvidenceStatus.EXPIRING
    # Expiring still allows placements: it is a warning, not a problem.
    assert provider_with_evidence.evidence_problems(evidence_types(), today=TODAY) == []


def test_evidence_expiring_in_31_days_is_complete(provider_with_evidence, dsl):
    replace_item(
        provider_with_evidence,
        "insurance",
        dsl,
        received=TODAY - timedelta(days=1),
        expires=TODAY + timedelta(days=31),
    )
    assert provider_with_evidence.evidence_status(evidence_types(), today=TODAY) == EvidenceStatus.COMPLETE


def test_evidence_past_its_expiry_is_expired(provider_with_evidence):
    insurance = provider_with_evidence.evidence_items.get(evidence_type__code="insurance")
    insurance.expires_on = TODAY - timedelta(days=1)
    insurance.save()
    assert provider_with_evidence.evidence_status(evidence_types(), today=TODAY) == EvidenceStatus.EXPIRED
    assert provider_with_evidence.evidence_problems(evidence_types(), today=TODAY) == [
        "Employer's and public liability insurance: expired"
    ]


def test_mandatory_evidence_never_received_is_missing(provider_with_evidence):
    provider_with_evidence.evidence_items.filter(evidence_type__code="risk-assessments").delete()
    assert provider_with_evidence.evidence_status(evidence_types(), today=TODAY) == EvidenceStatus.MISSING
    assert provider_with_evidence.evidence_problems(evidence_types(), today=TODAY) == [
        "Risk assessments: missing"
    ]


def test_provider_with_no_evidence_is_missing():
    assert ProviderFactory().evidence_status(evidence_types(), today=TODAY) == EvidenceStatus.MISSING


def test_worst_mandatory_item_sets_the_status(provider_with_evidence):
    items = provider_with_evidence.evidence_items
    items.filter(evidence_type__code="insurance").update(expires_on=TODAY + timedelta(days=5))
    assert provider_with_evidence.evidence_status(evidence_types(), today=TODAY) == EvidenceStatus.EXPIRING
    items.filter(evidence_type__code="behaviour-policy").update(expires_on=TODAY - timedelta(days=5))
    assert provider_with_evidence.evidence_status(evidence_types(), today=TODAY) == EvidenceStatus.EXPIRED
    items.filter(evidence_type__code="risk-assessments").delete()
    assert provider_with_evidence.evidence_status(evidence_types(), today=TODAY) == EvidenceStatus.MISSING


def test_latest_item_of_a_type_counts_not_an_older_expired_one(provider_with_evidence, dsl):
    provider_with_evidence.evidence_items.filter(evidence_type__code="insurance").update(
        expires_on=TODAY - timedelta(days=1)
    )
    renewed = replace_item(
        provider_with_evidence, "insurance", dsl, received=TODAY, expires=TODAY + timedelta(days=365)
    )
    summary = provider_with_evidence.evidence_summary(evidence_types(), today=TODAY)
    row = next(row for row in summary if row["type"].code == "insurance")
    assert row["item"] == renewed
    assert provider_with_evidence.evidence_status(evidence_types(), today=TODAY) == EvidenceStatus.COMPLETE


def test_latest_item_of_a_type_counts_even_when_it_is_worse(provider_with_evidence, dsl):
    replace_item(
        provider_with_evidence,
        "insurance",
        dsl,
        received=TODAY - timedelta(days=1),
        expires=TODAY + timedelta(days=7),
    )
    assert provider_with_evidence.evidence_status(evidence_types(), today=TODAY) == EvidenceStatus.EXPIRING


# Lifecycle --------------------------------------------------------------------


@pytest.fixture
def provider(school, dsl):
    return approved_provider(school, dsl, TODAY)


@pytest.fixture
def learner(school):
    return LearnerFactory(school=school)


def make_placement(learner, provider, status=Status.REFERRED, **kwargs):
    kwargs.setdefault("start_date", TODAY)
    placement = PlacementFactory(learner=learner, provider=provider, status=status, **kwargs)
    # Signed documents, so each test is about its own refusal (tests/placements/test_agreements.py
    # has theirs).
    signed_documents(placement)
    return placement


def planning_meeting(placement, by, **overrides):
    details = {
        "by": by,
        "on": TODAY - timedelta(days=14),
        "attendees": "Learner, mother, provider lead, pastoral lead",
        "parents_attended": True,
        "learner_attended": True,
        "provider_attended": True,
        "reasons_explained": True,
        "notes": "Mornings at the workshop; afternoons in school.",
    }
    placement.record_planning_meeting(**{**details, **overrides})


def test_planning_meeting_is_refused_until_reasons_are_explained(learner, provider, pastoral):
    placement = make_placement(learner, provider)
    with pytest.raises(TransitionError) as refused:
        planning_meeting(placement, pastoral, reasons_explained=False)
    assert refused.value.reasons == [
        "The reasons for the placement must be explained to the learner and parents/carers."
    ]
    placement.refresh_from_db()
    assert placement.status == Status.REFERRED
    assert placement.meeting_date is None


def test_planning_meeting_records_who_attended_and_moves_to_planning(learner, provider, pastoral):
    placement = make_placement(learner, provider)
    planning_meeting(placement, pastoral)
    placement.refresh_from_db()
    assert placement.status == Status.PLANNING
    assert placement.meeting_date == TODAY - timedelta(days=14)
    assert placement.meeting_parents_attended and placement.meeting_reasons_explained
    change = placement.status_changes.get()
    assert (change.from_status, change.to_status, change.changed_by) == (
        Status.REFERRED,
        Status.PLANNING,
        pastoral,
    )


def test_agreement_is_refused_without_a_target(learner, provider, slt):
    placement = make_placement(learner, provider, Status.PLANNING)
    with pytest.raises(TransitionError) as refused:
        placement.agree(by=slt)
    assert refused.value.reasons == [
        "Agree at least one target (policy: impact is measured against agreed targets)."
    ]
    placement.refresh_from_db()
    assert placement.status == Status.PLANNING


def test_agreement_with_a_target_moves_to_agreed(learner, provider, slt):
    placement = make_placement(learner, provider, Status.PLANNING)
    PlacementTargetFactory(placement=placement)
    placement.agree(by=slt, note="Agreement signed")
    placement.refresh_from_db()
    assert placement.status == Status.AGREED
    assert placement.status_changes.get().note == "Agreement signed"


def test_agreement_is_refused_for_an_undocumented_part_time_timetable(learner, provider, slt):
    placement = make_placement(learner, provider, Status.PLANNING, rest_of_week_at_school=False)
    PlacementTargetFactory(placement=placement)
    with pytest.raises(TransitionError) as refused:
        placement.agree(by=slt)
    assert refused.value.reasons == [
        "Part-time timetable (6.0 hours a week) without parental agreement, a time limit, a review date."
    ]


def test_agreement_is_refused_for_an_empty_timetable(learner, provider, slt):
    placement = make_placement(learner, provider, Status.PLANNING, mon_am=False, tue_am=False)
    PlacementTargetFactory(placement=placement)
    with pytest.raises(TransitionError) as refused:
        placement.agree(by=slt)
    assert refused.value.reasons == ["The timetable has no sessions."]


def test_activation_succeeds_and_records_the_status_change(learner, provider, slt):
    placement = make_placement(learner, provider, Status.AGREED)
    assert placement.activation_problems(today=TODAY) == []
    placement.activate(by=slt, today=TODAY, note="Started")
    placement.refresh_from_db()
    assert placement.status == Status.ACTIVE
    change = StatusChange.objects.get(placement=placement)
    assert (change.from_status, change.to_status, change.changed_by, change.note) == (
        Status.AGREED,
        Status.ACTIVE,
        slt,
        "Started",
    )
    assert placement.history.first().history_user == slt


def test_activation_is_refused_listing_every_reason_at_once(school, dsl, slt):
    learner = LearnerFactory(
        school=school,
        behaviour_risk_assessment=True,
        behaviour_risk_assessment_date=TODAY - timedelta(days=30),
    )
    provider = ProviderFactory(name="Riverside Skills")
    complete_evidence(provider, dsl, TODAY)
    provider.evidence_items.filter(evidence_type__code="insurance").update(
        expires_on=TODAY - timedelta(days=1)
    )
    provider.evidence_items.filter(evidence_type__code="risk-assessments").delete()
    elsewhere = approved_provider(school, dsl, TODAY, name="Hilltop Farm")
    make_placement(learner, elsewhere, Status.ACTIVE, start_date=TODAY - timedelta(weeks=2))
    placement = make_placement(learner, provider, Status.AGREED)

    with pytest.raises(TransitionError) as refused:
        placement.activate(by=slt, today=TODAY)

    assert refused.value.reasons == [
        "Riverside Skills is not approved by Northfield Academy's DSL. Ask the DSL to approve the "
        "provider on the provider page, then activate.",
        "Provider evidence – Risk assessments: missing. Record the current one on the provider page, "
        "then activate.",
        "Provider evidence – Employer's and public liability insurance: expired. Record the current one "
        "on the provider page, then activate.",
        "The learner has a behaviour risk assessment and the provider has no Team Teach "
        "(or equivalent) trained staff. Choose a provider with Team Teach trained staff, or record "
        "their training on the provider page.",
        "The timetable clashes with the learner's placement at Hilltop Farm. Change one of the "
        "timetables so no session is claimed twice, then activate.",
    ]
    placement.refresh_from_db()
    assert placement.status == Status.AGREED
    assert not placement.status_changes.exists()


def test_activation_is_refused_when_approval_is_withdrawn(learner, provider, school, slt):
    provider.approvals.filter(school=school).update(
        withdrawn_at=timezone.now(), withdrawn_reason="Insurance lapsed"
    )
    placement = make_placement(learner, provider, Status.AGREED)
    assert placement.activation_problems(today=TODAY) == [
        f"{provider} is not approved by Northfield Academy's DSL. {APPROVE}"
    ]


def test_activation_is_refused_when_only_another_school_approved_the_provider(
    learner, other_school, other_head, slt
):
    provider = approved_provider(other_school, other_head, TODAY)
    placement = make_placement(learner, provider, Status.AGREED)
    with pytest.raises(TransitionError) as refused:
        placement.activate(by=slt, today=TODAY)
    assert refused.value.reasons == [f"{provider} is not approved by Northfield Academy's DSL. {APPROVE}"]


def test_activation_refused_when_insurance_expired(learner, provider, slt):
    provider.evidence_items.filter(evidence_type__code="insurance").update(
        expires_on=TODAY - timedelta(days=1)
    )
    placement = make_placement(learner, provider, Status.AGREED)
    with pytest.raises(TransitionError) as refused:
        placement.activate(by=slt, today=TODAY)
    assert refused.value.reasons == [
        "Provider evidence – Employer's and public liability insurance: expired. Record the current one "
        "on the provider page, then activate."
    ]


def test_activation_allowed_with_risk_assessment_at_a_team_teach_provider(school, provider, slt):
    learner = LearnerFactory(
        school=school,
        behaviour_risk_assessment=True,
        behaviour_risk_assessment_date=TODAY - timedelta(days=30),
    )
    placement = make_placement(learner, provider, Status.AGREED)
    placement.activate(by=slt, today=TODAY)
    assert placement.status == Status.ACTIVE


def test_sessions_that_do_not_overlap_do_not_clash(school, dsl, learner, provider, slt):
    elsewhere = approved_provider(school, dsl, TODAY)
    make_placement(learner, elsewhere, Status.ACTIVE, mon_am=False, tue_am=False, wed_am=True, thu_am=True)
    placement = make_placement(learner, provider, Status.AGREED)
    assert placement.session_clashes() == []
    placement.activate(by=slt, today=TODAY)


def test_placement_that_ended_before_this_one_starts_does_not_clash(school, dsl, learner, provider):
    elsewhere = approved_provider(school, dsl, TODAY)
    make_placement(
        learner,
        elsewhere,
        Status.ACTIVE,
        start_date=TODAY - timedelta(weeks=20),
        end_date=TODAY - timedelta(days=1),
    )
    make_placement(
        learner,
        elsewhere,
        Status.ENDED,
        start_date=TODAY,
        end_date=TODAY + timedelta(weeks=1),
        end_reason=EndReason.COMPLETED,
    )
    placement = make_placement(learner, provider, Status.AGREED)
    assert placement.session_clashes() == []


def test_active_placement_running_past_its_target_end_date_still_clashes(school, dsl, learner, provider, slt):
    elsewhere = approved_provider(school, dsl, TODAY, name="Hilltop Farm")
    overrunning = make_placement(
        learner,
        elsewhere,
        Status.ACTIVE,
        start_date=TODAY - timedelta(weeks=20),
        target_end_date=TODAY - timedelta(weeks=2),
    )
    assert Placement.objects.active(on=TODAY).filter(pk=overrunning.pk).exists()
    placement = make_placement(learner, provider, Status.AGREED)
    assert placement.session_clashes() == [overrunning]


def test_another_learners_placement_does_not_clash(school, learner, provider):
    make_placement(LearnerFactory(school=school), provider, Status.ACTIVE)
    placement = make_placement(learner, provider, Status.AGREED)
    assert placement.session_clashes() == []


@pytest.fixture
def active(learner, provider):
    return make_placement(learner, provider, Status.ACTIVE, start_date=TODAY - timedelta(weeks=6))


def test_ending_needs_a_reason(active, slt):
    with pytest.raises(TransitionError) as refused:
        active.end(by=slt, on=TODAY, reason="")
    assert refused.value.reasons == ["Choose why the placement ended."]
    active.refresh_from_db()
    assert active.status == Status.ACTIVE and active.end_date is None


def test_ending_before_the_start_date_is_refused(active, slt):
    with pytest.raises(TransitionError) as refused:
        active.end(by=slt, on=active.start_date - timedelta(days=1), reason=EndReason.REINTEGRATED)
    assert refused.value.reasons == ["The end date cannot be before the start date."]


def test_ending_records_reason_date_and_status_change(active, slt):
    active.end(by=slt, on=TODAY, reason=EndReason.REINTEGRATED, note="Back full-time")
    active.refresh_from_db()
    assert (active.status, active.end_date, active.end_reason) == (
        Status.ENDED,
        TODAY,
        EndReason.REINTEGRATED,
    )
    change = active.status_changes.get()
    assert (change.from_status, change.to_status, change.note) == (
        Status.ACTIVE,
        Status.ENDED,
        "Back full-time",
    )


def test_ceasing_records_reason_and_end_date(active, slt):
    active.cease(by=slt, on=TODAY, reason="Serious incident on 2 October")
    active.refresh_from_db()
    assert (active.status, active.end_date, active.ceased_reason) == (
        Status.CEASED,
        TODAY,
        "Serious incident on 2 October",
    )
    assert active.status_changes.get().note == "Serious incident on 2 October"


def test_ceasing_needs_a_reason(active, slt):
    with pytest.raises(TransitionError) as refused:
        active.cease(by=slt, on=TODAY, reason="  ")
    assert refused.value.reasons == ["Give the reason for ceasing the placement."]


def test_ceasing_a_placement_before_it_starts_ends_it_on_its_start_date(learner, provider, slt):
    placement = make_placement(learner, provider, Status.AGREED, start_date=TODAY + timedelta(weeks=2))
    placement.cease(by=slt, on=TODAY, reason="Family moved away")
    placement.refresh_from_db()
    assert (placement.status, placement.end_date) == (Status.CEASED, placement.start_date)


@pytest.mark.parametrize(
    ("status", "step"),
    [
        (Status.PLANNING, "planning_meeting"),
        (Status.ACTIVE, "planning_meeting"),
        (Status.REFERRED, "agree"),
        (Status.ACTIVE, "agree"),
        (Status.REFERRED, "activate"),
        (Status.PLANNING, "activate"),
        (Status.ACTIVE, "activate"),
        (Status.AGREED, "end"),
        (Status.REFERRED, "end"),
        (Status.ENDED, "end"),
        (Status.ENDED, "cease"),
        (Status.CEASED, "cease"),
    ],
)
def test_step_from_the_wrong_status_raises_transition_error(learner, provider, slt, status, step):
    extra = {}
    if status == Status.ENDED:
        extra = {"end_date": TODAY, "end_reason": EndReason.COMPLETED}
    elif status == Status.CEASED:
        extra = {"end_date": TODAY, "ceased_reason": "Incident"}
    placement = make_placement(learner, provider, status, start_date=TODAY - timedelta(weeks=4), **extra)
    PlacementTargetFactory(placement=placement)
    steps = {
        "planning_meeting": lambda: planning_meeting(placement, slt),
        "agree": lambda: placement.agree(by=slt),
        "activate": lambda: placement.activate(by=slt, today=TODAY),
        "end": lambda: placement.end(by=slt, on=TODAY, reason=EndReason.COMPLETED),
        "cease": lambda: placement.cease(by=slt, on=TODAY, reason="Incident"),
    }
    with pytest.raises(TransitionError) as refused:
        steps[step]()
    assert len(refused.value.reasons) == 1
    assert Placement.objects.get(pk=placement.pk).status == status
    assert not StatusChange.objects.exists()


def test_cost_cannot_be_authorised_before_it_is_entered(active, head):
    with pytest.raises(TransitionError) as refused:
        active.authorise_cost(by=head)
    assert refused.value.reasons == ["Enter the cost before authorising it."]


def test_authorising_a_cost_records_who_and_when(active, head):
    active.cost_amount = Decimal("45.00")
    active.save()
    active.authorise_cost(by=head)
    active.refresh_from_db()
    assert active.cost_authorised_by == head
    assert active.cost_authorised_at is not None


# Timetable, codes and warnings -------------------------------------------------


def test_weekly_hours_count_am_and_pm_sessions(slt):
    placement = PlacementFactory()
    assert placement.sessions_per_week == 2
    assert placement.weekly_hours == Decimal("6.0")
    placement.set_timetable({"mon_am": True, "tue_am": True, "wed_pm": True}, by=slt)
    assert placement.weekly_hours == Decimal("8.5")
    placement.am_hours, placement.pm_hours = Decimal("2.5"), Decimal("2.0")
    assert placement.weekly_hours == Decimal("7.0")


def test_empty_timetable_has_no_hours():
    placement = PlacementFactory(mon_am=False, tue_am=False)
    assert placement.sessions_per_week == 0
    assert placement.weekly_hours == 0


@pytest.mark.parametrize(
    ("arrangement", "code"),
    [(Arrangement.SCHOOL, "B"), (Arrangement.LA, "K"), (Arrangement.DUAL, "D")],
)
def test_attended_code_follows_who_arranged_the_provision(arrangement, code):
    assert PlacementFactory.build(arrangement=arrangement).attended_code == code


def test_placement_beside_school_timetable_is_not_part_time():
    placement = PlacementFactory.build(rest_of_week_at_school=True)
    assert not placement.is_part_time_timetable
    assert placement.part_time_problems() == []


def test_full_week_at_the_provider_is_not_part_time():
    placement = PlacementFactory(rest_of_week_at_school=False, **dict.fromkeys(SESSION_FIELDS, True))
    assert placement.weekly_hours == Decimal("27.5")
    assert not placement.is_part_time_timetable


def test_part_time_timetable_lists_everything_missing():
    placement = PlacementFactory(rest_of_week_at_school=False, parental_agreement_date=TODAY)
    assert placement.is_part_time_timetable
    assert placement.part_time_problems() == [
        "Part-time timetable (6.0 hours a week) without a time limit, a review date."
    ]


def test_documented_part_time_timetable_has_no_problems():
    placement = PlacementFactory.build(
        rest_of_week_at_school=False,
        parental_agreement_date=TODAY,
        part_time_until=TODAY + timedelta(weeks=6),
        part_time_review_date=TODAY + timedelta(weeks=3),
    )
    assert placement.part_time_problems() == []


def twenty_hours(**learner_fields):
    learner = LearnerFactory(**learner_fields)
    # Five mornings (15 h) and two afternoons (5 h).
    return {"learner": learner, "mon_pm": True, "tue_pm": True, **{f"{day}_am": True for day in WEEKDAYS}}


@pytest.mark.parametrize(
    ("learner_fields", "who"),
    [({"looked_after": True}, "looked-after"), ({"sen_status": SenStatus.EHCP}, "has an EHC plan")],
)
def test_registration_warning_for_looked_after_or_ehcp_learner_over_18_hours(learner_fields, who):
    provider = ProviderFactory(name="Hilltop Farm")
    placement = PlacementFactory(provider=provider, **twenty_hours(**learner_fields))
    assert placement.weekly_hours == Decimal("20.0")
    [warning] = placement.registration_warnings()
    assert warning.startswith(
        f"Hilltop Farm is unregistered, and this learner ({who}) is timetabled there for 20.0"
    )


def test_no_registration_warning_at_exactly_18_hours():
    provider = ProviderFactory()
    placement = PlacementFactory(
        provider=provider,
        learner=LearnerFactory(looked_after=True),
        am_hours=Decimal("3.6"),
        **{f"{day}_am": True for day in WEEKDAYS},
    )
    assert placement.weekly_hours == Decimal("18")
    assert placement.registration_warnings() == []


def test_no_registration_warning_for_a_learner_without_lac_or_ehcp_status():
    provider = ProviderFactory()
    placement = PlacementFactory(provider=provider, **twenty_hours(sen_status=SenStatus.SUPPORT))
    assert placement.registration_warnings() == []


@pytest.mark.parametrize("trait", ["registered_school", "fe"])
def test_no_registration_warning_at_a_registered_provider(trait):
    provider = ProviderFactory(**{trait: True})
    placement = PlacementFactory(provider=provider, **twenty_hours(looked_after=True))
    assert placement.registration_warnings() == []


# History ----------------------------------------------------------------------


def test_changing_a_learner_keeps_the_old_value_in_history(school, pastoral):
    learner = LearnerFactory(school=school, legal_last_name="Ahmed", year_group=9)
    learner.legal_last_name = "Ahmed-Clarke"
    learner.year_group = 10
    learner._history_user = pastoral
    learner.save()

    records = list(learner.history.order_by("history_id"))
    assert [r.history_type for r in records] == ["+", "~"]
    assert (records[0].legal_last_name, records[0].year_group) == ("Ahmed", 9)
    assert (records[1].legal_last_name, records[1].year_group) == ("Ahmed-Clarke", 10)
    assert records[1].history_user == pastoral
    delta = records[1].diff_against(records[0])
    assert sorted(delta.changed_fields) == ["legal_last_name", "year_group"]


def test_status_changes_are_kept_in_placement_history(learner, provider, pastoral):
    placement = make_placement(learner, provider)
    planning_meeting(placement, pastoral)
    assert [r.status for r in placement.history.order_by("history_id")] == [Status.REFERRED, Status.PLANNING]


def test_a_stale_copy_cannot_repeat_a_transition(school, dsl, slt):
    from placements.models import Placement, Status, TransitionError

    from ..factories import LearnerFactory, PlacementFactory, PlacementTargetFactory, approved_provider

    provider = approved_provider(school, dsl, TODAY)
    placement = PlacementFactory(
        learner=LearnerFactory(school=school), provider=provider, status=Status.PLANNING
    )
    PlacementTargetFactory(placement=placement)
    stale = Placement.objects.get(pk=placement.pk)
    placement.agree(by=slt)
    with pytest.raises(TransitionError, match="Someone else"):
        stale.agree(by=slt)
    assert placement.status_changes.count() == 1


def test_evidence_is_judged_by_the_london_date_on_a_server_whose_clock_is_utc(dsl):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import time_machine

    from placements.models import EvidenceStatus, EvidenceType

    from ..factories import EvidenceItemFactory, ProviderFactory

    provider = ProviderFactory()
    EvidenceItemFactory(
        provider=provider, checked_by=dsl, date_received=date(2025, 7, 1), expires_on=date(2026, 6, 30)
    )
    insurance = EvidenceType.objects.filter(code="insurance")
    # 23:30 UTC on 30 June is 00:30 on 1 July in London: the insurance has expired there.
    with time_machine.travel(datetime(2026, 6, 30, 23, 30, tzinfo=ZoneInfo("UTC")), tick=False):
        [row] = provider.evidence_summary(list(insurance))
    assert row["status"] == EvidenceStatus.EXPIRED
