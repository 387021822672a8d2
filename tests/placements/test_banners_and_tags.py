"""Warnings that need action are banners at the top; statuses are tags in distinct colours with words."""

import html
from datetime import date

import pytest
import time_machine
from django.urls import reverse

from placements.models import Status

from ..factories import PlacementFactory, approved_provider
from . import test_evidence_flags as flags_tests

active_placement = flags_tests.active_placement
renew_insurance = flags_tests.renew_insurance
set_insurance_expiry = flags_tests.set_insurance_expiry


@pytest.fixture
def riverside(school, dsl):
    """Approved, every mandatory item current, on Tuesday 1 December 2026 at 07:00."""
    with time_machine.travel(flags_tests.SEVEN, tick=False):
        yield approved_provider(school, dsl, flags_tests.TODAY, name="Riverside Skills")


pytestmark = pytest.mark.django_db

BANNER = "Approval lapsed with learners still placed here"


def _page(client, user, url) -> str:
    client.force_login(user)
    return html.unescape(client.get(url).content.decode())


def test_lapsed_provider_with_learners_placed_opens_with_a_banner_and_the_action(
    client,
    school,
    riverside,
    dsl,
):
    set_insurance_expiry(riverside, date(2026, 11, 30))
    active_placement(school, riverside)
    body = _page(client, dsl, riverside.get_absolute_url())
    assert BANNER in body
    assert "1 learner is from Northfield Academy placed here now." in body
    assert "Record the renewed evidence in the register below." in body
    assert 'href="#evidence-heading"' in body
    assert body.index(BANNER) < body.index('id="about-heading"')


def test_a_role_that_cannot_record_evidence_is_told_whom_to_tell(
    client,
    school,
    riverside,
    pastoral,
):
    set_insurance_expiry(riverside, date(2026, 11, 30))
    active_placement(school, riverside)
    body = _page(client, pastoral, riverside.get_absolute_url())
    assert BANNER in body
    assert "Tell the designated safeguarding lead" in body
    assert "Go to the evidence register" not in body


def test_no_banner_when_no_learner_is_placed_or_the_evidence_is_renewed(
    client,
    school,
    riverside,
    dsl,
):
    set_insurance_expiry(riverside, date(2026, 11, 30))
    assert BANNER not in _page(client, dsl, riverside.get_absolute_url())
    active_placement(school, riverside)
    renew_insurance(riverside, dsl)
    assert BANNER not in _page(client, dsl, riverside.get_absolute_url())


def test_placement_at_a_lapsed_provider_opens_with_a_banner_linking_to_the_evidence(
    client,
    school,
    riverside,
    pastoral,
):
    set_insurance_expiry(riverside, date(2026, 11, 30))
    placement = active_placement(school, riverside)
    body = _page(client, pastoral, placement.get_absolute_url())
    assert "The provider's approval has lapsed" in body
    assert f'href="{riverside.get_absolute_url()}#evidence-heading"' in body
    # A banner, not one of the plain warnings below it.
    assert 'class="alert alert-warning" role="alert">Approval' not in body


@pytest.mark.parametrize("status", [s for s, _ in Status.choices])
def test_each_placement_status_is_a_tag_of_its_own_with_its_word(client, school, riverside, head, status):
    finished = {
        "start_date": date(2026, 9, 7),
        "end_date": date(2026, 11, 27),
        "end_reason": "completed",
        "ceased_reason": "Serious incident",
    }
    extra = finished if status in (Status.ENDED, Status.CEASED) else {}
    placement = PlacementFactory(
        learner__school=school, school=school, provider=riverside, status=status, **extra
    )
    body = _page(client, head, placement.get_absolute_url())
    assert f'<span class="tag tag-{status}"><span class="visually-hidden">Status: </span>' in body
    assert placement.get_status_display() in body


def test_status_tags_are_distinct_colours(settings):
    from pathlib import Path

    css = (Path(settings.BASE_DIR) / "static" / "css" / "pages.css").read_text()
    backgrounds = {}
    for status in ["referred", "planning", "agreed", "active", "ended", "ceased"]:
        rule = css.split(f".tag-{status} {{", 1)[1].split("}", 1)[0]
        backgrounds[status] = rule.split("background:", 1)[1].split(";", 1)[0].strip()
    assert len(set(backgrounds.values())) == 6, backgrounds


def test_provider_list_shows_approval_as_a_tag(client, school, riverside, head):
    body = _page(client, head, reverse("placements:provider_list"))
    assert '<span class="tag tag-approved">Approved</span>' in body


@pytest.mark.parametrize(
    ("role", "linked"), [("head", True), ("exams", True), ("finance", False), ("board", False)]
)
def test_learner_record_link_only_for_roles_that_can_open_it(
    client, school, riverside, role_user, role, linked
):
    placement = PlacementFactory(learner__school=school, school=school, provider=riverside)
    body = _page(client, role_user(role), placement.get_absolute_url())
    learner_url = reverse("placements:learner_detail", args=[placement.learner.pk])
    assert (f'href="{learner_url}"' in body) == linked
    assert ("Learner record" in body) == linked
    if linked:
        client.force_login(role_user(role))
        assert client.get(learner_url).status_code == 200
