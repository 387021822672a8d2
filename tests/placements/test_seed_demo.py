from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from altprov.models import Membership, Role, School, User
from placements.models import (
    Contact,
    EvidenceItem,
    EvidenceStatus,
    EvidenceType,
    Learner,
    Placement,
    PlacementTarget,
    Provider,
    ProviderApproval,
    ProviderSite,
    SchoolClosure,
    Status,
    StatusChange,
    Term,
)
from placements.validators import validate_upn

SEEDED = [
    School,
    User,
    Membership,
    Term,
    SchoolClosure,
    Learner,
    Contact,
    Provider,
    ProviderSite,
    EvidenceItem,
    ProviderApproval,
    Placement,
    PlacementTarget,
    StatusChange,
]
LOGINS = {
    "head": Role.HEAD,
    "slt": Role.SLT,
    "pastoral": Role.PASTORAL,
    "dsl": Role.DSL,
    "sendco": Role.SENDCO,
    "admin": Role.ADMIN,
    "exams": Role.EXAMS,
    "finance": Role.FINANCE,
}


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in SEEDED}


@pytest.mark.django_db
def test_running_twice_duplicates_nothing():
    seed()
    first = counts()
    output = seed()

    assert counts() == first
    assert "http://127.0.0.1:8000/" in output
    for username in [*LOGINS, "board", "head2"]:
        assert username in output
    assert "altprov-demo" in output


@pytest.mark.django_db
def test_main_school_has_the_demo_year_learners_providers_and_placements():
    seed()
    main = School.objects.get(urn="139999")
    second = School.objects.get(name="Birstall Vale Academy")

    assert main.name == "ALP Leicester"
    assert "LE4 4JG" in main.address
    assert main.trust == second.trust != ""
    assert Term.objects.filter(school=main, school_year="2026/27").count() == 3
    assert SchoolClosure.objects.filter(school=main, kind="bank_holiday").count() == 7
    assert SchoolClosure.objects.filter(school=main, kind="inset").count() == 2
    assert Learner.objects.filter(school=main).count() == 40
    assert 0 < Learner.objects.filter(school=second).count() < 10
    assert Provider.objects.count() == 8
    assert Placement.objects.filter(school=main).count() == 30
    assert Placement.objects.filter(school=second).exists()
    statuses = set(Placement.objects.filter(school=main).values_list("status", flat=True))
    assert statuses == set(Status.values)


@pytest.mark.django_db
def test_demo_logins_hold_their_roles():
    seed()
    main = School.objects.get(urn="139999")
    second = School.objects.get(name="Birstall Vale Academy")

    for username, role in LOGINS.items():
        user = User.objects.get(username=username)
        assert user.check_password("altprov-demo")
        assert list(user.memberships.values_list("school", "role")) == [(main.pk, role)]
    board = User.objects.get(username="board")
    assert set(board.memberships.values_list("school", "role")) == {
        (main.pk, Role.BOARD),
        (second.pk, Role.BOARD),
    }
    head2 = User.objects.get(username="head2")
    assert head2.check_password("altprov-demo")
    assert list(head2.memberships.values_list("school", "role")) == [(second.pk, Role.HEAD)]


@pytest.mark.django_db
def test_demo_data_keeps_the_placement_rules():
    seed()
    placements = Placement.objects.select_related("learner", "provider").with_timetables()

    for placement in placements:
        [timetable] = placement.timetable_versions()
        assert timetable.effective_from == placement.start_date and timetable.sessions_per_week > 0
        if placement.status in (Status.AGREED, Status.ACTIVE):
            assert placement.session_clashes() == []
        if placement.status == Status.ACTIVE and placement.learner.behaviour_risk_assessment:
            assert placement.provider.team_teach_trained
        assert placement.part_time_problems() == []
        assert 1 <= placement.targets.count() <= 3
        changes = list(placement.status_changes.order_by("changed_at"))
        if placement.status == Status.REFERRED:
            assert changes == []
        else:
            assert changes[-1].to_status == placement.status
            assert [c.from_status for c in changes[1:]] == [c.to_status for c in changes[:-1]]
            assert placement.meeting_date and placement.meeting_reasons_explained
    assert any(placement.registration_warnings() for placement in placements)


@pytest.mark.django_db
def test_demo_learners_have_valid_upns_and_emergency_contacts():
    seed()

    for learner in Learner.objects.prefetch_related("contacts"):
        validate_upn(learner.upn)
        assert 7 <= learner.year_group <= 11
        contacts = list(learner.contacts.all())
        assert 2 <= len(contacts) <= 3
        assert sum(c.emergency_contact for c in contacts) >= 2
        assert any(c.parental_responsibility for c in contacts)
    learners = Learner.objects.all()
    assert learners.filter(looked_after=True).exists()
    assert learners.filter(has_social_worker=True).exists()
    assert learners.filter(safeguarding_flag=True).count() >= 2
    assert learners.filter(behaviour_risk_assessment=True).exists()


@pytest.mark.django_db
def test_demo_providers_show_each_evidence_state():
    seed()
    types = list(EvidenceType.objects.all())
    today = timezone.localdate()
    providers = Provider.objects.prefetch_related("evidence_items")

    statuses = [provider.evidence_status(types, today=today) for provider in providers]
    assert statuses.count(EvidenceStatus.EXPIRED) == 1
    assert statuses.count(EvidenceStatus.EXPIRING) == 1
    assert statuses.count(EvidenceStatus.COMPLETE) == len(statuses) - 2
    assert providers.filter(team_teach_trained=False).count() == 1
    assert {p.registration_category for p in providers} == {"school", "fe", "non_school"}
    expired = next(p for p, s in zip(providers, statuses, strict=True) if s == EvidenceStatus.EXPIRED)
    assert ProviderApproval.objects.filter(provider=expired, school__urn="139999").exists()


@pytest.mark.django_db
def test_scale_adds_copies_without_duplicating():
    seed()
    main = School.objects.get(urn="139999")
    learners, placements = main.learners.count(), main.placements.count()

    seed(scale=2)
    seed(scale=2)

    assert main.learners.count() == 2 * learners
    assert main.placements.count() == 2 * placements
    assert Provider.objects.count() == 16
    assert Learner.objects.values("upn").distinct().count() == Learner.objects.count()


@pytest.mark.django_db
def test_scale_below_one_is_refused():
    with pytest.raises(CommandError):
        seed(scale=0)
