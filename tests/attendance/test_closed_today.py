"""A provider reports "closed today" on its link: who is told, and what Today shows."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from altprov.links import issue_link
from altprov.models import LinkPurpose, Notification
from attendance.closed_today import CLOSED_REASON
from attendance.models import ParentContact
from placements.models import ProviderClosure, Status

from ..factories import LearnerFactory, PlacementFactory, ProviderClosureFactory
from .conftest import MONDAY, london

pytestmark = pytest.mark.django_db

TODAY = reverse("attendance:today")


@pytest.fixture
def token(school, provider, active_placement):
    with time_machine.travel(london(MONDAY, 8, 0), tick=False):
        _, token = issue_link(purpose=LinkPurpose.PROVIDER_REGISTER, school=school, subject=provider)
    return token


@pytest.fixture
def staff(admin_assistant, pastoral, dsl, head):
    return {"admin": admin_assistant, "pastoral": pastoral, "dsl": dsl, "head": head}


def report_closed(client, token, capture, hour=9, minute=12):
    with time_machine.travel(london(MONDAY, hour, minute), tick=False), capture(execute=True):
        response = client.post(
            reverse("link_page", kwargs={"token": token}),
            {"closed": MONDAY.isoformat(), "closed-confirm": "on"},
            follow=True,
        )
    assert "is recorded as closed today" in response.content.decode()
    return response


def told(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user))


def get_today(client, user, hour=9, minute=30):
    client.force_login(user)
    with time_machine.travel(london(MONDAY, hour, minute), tick=False):
        return client.get(TODAY).content.decode()


def vulnerable_learner(school, provider, **flags):
    return PlacementFactory(
        learner=LearnerFactory(school=school, legal_first_name="Leah", legal_last_name="Hart", **flags),
        provider=provider,
        status=Status.ACTIVE,
        start_date=MONDAY - timedelta(days=60),
        activated_on=MONDAY - timedelta(days=60),
        mon_am=True,
    ).learner


# Who is told ------------------------------------------------------------------------------


def test_the_admin_assistants_are_told_at_once(
    client, token, staff, provider, mailoutbox, django_capture_on_commit_callbacks
):
    report_closed(client, token, django_capture_on_commit_callbacks)
    (notice,) = told(staff["admin"])
    assert notice.subject == "Riverside Skills reported closed today (Monday 30 November 2026)"
    assert "reported on its register link at 09:12 that it is closed today, Monday 30 November" in notice.body
    assert "1 learner was expected there today" in notice.body
    assert "Contact parents today" in notice.body
    assert notice.url == TODAY
    assert staff["admin"].email in [address for m in mailoutbox for address in m.to]
    # No vulnerable learner was expected there: nobody else is told.
    assert told(staff["pastoral"]) == [] and told(staff["dsl"]) == [] and told(staff["head"]) == []


@pytest.mark.parametrize(
    ("flags", "why"),
    [
        ({"looked_after": True}, "looked-after"),
        ({"has_social_worker": True}, "has a social worker"),
        ({"safeguarding_flag": True}, "safeguarding flag"),
    ],
)
def test_a_vulnerable_learner_expected_there_tells_the_pastoral_lead_and_the_dsl(
    client, school, token, staff, provider, flags, why, django_capture_on_commit_callbacks
):
    learner = vulnerable_learner(school, provider, **flags)
    report_closed(client, token, django_capture_on_commit_callbacks)
    (dsl_notice,) = told(staff["dsl"])
    assert "Leah Hart" in dsl_notice.body and why in dsl_notice.body
    assert "Tyler Brookes" not in dsl_notice.body
    (pastoral_notice,) = told(staff["pastoral"])
    assert "Riverside Skills reported on its register link at 09:12" in pastoral_notice.body
    assert "the DSL has been told" in pastoral_notice.body
    # Only the DSL's message says who, and why.
    for notice in told(staff["pastoral"]) + told(staff["admin"]):
        for text in (learner.legal_first_name, learner.legal_last_name, why):
            assert text not in notice.subject + notice.body


def test_a_vulnerable_learner_not_expected_today_tells_nobody_else(
    client, school, token, staff, provider, django_capture_on_commit_callbacks
):
    placement = PlacementFactory(
        learner=LearnerFactory(school=school, looked_after=True),
        provider=provider,
        status=Status.ACTIVE,
        start_date=MONDAY - timedelta(days=60),
        activated_on=MONDAY - timedelta(days=60),
        mon_am=False,
        mon_pm=False,
        wed_am=True,
    )
    assert not placement.has_session(MONDAY, "AM") and not placement.has_session(MONDAY, "PM")
    report_closed(client, token, django_capture_on_commit_callbacks)
    assert len(told(staff["admin"])) == 1
    assert told(staff["pastoral"]) == [] and told(staff["dsl"]) == []


# What Today shows ---------------------------------------------------------------------------


def test_today_says_who_reported_the_closure_and_when(
    client, token, admin_assistant, provider, django_capture_on_commit_callbacks
):
    report_closed(client, token, django_capture_on_commit_callbacks)
    body = get_today(client, admin_assistant)
    row = body[body.index(f'id="provider-{provider.pk}"') :]
    assert '<span class="rag rag-grey">Closed</span>' in row
    assert "Closed, reported by the provider at 09:12" in row


def test_the_learners_expected_there_go_on_the_parent_contact_list(
    client, school, token, admin_assistant, provider, active_placement, django_capture_on_commit_callbacks
):
    report_closed(client, token, django_capture_on_commit_callbacks)
    section = get_today(client, admin_assistant).split("Contact parents today")[1]
    assert "Tyler Brookes" in section
    assert "expected at Riverside Skills: closed, reported by the provider" in section
    assert reverse("attendance:parent_contact_create", args=[active_placement.learner.pk]) in section
    ParentContact.objects.create(
        school=school,
        learner=active_placement.learner,
        at=london(MONDAY, 9, 40),
        by=admin_assistant,
        method="phone",
        about="Provider closed",
        outcome="At home with mum",
    )
    section = get_today(client, admin_assistant, 9, 45).split("Contact parents today")[1]
    assert "Tyler Brookes" not in section
    assert "Nobody to call." in section


def test_a_closure_the_school_recorded_reads_as_before_and_lists_nobody(
    client, admin_assistant, provider, active_placement
):
    # Agreed in advance (an INSET day at the provider): the families know.
    ProviderClosureFactory(provider=provider, start_date=MONDAY, end_date=MONDAY, reason="Staff training")
    body = get_today(client, admin_assistant)
    assert "Closed today: Staff training" in body
    assert "reported by the provider" not in body
    assert "Nobody to call." in body.split("Contact parents today")[1]


def test_a_closure_staff_typed_with_the_providers_wording_is_still_the_schools(
    client, school, admin_assistant, provider, active_placement
):
    client.force_login(admin_assistant)
    with time_machine.travel(london(MONDAY, 8, 30), tick=False):
        client.post(
            reverse("placements:provider_closure_create", args=[provider.pk]),
            {"start_date": MONDAY.isoformat(), "end_date": MONDAY.isoformat(), "reason": CLOSED_REASON},
        )
    assert ProviderClosure.objects.filter(reason=CLOSED_REASON).exists()
    body = get_today(client, admin_assistant)
    assert "reported by the provider at" not in body
