import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from altprov.models import Role
from altprov.roles import PERMISSIONS, check_perm, has_perm, perms_at, role_map, school_ids

pytestmark = pytest.mark.django_db

# The rights spelled out beside each persona in tests/conftest.py.
PERSONA_RIGHTS = {
    "head": set(PERMISSIONS) - {"provider.approve"},
    "slt": {
        "agreement.edit",
        "agreement.template",
        "monitoring.view",
        "monitoring.visit",
        "monitoring.oversee",
        "monitoring.review",
        "incident.report",
        "incident.decide",
        "concern.raise",
        "school.settings",
        "attendance.view",
        "attendance.record",
        "attendance.contact",
        "attendance.intervene",
        "attendance.export",
        "learner.view",
        "learner.edit",
        "learner.passport.view",
        "learner.attainment.edit",
        "provider.view",
        "provider.edit",
        "provider.evidence",
        "provider.review",
        "calendar.view",
        "calendar.edit",
        "placement.view",
        "placement.edit",
        "placement.meeting",
        "placement.decide",
        "placement.cost.view",
        "history.view",
    },
    "pastoral": {
        "agreement.edit",
        "monitoring.view",
        "monitoring.visit",
        "monitoring.review",
        "incident.report",
        "incident.decide",
        "concern.raise",
        "attendance.view",
        "attendance.record",
        "attendance.contact",
        "attendance.intervene",
        "learner.view",
        "learner.edit",
        "learner.passport.view",
        "provider.view",
        "calendar.view",
        "placement.view",
        "placement.edit",
        "placement.meeting",
    },
    "dsl": {
        "monitoring.view",
        "monitoring.visit",
        "incident.report",
        "concern.raise",
        "concern.read",
        "attendance.view",
        "attendance.record",
        "attendance.contact",
        "attendance.intervene",
        "learner.view",
        "learner.edit",
        "learner.safeguarding",
        "learner.passport.view",
        "provider.view",
        "provider.edit",
        "provider.evidence",
        "provider.approve",
        "calendar.view",
        "placement.view",
        "history.view",
        "accesslog.view",
        "learner.subject_access",
    },
    "sendco": {
        "monitoring.view",
        "incident.report",
        "concern.raise",
        "attendance.view",
        "learner.view",
        "learner.edit",
        "learner.passport.view",
        "learner.passport.edit",
        "provider.view",
        "calendar.view",
        "placement.view",
    },
    "admin_assistant": {
        "incident.report",
        "concern.raise",
        "attendance.view",
        "attendance.record",
        "attendance.contact",
        "attendance.export",
        "learner.view",
        "learner.edit",
        "provider.view",
        "calendar.view",
        "calendar.edit",
        "placement.view",
    },
    "exams": {
        "incident.report",
        "concern.raise",
        "learner.view",
        "learner.attainment.edit",
        "provider.view",
        "calendar.view",
        "placement.view",
    },
    "finance": {"provider.view", "calendar.view", "placement.view", "placement.cost.view", "concern.raise"},
    "board": {"provider.view", "placement.view", "placement.cost.view"},
}


@pytest.mark.parametrize("persona", sorted(PERSONA_RIGHTS))
def test_persona_holds_exactly_the_rights_described_for_it(request, school, other_school, persona):
    user = request.getfixturevalue(persona)
    assert perms_at(user, school.pk) == PERSONA_RIGHTS[persona]
    if persona != "board":
        assert perms_at(user, other_school.pk) == frozenset()


def test_permission_follows_the_role_at_the_records_school(school, other_school, role_user):
    user = role_user(Role.ADMIN, school)
    assert has_perm(user, school.pk, "learner.view")
    assert not has_perm(user, other_school.pk, "learner.view")


