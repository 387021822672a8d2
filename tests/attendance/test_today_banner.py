"""Today opens with a banner for a vulnerable learner whose provider has not reported (safeguarding roles)."""

import pytest
import time_machine
from django.urls import reverse

from ..factories import missing_report
from .conftest import MONDAY, london, mark

pytestmark = pytest.mark.django_db

TITLE = "Not accounted for: Tyler Brookes"


@pytest.fixture
def unreported(school, provider, active_placement):
    return missing_report(
        school=school, provider=provider, day=MONDAY, session="AM", now=london(MONDAY, 10, 5)
    )


def _today(client, user) -> str:
    client.force_login(user)
    with time_machine.travel(london(MONDAY, 10, 30), tick=False):
        return client.get(reverse("attendance:today")).content.decode()


def test_dsl_sees_a_banner_with_what_to_do_above_the_providers(client, dsl, active_placement, unreported):
    learner = active_placement.learner
    learner.looked_after = True
    learner.save()
    body = _today(client, dsl)
    assert TITLE in body
    assert "Riverside Skills has not reported the AM session." in body
    assert "Phone the provider now" in body
    # Near the top: before the table of providers.
    assert body.index(TITLE) < body.index("<table")


@pytest.mark.parametrize("role", ["admin_assistant", "pastoral", "slt", "sendco"])
def test_roles_without_safeguarding_rights_see_no_banner(client, request, role, active_placement, unreported):
    learner = active_placement.learner
    learner.safeguarding_flag = True
    learner.save()
    assert TITLE not in _today(client, request.getfixturevalue(role))


def test_no_banner_for_a_learner_who_is_not_vulnerable(client, head, unreported):
    assert TITLE not in _today(client, head)


def test_no_banner_once_the_session_is_marked(client, head, active_placement, unreported):

    learner = active_placement.learner
    learner.has_social_worker = True
    learner.save()
    assert TITLE in _today(client, head)
    mark(active_placement, MONDAY, "AM", "B")
    assert TITLE not in _today(client, head)
