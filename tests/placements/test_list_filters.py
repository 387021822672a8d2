"""The learner and placement lists read their filters through forms: a bad value is left out."""

import pytest
from django.urls import reverse

from placements.models import Status

from ..factories import LearnerFactory, PlacementFactory, ProviderFactory

pytestmark = pytest.mark.django_db

HUGE = "1" * 30


@pytest.mark.parametrize(
    ("url_name", "param"),
    [
        ("placements:learner_list", "provider"),
        ("placements:learner_list", "year"),
        ("placements:placement_list", "provider"),
        ("placements:placement_list", "visiting"),
    ],
)
@pytest.mark.parametrize("value", [HUGE, "-1", "x", "99999"])
def test_a_bad_filter_value_is_left_out_with_a_message(client, school, head, url_name, param, value):
    learner = LearnerFactory(school=school, legal_last_name="Quarrington")
    PlacementFactory(learner=learner, status=Status.ACTIVE)
    client.force_login(head)
    response = client.get(reverse(url_name), {param: value})
    assert response.status_code == 200
    body = response.content.decode()
    assert "is not one to filter by: it has been left out" in body
    # Unfiltered by it: the learner is still listed.
    assert "Quarrington" in body


def test_a_provider_another_school_uses_does_not_filter_this_schools_list(client, school, other_school, head):
    theirs = PlacementFactory(learner=LearnerFactory(school=other_school), status=Status.ACTIVE)
    PlacementFactory(
        learner=LearnerFactory(school=school, legal_last_name="Quarrington"), status=Status.ACTIVE
    )
    client.force_login(head)
    body = client.get(reverse("placements:placement_list"), {"provider": theirs.provider.pk}).content.decode()
    assert "is not one to filter by" in body
    assert theirs.provider.name not in body


def test_a_good_filter_still_filters_and_stays_selected(client, school, head):
    mine = PlacementFactory(
        learner=LearnerFactory(school=school, legal_last_name="Quarrington"), status=Status.ACTIVE
    )
    PlacementFactory(
        learner=LearnerFactory(school=school, legal_last_name="Oddbody"), provider=ProviderFactory()
    )
    client.force_login(head)
    body = client.get(reverse("placements:learner_list"), {"provider": mine.provider.pk}).content.decode()
    assert "Quarrington" in body and "Oddbody" not in body
    assert f'<option value="{mine.provider.pk}" selected>' in body
    assert "is not one to filter by" not in body