def test_head_elsewhere_gets_no_head_rights_here(school, other_school, role_user):
    user = role_user(Role.HEAD, other_school)
    user.memberships.create(school=school, role=Role.ADMIN)
    assert has_perm(user, other_school.pk, "placement.decide")
    assert has_perm(user, other_school.pk, "placement.cost.authorise")
    assert has_perm(user, school.pk, "learner.view")
    assert not has_perm(user, school.pk, "placement.decide")
    assert not has_perm(user, school.pk, "placement.cost.authorise")


def test_other_head_has_no_rights_at_school(school, other_school, other_head):
    assert not has_perm(other_head, school.pk, "learner.view")
    assert has_perm(other_head, other_school.pk, "learner.safeguarding")
    assert perms_at(other_head, school.pk) == frozenset()


def test_roles_held_together_add_up(school, role_user):
    user = role_user(Role.PASTORAL)
    user.memberships.create(school=school, role=Role.SENDCO)
    assert has_perm(user, school.pk, "placement.meeting")
    assert has_perm(user, school.pk, "learner.passport.edit")
    assert not has_perm(user, school.pk, "learner.safeguarding")


def test_only_the_dsl_approves_providers(school, head, slt, dsl):
    assert has_perm(dsl, school.pk, "provider.approve")
    assert not has_perm(head, school.pk, "provider.approve")
    assert not has_perm(slt, school.pk, "provider.approve")
    assert PERMISSIONS["provider.approve"] == {Role.DSL}


def test_only_the_head_authorises_costs(school, head, slt, finance):
    assert has_perm(head, school.pk, "placement.cost.authorise")
    assert not has_perm(slt, school.pk, "placement.cost.authorise")
    assert not has_perm(finance, school.pk, "placement.cost.authorise")
    assert has_perm(finance, school.pk, "placement.cost.view")


def test_only_head_and_dsl_see_safeguarding(school, head, dsl, slt, pastoral):
    assert has_perm(head, school.pk, "learner.safeguarding")
    assert has_perm(dsl, school.pk, "learner.safeguarding")
    assert not has_perm(slt, school.pk, "learner.safeguarding")
    assert not has_perm(pastoral, school.pk, "learner.safeguarding")


def test_no_school_means_no_permission(head):
    assert not has_perm(head, None, "learner.view")
    assert perms_at(head, None) == frozenset()


def test_check_perm_refuses_with_permission_denied(school, other_school, pastoral):
    check_perm(pastoral, school.pk, "placement.meeting")
    with pytest.raises(PermissionDenied):
        check_perm(pastoral, school.pk, "placement.decide")
    with pytest.raises(PermissionDenied):
        check_perm(pastoral, other_school.pk, "placement.meeting")


def test_anonymous_user_has_no_roles(school):
    anonymous = AnonymousUser()
    assert role_map(anonymous) == {}
    assert not has_perm(anonymous, school.pk, "provider.view")


def test_school_ids_lists_the_schools_where_the_user_holds_the_permission(school, other_school, role_user):
    user = role_user(Role.DSL, school)
    user.memberships.create(school=other_school, role=Role.FINANCE)
    assert school_ids(user) == sorted([school.pk, other_school.pk])
    assert school_ids(user, "learner.view") == [school.pk]
    assert school_ids(user, "provider.approve") == [school.pk]
    assert school_ids(user, "placement.cost.view") == [other_school.pk]
    assert school_ids(user, "placement.cost.authorise") == []


def test_board_has_no_learner_view_at_any_school(school, other_school, board):
    assert not has_perm(board, school.pk, "learner.view")
    assert not has_perm(board, other_school.pk, "learner.view")
    assert school_ids(board, "learner.view") == []
    assert school_ids(board, "placement.view") == sorted([school.pk, other_school.pk])
    assert school_ids(board, "placement.cost.view") == sorted([school.pk, other_school.pk])
    assert school_ids(board, "calendar.view") == []


def test_roles_are_loaded_once_per_user_object(school, head, django_assert_num_queries):
    with django_assert_num_queries(1):
        for perm in PERMISSIONS:
            has_perm(head, school.pk, perm)
        school_ids(head, "learner.view")
