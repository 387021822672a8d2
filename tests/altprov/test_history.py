"""History panels show values as the rest of the app does: names, status labels, Yes/No, dd/mm/yyyy."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from altprov.history import history_rows
from placements.models import SenStatus, Status

from ..factories import LearnerFactory, PlacementFactory, ProviderFactory, UserFactory

pytestmark = pytest.mark.django_db


def _changes(obj) -> dict[str, tuple[str, str]]:
    [row, *_] = history_rows(obj)
    return {c["field"]: (c["old"], c["new"]) for c in row["changes"]}


def test_a_foreign_key_shows_the_persons_name(school, head):
    placement = PlacementFactory(learner=LearnerFactory(school=school), cost_amount=Decimal("900.00"))
    placement.authorise_cost(by=head)
    assert _changes(placement)["Cost authorised by"] == ("–", "Helen Head")


def test_a_status_shows_its_label(school):
    placement = PlacementFactory(learner=LearnerFactory(school=school))
    placement.status = Status.PLANNING
    placement.meeting_date = date(2026, 11, 30)
    placement.save()
    changes = _changes(placement)
    assert changes["Status"] == ("Referred", "Planning meeting held")
    assert changes["Planning meeting date"] == ("–", "30 Nov 2026")


def test_booleans_and_choices_of_a_learner(school):
    learner = LearnerFactory(school=school)
    learner.looked_after = True
    learner.sen_status = SenStatus.EHCP
    learner.date_of_birth = date(2011, 3, 5)
    learner.save()
    changes = _changes(learner)
    assert changes["Looked-after child"] == ("No", "Yes")
    assert changes["SEN status"] == ("No SEN", "EHC plan")
    assert changes["Date of birth"][1] == "5 Mar 2011"


def test_a_removed_person_is_said_so(school):
    placement = PlacementFactory(learner=LearnerFactory(school=school))
    gone = UserFactory(first_name="Gwen", last_name="Gone")
    placement.visiting_staff = gone
    placement.save()
    gone_pk = gone.pk
    placement.visiting_staff = None
    placement.save()
    gone.delete()
    rows = history_rows(placement)
    assert rows[0]["changes"] == [
        {"field": "Visiting staff", "old": f"a removed record (#{gone_pk})", "new": "–"}
    ]


def test_the_placement_page_shows_names_not_ids(client, school, head):
    placement = PlacementFactory(learner=LearnerFactory(school=school), cost_amount=Decimal("900.00"))
    placement.authorise_cost(by=head)
    client.force_login(head)
    body = client.get(placement.get_absolute_url()).content.decode()
    assert "Cost authorised by: – → Helen Head" in body
    assert f"→ {head.pk}<" not in body


def test_provider_history_shows_yes_no(client, school, head):
    provider = ProviderFactory()
    PlacementFactory(learner=LearnerFactory(school=school), provider=provider)
    provider.team_teach_trained = True
    provider.team_teach_evidence_date = date(2026, 9, 1)
    provider.save()
    client.force_login(head)
    body = client.get(reverse("placements:provider_detail", args=[provider.pk])).content.decode()
    assert "No → Yes" in body
    assert "– → 1 Sep 2026" in body
    assert "False" not in body
