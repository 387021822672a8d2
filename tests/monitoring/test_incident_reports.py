"""Serious incidents reported by staff: who is told, the decision flag, the decision with SLT, the list."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from altprov.models import Flag, FlagNotice, Notification, Role
from monitoring.incidents import report_incident
from monitoring.models import Action, Incident

from .concern_factories import make_incident, placement_at, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def placement(school):
    visitor = staff(school, Role.SENDCO, first_name="Vic", last_name="Visitor", username="visitor")
    return placement_at(school, visiting_staff=visitor)


def report_data(placement, **extra) -> dict:
    when = timezone.localtime() - timedelta(hours=2)
    return {
        "placement": placement.pk,
        "occurred_at": when.strftime("%Y-%m-%dT%H:%M"),
        "what_happened": "Punched a wall and threatened a tutor.",
        "who_involved": "The learner; Jo Tutor.",
        "immediate_action": "Calmed in the quiet room; mum collected him.",
        "physical_intervention": "no",
        **extra,
    }


def test_staff_report_tells_pastoral_the_visitor_and_the_provider(
    client, admin_assistant, pastoral, placement, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(admin_assistant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("monitoring:incident_report"), report_data(placement))
    # The admin assistant reports but does not read incidents: back home, with a confirmation.
    assert response.status_code == 302 and response["Location"] == reverse("home")
    incident = Incident.objects.get()
    assert incident.reported_by == admin_assistant and not incident.physical_intervention
    learner = placement.learner
    told = {n.recipient.username if n.recipient else n.to_email: n for n in Notification.objects.all()}
    assert set(told) == {"pastoral", "visitor", placement.provider.lead_contact_email}
    assert learner.display_name in told["pastoral"].subject
    assert "record it on the incident" in told["pastoral"].body
    assert "visiting staff member" in told["visitor"].body
    assert told["pastoral"].url == reverse("monitoring:incident_detail", args=[incident.pk])
    outside = told[placement.provider.lead_contact_email]
    assert outside.url == "" and learner.legal_last_name not in outside.body
    assert learner.provider_safe_name in outside.body and "What to do:" in outside.body
    emails = {m.to[0]: m for m in mailoutbox}
    assert "/monitoring/incidents/" not in emails[placement.provider.lead_contact_email].body
    assert f"/monitoring/incidents/{incident.pk}/" in emails[pastoral.email].body
    # A flag for pastoral and SLT, and a record of who was told.
    flag = Flag.objects.get(kind="incident_decision")
    assert flag.roles == ",pastoral,slt," and flag.resolved_at is None
    assert set(FlagNotice.objects.values_list("audience", flat=True)) == {
        "the pastoral team",
        "the visiting staff member",
        "the provider",
    }


def test_the_decision_flag_is_on_the_home_page_of_pastoral_and_slt(
    client, school, pastoral, slt, sendco, placement
):
    report_incident(placement=placement, reported_by=sendco, **_fields())
    for user, shown in [(pastoral, True), (slt, True), (placement.visiting_staff, True)]:
        client.force_login(user)
        page = client.get(reverse("home")).content.decode()
        assert ("record the decided course of action" in page) == shown, user


def _fields(**extra) -> dict:
    return {
        "occurred_at": timezone.now() - timedelta(hours=1),
        "what_happened": "Threw a chair.",
        "who_involved": "Learner and tutor.",
        "immediate_action": "Quiet room.",
        "physical_intervention": False,
    } | extra


def test_physical_intervention_needs_its_details(client, pastoral, placement):
    client.force_login(pastoral)
    response = client.post(
        reverse("monitoring:incident_report"), report_data(placement, physical_intervention="yes")
    )
    page = response.content.decode()
    assert "Describe the physical intervention" in page
    assert "Punched a wall and threatened a tutor." in page
    assert not Incident.objects.exists()
    response = client.post(
        reverse("monitoring:incident_report"),
        report_data(
            placement, physical_intervention="yes", physical_intervention_detail="Guided by the arm, 1 min."
        ),
    )
    assert response.status_code == 302
    assert Incident.objects.get().physical_intervention_detail == "Guided by the arm, 1 min."


def test_the_report_form_says_what_is_missing(client, pastoral, placement):
    client.force_login(pastoral)
    future = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    page = client.post(reverse("monitoring:incident_report"), {"occurred_at": future}).content.decode()
    for message in [
        "Choose the learner and placement",
        "When it happened cannot be in the future.",
        "Enter what happened",
        "Enter who was involved",
        "Enter the immediate action taken",
        "Say whether physical intervention was used",
    ]:
        assert message in page


def test_the_decision_is_agreed_with_slt_resolves_the_flag_and_tells_the_provider(
    client, school, pastoral, slt, sendco, placement, django_capture_on_commit_callbacks
):
    incident = report_incident(placement=placement, reported_by=sendco, **_fields())
    mail.outbox = []
    url = reverse("monitoring:incident_decide", args=[incident.pk])
    client.force_login(pastoral)
    data = {
        "decision": "A restorative meeting; a one-day internal exclusion.",
        "decided_with": sendco.pk,
        "actions-TOTAL_FORMS": "2",
        "actions-INITIAL_FORMS": "0",
        "actions-0-side": "provider",
        "actions-0-description": "Send the written account of the incident",
        "actions-0-owner_name": "Jo Tutor",
        "actions-0-due_date": (timezone.localdate() + timedelta(days=3)).isoformat(),
    }
    page = client.post(url, data).content.decode()
    assert "Select a valid choice" in page or "from the list" in page  # the SENDCo is not SLT
    data["decided_with"] = slt.pk
    data["actions-1-description"] = "Half-done row"
    page = client.post(url, data).content.decode()
    assert "Choose whether the action is for the school or the provision." in page
    data["actions-1-description"] = ""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302
    incident.refresh_from_db()
    assert (incident.decided_by, incident.decided_with) == (pastoral, slt)
    action = Action.objects.get()
    assert (action.incident, action.side, action.owner_name, action.placement) == (
        incident,
        "provider",
        "Jo Tutor",
        placement,
    )
    flag = Flag.objects.get(kind="incident_decision")
    assert flag.resolution == "Decision recorded"
    [email] = mail.outbox
    assert email.to == [placement.provider.lead_contact_email]
    assert "A restorative meeting" in email.body and "Send the written account" in email.body
    assert "http" not in email.body and placement.learner.legal_last_name not in email.body
    # Recorded once: the page now says so.
    response = client.get(url)
    assert response.status_code == 302


def test_the_list_shows_those_waiting_for_a_decision_first(
    client, school, pastoral, slt, placement, django_assert_num_queries
):
    now = timezone.now()
    old_open = make_incident(placement, occurred_at=now - timedelta(days=9), what_happened="Old open")
    make_incident(
        placement,
        occurred_at=now - timedelta(days=1),
        decision="Done",
        decided_by=pastoral,
        decided_with=slt,
        decided_at=now,
    )
    new_open = make_incident(placement, occurred_at=now - timedelta(days=2), reported_by=pastoral)
    client.force_login(pastoral)
    # Session, user, memberships, school; the unread count; the count and the rows with learner and provider.
    with django_assert_num_queries(7):
        page = client.get(reverse("monitoring:incident_list")).content.decode()
    rows = [page.index(reverse("monitoring:incident_detail", args=[i.pk])) for i in (new_open, old_open)]
    assert rows == sorted(rows)
    assert page.index("Waiting for a decision", rows[-1]) < page.index("Decided ")
    assert "3 incidents" in page


def test_another_schools_incident_is_not_found(client, other_school, placement):
    incident = make_incident(placement)
    client.force_login(staff(other_school, Role.HEAD))
    assert client.get(reverse("monitoring:incident_detail", args=[incident.pk])).status_code == 404
    assert client.get(reverse("monitoring:incident_decide", args=[incident.pk])).status_code == 404
