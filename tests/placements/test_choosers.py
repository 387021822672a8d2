"""Choosers: learner, provider and site are searched, not listed, and the search is scoped."""

import pytest
from django.urls import reverse
from django.utils import timezone

from placements.models import Learner, Placement, Provider, ProviderSite

from ..factories import (
    LearnerFactory,
    PlacementFactory,
    ProviderFactory,
    ProviderSiteFactory,
    approved_provider,
)
from .test_placement_views import placement_post

pytestmark = pytest.mark.django_db

LEARNERS = reverse("placements:learner_search")
PROVIDERS = reverse("placements:provider_search")
SITES = reverse("placements:site_search")


def labels(response) -> list[str]:
    assert response["Content-Type"] == "application/json"
    return [r["label"] for r in response.json()["results"]]


def test_learner_search_finds_only_the_schools_own_learners(client, school, other_school, pastoral):
    LearnerFactory(school=school, legal_first_name="Tyler", legal_last_name="Brookes")
    LearnerFactory(school=other_school, legal_first_name="Tyler", legal_last_name="Elsewhere")
    client.force_login(pastoral)
    found = labels(client.get(LEARNERS, {"q": "tyler"}))
    assert len(found) == 1 and found[0].startswith("Tyler Brookes, Year 10")
    assert labels(client.get(LEARNERS, {"q": "tyler", "scope": "all"})) == found


def test_search_needs_two_characters_and_gives_at_most_20(client, school, pastoral):
    for n in range(25):
        LearnerFactory(school=school, legal_last_name=f"Smith{n:02d}")
    client.force_login(pastoral)
    assert labels(client.get(LEARNERS, {"q": "s"})) == []
    assert len(labels(client.get(LEARNERS, {"q": "smith"}))) == 20


def test_learner_search_is_refused_to_roles_without_learner_view(client, school, finance):
    client.force_login(finance)
    response = client.get(LEARNERS, {"q": "ty"})
    assert response.status_code == 403 and response["Content-Type"] == "application/json"


def test_site_search_is_narrowed_to_the_chosen_provider(client, school, pastoral):
    mill, farm = ProviderFactory(name="Old Mill"), ProviderFactory(name="Harbour Farm")
    ProviderSiteFactory(provider=mill, name="Main site")
    ProviderSiteFactory(provider=farm, name="Main site")
    client.force_login(pastoral)
    assert len(labels(client.get(SITES, {"q": "main"}))) == 2
    found = labels(client.get(SITES, {"q": "main", "within": farm.pk}))
    assert len(found) == 1 and found[0].startswith("Harbour Farm – Main site")
    assert labels(client.get(PROVIDERS, {"q": "harb"})) == ["Harbour Farm"]


def test_placement_form_refuses_another_schools_learner_by_id(client, school, other_school, pastoral, dsl):
    today = timezone.localdate()
    provider = approved_provider(school, dsl, today, name="Riverside Skills")
    elsewhere = LearnerFactory(school=other_school)
    client.force_login(pastoral)
    response = client.post(reverse("placements:placement_create"), placement_post(elsewhere, provider, today))
    assert response.status_code == 200
    assert not Placement.objects.exists()
    assert 'href="#id_learner"' in response.content.decode()  # in the error summary


def test_without_javascript_typed_names_are_resolved_and_ambiguity_is_said(client, school, pastoral, dsl):
    today = timezone.localdate()
    provider = approved_provider(school, dsl, today, name="Riverside Skills")
    LearnerFactory(school=school, legal_first_name="Tyler", legal_last_name="Brookes")
    LearnerFactory(school=school, legal_first_name="Tyler", legal_last_name="Banks")
    client.force_login(pastoral)
    url = reverse("placements:placement_create")
    data = placement_post(Learner.objects.first(), provider, today)
    data.update(learner="", learner_text="Tyler")
    body = client.post(url, data).content.decode()
    assert "Several match “Tyler”" in body and "Tyler Banks" in body
    assert 'value="Tyler"' in body  # what was typed is kept
    ProviderSiteFactory(provider=ProviderFactory(name="Other"), name=provider.sites.get().name)
    data.update(learner_text="Tyler Brookes", provider="", provider_text="riverside", site="")
    data["site_text"] = provider.sites.get().name  # the other provider's site has the same name
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    placement = Placement.objects.get()
    assert placement.learner.legal_last_name == "Brookes" and placement.provider == provider


