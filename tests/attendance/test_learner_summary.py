"""The learner's record: this term's attendance, the follow-up, and banners for vulnerable learners."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from altprov.models import Membership
from attendance.models import Intervention, InterventionKind

from ..factories import UserFactory
from .conftest import MONDAY, london, mark

pytestmark = pytest.mark.django_db

LAST_MONDAY = date(2026, 11, 23)


def _record(client, user, learner) -> str:
    client.force_login(user)
    with time_machine.travel(london(MONDAY, 15, 0), tick=False):
        return client.get(reverse("placements:learner_detail", args=[learner.pk])).content.decode()


def test_learner_page_shows_this_terms_attendance_and_band(client, pastoral, active_placement):
    mark(active_placement, LAST_MONDAY, "AM", "B")
    mark(active_placement, LAST_MONDAY + timedelta(days=1), "AM", "B")
    mark(active_placement, LAST_MONDAY, "PM", "N")
    body = _record(client, pastoral, active_placement.learner)
    assert 'id="attendance-summary-heading"' in body
    assert "Autumn term 2026/27" in body
    assert "66.7%" in body
    assert "Persistent absence" in body
    assert "On the follow-up list" in body
    assert "No intervention recorded yet." in body
    assert reverse("attendance:learner_attendance", args=[active_placement.learner.pk]) in body


def test_follow_up_status_names_the_last_intervention(client, pastoral, active_placement):
    mark(active_placement, LAST_MONDAY, "AM", "N")
    Intervention.objects.create(
        school=active_placement.school,
        learner=active_placement.learner,
        kind=InterventionKind.choices[0][0],
        date=LAST_MONDAY + timedelta(days=1),
        by=pastoral,
        outcome="Spoke to mum",
        next_step="Home visit",
    )
    body = _record(client, pastoral, active_placement.learner)
    assert (
        f"Last intervention: {InterventionKind.choices[0][1]}, Tuesday 24 November 2026; "
        "next step: Home visit." in body
    )


def test_at_target_is_not_on_the_follow_up_list(client, pastoral, active_placement):
    mark(active_placement, LAST_MONDAY, "AM", "B")
    body = _record(client, pastoral, active_placement.learner)
    assert "100.0%" in body
    assert "Not on the follow-up list" in body


def test_the_exams_officer_opens_the_record_without_the_attendance_panel(client, active_placement, school):
    # learner.view without attendance.view.
    user = UserFactory()
    Membership.objects.create(user=user, school=school, role="exams")
    client.force_login(user)
    with time_machine.travel(london(MONDAY, 15, 0), tick=False):
        response = client.get(reverse("placements:learner_detail", args=[active_placement.learner.pk]))
    assert response.status_code == 200
    assert 'id="attendance-summary-heading"' not in response.content.decode()


VULNERABLE = "Vulnerable learner: looked-after and has a social worker"
FLAGGED = 'id="safeguarding-banner"'


@pytest.fixture
def vulnerable(active_placement):
    learner = active_placement.learner
    learner.looked_after = True
    learner.has_social_worker = True
    learner.safeguarding_flag = True
    learner.save()
    return learner


@pytest.mark.parametrize(
    ("role", "needs", "safeguarding"),
    [
        ("head", True, True),
        ("dsl", True, True),
        ("slt", True, False),
        ("pastoral", True, False),
        ("sendco", True, False),
        ("admin_assistant", False, False),
    ],
)
def test_banners_only_for_roles_that_may_see_them(client, request, vulnerable, role, needs, safeguarding):
    body = _record(client, request.getfixturevalue(role), vulnerable)
    assert (VULNERABLE in body) == needs
    assert (FLAGGED in body) == safeguarding
    # Near the top: before the learner's details.
    if needs:
        assert body.index(VULNERABLE) < body.index('id="details-heading"')


def test_no_banner_for_a_learner_with_none_of_the_flags(client, head, active_placement):
    body = _record(client, head, active_placement.learner)
    assert "Vulnerable learner" not in body
    assert FLAGGED not in body
