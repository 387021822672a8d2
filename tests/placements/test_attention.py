"""The list pages and the calendar begin with what needs attention, each count linking to its rows."""

import html
from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from placements.models import EvidenceItem, Status

from ..factories import LearnerFactory, PlacementFactory, TermFactory, approved_provider

pytestmark = pytest.mark.django_db


def attention_line(client, name: str) -> str:
    body = html.unescape(client.get(reverse(name)).content.decode())
    start = body.index('id="needs-attention"')
    line = body[start : body.index("</p>", start)]
    # Before the filters.
    assert "<form" not in body[:start].split("<main", 1)[1]
    return line


def test_placements_list_starts_with_what_waits_for_the_school(client, school, slt, dsl):
    provider = approved_provider(school, dsl, timezone.localdate())
    for status in [Status.REFERRED, Status.REFERRED, Status.AGREED, Status.ACTIVE]:
        PlacementFactory(learner=LearnerFactory(school=school), provider=provider, status=status)
    client.force_login(slt)
    line = attention_line(client, "placements:placement_list")
    assert '<a href="/placements/?status=referred">2 referrals waiting for a planning meeting</a>' in line
    assert '<a href="/placements/?status=agreed">1 agreed placement waiting to start</a>' in line
    assert "waiting to be agreed" not in line


def test_learners_list_counts_learners_not_placements(client, school, slt, dsl):
    provider = approved_provider(school, dsl, timezone.localdate())
    learner = LearnerFactory(school=school)
    PlacementFactory.create_batch(2, learner=learner, provider=provider, status=Status.PLANNING)
    client.force_login(slt)
    line = attention_line(client, "placements:learner_list")
    assert '<a href="/learners/?status=planning">1 learner with a placement waiting to be agreed</a>' in line


def test_providers_list_says_whose_approval_lapsed(client, school, dsl):
    today = timezone.localdate()
    lapsed = approved_provider(school, dsl, today, name="Riverside Skills")
    approved_provider(school, dsl, today, name="Hilltop Farm")
    EvidenceItem.objects.filter(provider=lapsed, evidence_type__code="insurance").update(
        expires_on=today - timedelta(days=1)
    )
    client.force_login(dsl)
    line = attention_line(client, "placements:provider_list")
    assert "1 provider’s approval lapsed" in line
    assert '<a href="/providers/?evidence=expired">1 provider with expired evidence</a>' in line


def test_nothing_to_attend_to_says_so(client, school, slt):
    client.force_login(slt)
    assert "nothing at the moment" in attention_line(client, "placements:placement_list")


def test_calendar_asks_for_the_next_term_when_the_last_ends_soon(client, school, head):
    TermFactory(school=school)  # ends Friday 18 December 2026
    with time_machine.travel(date(2026, 12, 1)):
        client.force_login(head)
        line = attention_line(client, "placements:calendar_overview")
    assert "The last term set up ends on Friday 18 December 2026: add the next one" in line
    assert f'href="{reverse("placements:term_create")}"' in line
    with time_machine.travel(date(2027, 1, 4)):
        client.force_login(head)
        line = attention_line(client, "placements:calendar_overview")
    assert "No term is set up from today" in line
