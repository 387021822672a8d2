"""The provider's urgent pages under its register link: a serious incident and a safeguarding concern."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from altprov.links import issue_link
from altprov.models import LinkPurpose, LinkToken, Notification
from monitoring.models import ConcernSource, Incident, SafeguardingConcern
from placements.models import Status

from ..factories import LearnerFactory, ProviderFactory
from .concern_factories import placement_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(school, other_school):
    provider = ProviderFactory(name="Riverside Skills")
    mine = placement_at(
        school,
        provider=provider,
        learner=LearnerFactory(
            school=school, legal_first_name="Tobias", preferred_name="Toby", legal_last_name="Quill"
        ),
    )
    agreed = placement_at(school, provider=provider, status=Status.AGREED)
    ended = placement_at(school, provider=provider, status=Status.REFERRED)
    elsewhere = placement_at(school)  # another provider's learner at the same school
    other_schools = placement_at(other_school, provider=provider)
    _, token = issue_link(purpose=LinkPurpose.PROVIDER_REGISTER, school=school, subject=provider)
    return mine, agreed, ended, elsewhere, other_schools, token


def url(token, name):
    return reverse("link_subpage", kwargs={"token": token, "page_name": name})


def test_the_register_offers_both_urgent_pages(setting):
    *_, token = setting
    page = Client().get(reverse("link_page", kwargs={"token": token})).content.decode()
    assert "Something urgent?" in page
    assert f'href="{url(token, "incident")}">Report a serious incident' in page
    assert f'href="{url(token, "concern")}">Raise a safeguarding concern' in page


@pytest.mark.parametrize("name", ["incident", "concern"])
def test_the_provider_chooses_only_its_own_learners_at_the_school_by_first_name_and_initial(setting, name):
    mine, agreed, ended, elsewhere, other_schools, token = setting
    response = Client().get(url(token, name))
    page = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    assert f'value="{mine.pk}">Toby Q.</option>' in page
    assert f'value="{agreed.pk}"' in page
    for placement in (ended, elsewhere, other_schools):
        assert f'value="{placement.pk}"' not in page
    assert "Quill" not in page and "Tobias" not in page
    # Another provider's placement is refused, even posted by hand.
    response = Client().post(url(token, name), {"placement": elsewhere.pk})
    assert "Choose the learner" in response.content.decode() or "from the list" in response.content.decode()


def test_the_provider_reports_an_incident_and_sees_the_dsl_phone(school, setting, pastoral):
    mine, *_, token = setting
    when = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    data = {
        "placement": mine.pk,
        "occurred_at": when,
        "what_happened": "Kicked a door off its hinge.",
        "who_involved": "Toby and two other learners.",
        "immediate_action": "Sent the others out; Toby calmed down with his key worker.",
        "physical_intervention": "yes",
        "name": "Jo Tutor",
        "role": "",
    }
    page = Client().post(url(token, "incident"), data).content.decode()
    assert "Enter your role" in page and "Describe the physical intervention" in page
    assert "Kicked a door off its hinge." in page
    data |= {"role": "Centre manager", "physical_intervention_detail": "Blocked the doorway, no holds."}
    response = Client().post(url(token, "incident"), data)
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert (incident.reported_by, incident.reported_by_name, incident.reported_by_role) == (
        None,
        "Jo Tutor",
        "Centre manager",
    )
    assert incident.physical_intervention
    # The pastoral team is told; the provider's own report sends it no email about itself.
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"pastoral"}
    confirmation = Client().get(response["Location"]).content.decode()
    assert "the incident has been sent" in confirmation
    assert school.dsl_phone in confirmation and "Kicked" not in confirmation


def test_the_provider_raises_a_concern_that_only_the_dsl_reads(school, setting, dsl):
    mine, *_, token = setting
    response = Client().post(
        url(token, "concern"),
        {
            "placement": mine.pk,
            "detail": "Toby said a man waits for him after the session.",
            "about_provider_staff": "",
            "name": "Jo Tutor",
            "role": "Tutor",
        },
    )
    assert response.status_code == 302
    concern = SafeguardingConcern.objects.get()
    assert (concern.source, concern.learner, concern.placement, concern.raised_by_name) == (
        ConcernSource.PROVIDER,
        mine.learner,
        mine,
        "Jo Tutor",
    )
    note = Notification.objects.get()
    assert note.recipient == dsl and "by the provider" in note.body and "Toby" not in note.body
    confirmation = Client().get(response["Location"]).content.decode()
    assert "sent to the school" in confirmation and school.dsl_phone in confirmation
    assert "a man waits" not in confirmation


def test_a_withdrawn_link_opens_no_urgent_page(setting):
    *_, token = setting
    LinkToken.objects.update(revoked_at=timezone.now())
    for name in ("incident", "concern"):
        assert Client().get(url(token, name)).status_code == 410
    assert Client().post(url(token, "concern"), {"detail": "x"}).status_code == 410
    assert not SafeguardingConcern.objects.exists()
