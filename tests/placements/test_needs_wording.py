"""Wording drawn from a learner's needs reaches only the roles that see them; counts are the school's own.

A looked-after learner with an EHC plan and a behaviour risk assessment, placed
full-time at an unregistered provider with no Team Teach staff, makes every
such warning appear. Head, SLT, pastoral, DSL and SENDCo (learner.passport.view
or learner.safeguarding) read why; admin, exams, finance and the board read only
that the head teacher has a check to make.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from altprov.models import Role
from placements.models import SenStatus, Status

from ..factories import LearnerFactory, PlacementFactory, approved_provider

pytestmark = pytest.mark.django_db

FULL_WEEK = {f"{d}_{s}": True for d in ["mon", "tue", "wed", "thu", "fri"] for s in ["am", "pm"]}
SEES_NEEDS = {Role.HEAD, Role.SLT, Role.PASTORAL, Role.DSL, Role.SENDCO}
NOT_NEEDS = {Role.ADMIN, Role.EXAMS, Role.FINANCE, Role.BOARD}
DERIVED = [
    "looked-after",
    "EHC plan",
    "behaviour risk assessment",
    "this learner (",
]


@pytest.fixture
def provider(school, dsl):
    return approved_provider(school, dsl, timezone.localdate(), name="Hilltop Farm", team_teach_trained=False)


@pytest.fixture
def learner(school):
    return LearnerFactory(
        school=school,
        looked_after=True,
        sen_status=SenStatus.EHCP,
        behaviour_risk_assessment=True,
        behaviour_risk_assessment_date=timezone.localdate(),
    )


@pytest.fixture
def agreed(learner, provider):
    return PlacementFactory(learner=learner, provider=provider, status=Status.AGREED, **FULL_WEEK)


@pytest.fixture
def active(provider, school):
    other = LearnerFactory(school=school, looked_after=True)
    return PlacementFactory(learner=other, provider=provider, status=Status.ACTIVE, **FULL_WEEK)


def _body(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("role", sorted(SEES_NEEDS | NOT_NEEDS))
def test_placement_page_words_the_needs_checks_by_role(client, role_user, agreed, active, role):
    body = _body(client, role_user(role), agreed.get_absolute_url())
    if role in SEES_NEEDS:
        assert "this learner (looked-after)" in body
        assert "The learner has a behaviour risk assessment" in body
        assert "are looked-after or have an EHC plan" in body
        assert "needs a check by the head teacher" not in body
    else:
        for phrase in DERIVED:
            assert phrase not in body, f"{role} reads {phrase!r}"
        assert "This placement needs a check by the head teacher." in body
        assert "A placement here needs a check by the head teacher." in body


@pytest.mark.parametrize("role", sorted(SEES_NEEDS | NOT_NEEDS))
def test_provider_page_words_the_registration_rule_by_role(client, role_user, provider, active, role):
    body = _body(client, role_user(role), reverse("placements:provider_detail", args=[provider.pk]))
    if role in SEES_NEEDS:
        assert "1 learner(s) from Northfield Academy placed here full-time are looked-after" in body
    else:
        assert "looked-after" not in body and "EHC plan" not in body
        assert "A placement here needs a check by the head teacher." in body


def test_another_schools_learners_are_not_counted_on_the_provider_page(
    client, other_school, other_head, provider
):
    # Hilltop Farm takes five of Northfield's learners full-time, one looked-after.
    for n in range(5):
        PlacementFactory(
            learner=LearnerFactory(school=provider.approvals.get().school, looked_after=n == 0),
            provider=provider,
            status=Status.ACTIVE,
            **FULL_WEEK,
        )
    body = _body(client, other_head, reverse("placements:provider_detail", args=[provider.pk]))
    assert "Registration:" not in body
    assert "placed here full-time" not in body


def test_the_five_learner_count_is_the_schools_own(client, school, other_school, head, provider):
    PlacementFactory(
        learner=LearnerFactory(school=school), provider=provider, status=Status.ACTIVE, **FULL_WEEK
    )
    for _ in range(4):
        PlacementFactory(
            learner=LearnerFactory(school=other_school), provider=provider, status=Status.ACTIVE, **FULL_WEEK
        )
    body = _body(client, head, reverse("placements:provider_detail", args=[provider.pk]))
    assert "placed here full-time" not in body
    for _ in range(4):
        PlacementFactory(
            learner=LearnerFactory(school=school), provider=provider, status=Status.ACTIVE, **FULL_WEEK
        )
    body = _body(client, head, reverse("placements:provider_detail", args=[provider.pk]))
    assert "5 learners from Northfield Academy are placed here full-time" in body