def test_where_is_resolves_a_typed_name(client, school, admin_assistant):
    LearnerFactory(school=school, legal_first_name="Tyler", legal_last_name="Brookes")
    client.force_login(admin_assistant)
    body = client.get(
        reverse("placements:where_is"), {"learner_text": "brookes", "on": "2026-11-30", "session": "am"}
    ).content.decode()
    assert "Tyler Brookes has no AP session" in body


def test_form_pages_stay_small_with_500_learners_and_providers(client, school, pastoral, admin_assistant):
    Learner.objects.bulk_create(
        [LearnerFactory.build(school=school, legal_last_name=f"Learner{n:03d}") for n in range(500)]
    )
    providers = Provider.objects.bulk_create(
        [ProviderFactory.build(name=f"Provider {n:03d}") for n in range(500)]
    )
    ProviderSite.objects.bulk_create(
        [ProviderSiteFactory.build(provider=p, name="Main site") for p in providers]
    )
    client.force_login(pastoral)
    body = client.get(reverse("placements:placement_create")).content.decode()
    assert "Learner499" not in body and "Provider 499" not in body
    assert len(body) < 60_000
    client.force_login(admin_assistant)
    assert len(client.get(reverse("placements:where_is")).content) < 40_000


REPORT_LEARNERS = reverse("monitoring:report_learner_search")
REPORT_PLACEMENTS = reverse("monitoring:report_placement_search")


def test_the_concern_forms_searches_answer_every_member_of_staff_for_their_own_school(
    client, school, other_school, finance, board
):
    """Anyone on the staff may raise a concern, so its choosers answer to concern.raise, not learner.view."""
    LearnerFactory(school=school, legal_first_name="Tyler", legal_last_name="Brookes", upn="A123456789012")
    LearnerFactory(school=other_school, legal_first_name="Tyler", legal_last_name="Elsewhere")
    client.force_login(finance)
    found = labels(client.get(REPORT_LEARNERS, {"q": "tyler"}))
    assert found == ["Tyler Brookes, Year 10"]  # name and year group: no UPN for finance
    client.force_login(board)
    assert client.get(REPORT_LEARNERS, {"q": "tyler"}).status_code == 403


def test_the_placement_search_gives_open_placements_of_the_chosen_learner(
    client, school, other_school, pastoral
):
    tyler = LearnerFactory(school=school, legal_first_name="Tyler", legal_last_name="Brookes")
    other = LearnerFactory(school=school, legal_first_name="Amy", legal_last_name="Brookes")
    mill = ProviderFactory(name="Old Mill")
    PlacementFactory(learner=tyler, provider=mill, status="active")
    PlacementFactory(learner=other, provider=mill, status="agreed")
    PlacementFactory(learner=tyler, provider=ProviderFactory(name="Old Forge"), status="referred")
    PlacementFactory(learner=LearnerFactory(school=other_school), provider=mill, status="active")
    client.force_login(pastoral)
    assert labels(client.get(REPORT_PLACEMENTS, {"q": "old mill"})) == [
        "Amy Brookes at Old Mill (agreed)",
        "Tyler Brookes at Old Mill (active)",
    ]
    assert labels(client.get(REPORT_PLACEMENTS, {"q": "old", "within": tyler.pk})) == [
        "Tyler Brookes at Old Mill (active)"
    ]
    # Narrowed to one learner, their placements are offered before anything is typed.
    assert labels(client.get(REPORT_PLACEMENTS, {"q": "", "within": tyler.pk})) == [
        "Tyler Brookes at Old Mill (active)"
    ]
    assert labels(client.get(REPORT_PLACEMENTS, {"q": ""})) == []
    # Only the searches that narrow by `within` answer an empty search.
    assert labels(client.get(REPORT_LEARNERS, {"q": "", "within": tyler.pk})) == []
    assert labels(client.get(LEARNERS, {"q": "", "within": tyler.pk})) == []
