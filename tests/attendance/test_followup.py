from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from attendance.models import (
    ContactMethod,
    Intervention,
    InterventionKind,
    MarkAmendment,
    MarkStatus,
    ParentContact,
)
from attendance.views import followup as followup_views
from placements.models import Status

from ..factories import ContactFactory, LearnerFactory, PlacementFactory, TermFactory
from .conftest import MONDAY, london, mark

pytestmark = pytest.mark.django_db

FOLLOW_UP = reverse("attendance:follow_up")
# The four Mondays and Tuesdays before MONDAY (30 November 2026).
EARLIER_DAYS = [MONDAY - timedelta(days=d) for d in (7, 6, 14, 13, 21, 20, 28, 27)]


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(london(MONDAY, 11), tick=False):
        yield


def placed(school, provider, **learner):
    """An active placement on Monday and Tuesday mornings since September."""
    return PlacementFactory(
        learner=LearnerFactory(school=school, **learner),
        provider=provider,
        status=Status.ACTIVE,
        start_date=date(2026, 9, 7),
        activated_on=date(2026, 9, 7),
    )


def with_attendance(placement, attended: int, absent: int = 0, code: str = "N"):
    """Marks on the AM sessions before today: `attended` B, then `absent` with `code`."""
    codes = ["B"] * attended + [code] * absent
    for day, c in zip(EARLIER_DAYS, codes):
        mark(placement, day, "AM", c)
    return placement


# The follow-up list -----------------------------------------------------------


def test_pastoral_sees_learners_below_target_lowest_first(client, school, autumn, provider, pastoral):
    with_attendance(placed(school, provider, legal_last_name="Ahmed"), attended=7, absent=1)  # 87.5%
    with_attendance(placed(school, provider, legal_last_name="Brown"), attended=2, absent=2)  # 50%
    with_attendance(placed(school, provider, legal_last_name="Clarke"), attended=8)  # 100%
    placed(school, provider, legal_last_name="Davies")  # no marks yet
    client.force_login(pastoral)

    body = client.get(FOLLOW_UP).content.decode()

    assert body.index("Brown") < body.index("Ahmed")
    assert "50.0%" in body and "Severe absence" in body
    assert "87.5%" in body and "Persistent absence" in body
    assert "Clarke" not in body
    assert "Davies" not in body
    assert "2 learners below target" in body


def test_the_list_shows_a_page_of_learners_lowest_first(
    client, school, autumn, provider, pastoral, monkeypatch
):
    monkeypatch.setattr(followup_views, "FOLLOW_UP_PAGE_SIZE", 2)
    with_attendance(placed(school, provider, legal_last_name="Ahmed"), attended=7, absent=1)  # 87.5%
    with_attendance(placed(school, provider, legal_last_name="Brown"), attended=2, absent=2)  # 50%
    with_attendance(placed(school, provider, legal_last_name="Evans"), attended=6, absent=2)  # 75%
    client.force_login(pastoral)

    first = client.get(FOLLOW_UP).content.decode()
    second = client.get(FOLLOW_UP, {"page": 2}).content.decode()

    assert first.count('<th scope="row"') == 2  # a page of rows, not every learner
    assert first.index("Brown") < first.index("Evans") and "Ahmed" not in first
    assert "3 learners below target (page 1 of 2, lowest first)" in first
    assert "Ahmed" in second and "Brown" not in second


def test_persistent_absence_is_listed_even_under_a_lower_school_target(
    client, school, autumn, provider, pastoral
):
    school.attendance_target = 80
    school.save()
    with_attendance(placed(school, provider, legal_last_name="Ahmed"), attended=7, absent=1)  # 87.5%
    with_attendance(placed(school, provider, legal_last_name="Clarke"), attended=8)  # 100%
    client.force_login(pastoral)
    body = client.get(FOLLOW_UP).content.decode()
    assert "Ahmed" in body and "Persistent absence" in body
    assert "Clarke" not in body
    assert "target of <strong>80%</strong>" in body


def test_last_intervention_and_parent_contact_are_shown(client, school, autumn, provider, pastoral, head):
    learner = with_attendance(placed(school, provider), attended=1, absent=3).learner
    Intervention.objects.create(
        school=school,
        learner=learner,
        kind=InterventionKind.LETTER,
        date=date(2026, 11, 2),
        by=head,
        outcome="Sent",
    )
    Intervention.objects.create(
        school=school,
        learner=learner,
        kind=InterventionKind.MEETING,
        date=date(2026, 11, 20),
        by=head,
        outcome="Met",
    )
    ParentContact.objects.create(
        school=school,
        learner=learner,
        at=london(date(2026, 11, 24), 9, 30),
        by=head,
        method=ContactMethod.PHONE,
        reached=False,
        about="Absence on Monday",
        outcome="Voicemail",
    )
    client.force_login(pastoral)
    body = client.get(FOLLOW_UP).content.decode()
    assert "Attendance meeting" in body and "20/11/2026" in body
    assert "Attendance letter" not in body
    assert "Phone (not reached)" in body and "24/11/2026 09:30" in body


def test_unexplained_absence_today_prompts_contact_until_parents_are_contacted(
    client, school, autumn, provider, pastoral
):
    placement = with_attendance(placed(school, provider), attended=3, absent=1)
    mark(placement, MONDAY, "AM", "N")
    client.force_login(pastoral)
    contact_url = reverse("attendance:parent_contact_create", args=[placement.learner_id])

    body = client.get(FOLLOW_UP).content.decode()
    assert "Contact parents today" in body
    assert "Absent, no reason: AM (N)" in body
    assert contact_url in body

    ParentContact.objects.create(
        school=school,
        learner=placement.learner,
        at=london(MONDAY, 10, 45),
        by=pastoral,
        method=ContactMethod.PHONE,
        about="Absent this morning",
        outcome="Unwell; mother will ring the provider",
    )
    body = client.get(FOLLOW_UP).content.decode()
    assert "Contact parents today" not in body
    assert "parents contacted today" in body


def test_a_contact_yesterday_does_not_clear_todays_prompt(client, school, autumn, provider, pastoral):
    placement = with_attendance(placed(school, provider), attended=3, absent=1)
    mark(placement, MONDAY, "AM", "O")
    ParentContact.objects.create(
        school=school,
        learner=placement.learner,
        at=london(MONDAY - timedelta(days=1), 23, 30),
        by=pastoral,
        method=ContactMethod.TEXT,
        about="Weekend",
        outcome="Sent",
    )
    client.force_login(pastoral)
    assert "Contact parents today" in client.get(FOLLOW_UP).content.decode()


def test_other_schools_learners_are_not_listed(client, school, other_school, autumn, provider, pastoral):
    TermFactory(school=other_school, school_year="2026/27")
    with_attendance(placed(other_school, provider, legal_last_name="Elsewhere"), attended=1, absent=3)
    client.force_login(pastoral)
    assert "Elsewhere" not in client.get(FOLLOW_UP).content.decode()


def test_follow_up_without_term_dates_says_so(client, school, pastoral):
    client.force_login(pastoral)
    assert "no term dates" in client.get(FOLLOW_UP).content.decode()


@pytest.mark.parametrize("persona", ["admin_assistant", "sendco", "finance", "exams"])
def test_follow_up_is_refused_without_the_intervene_right(client, persona, request, autumn):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(FOLLOW_UP).status_code == 403


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_follow_up_query_count_is_constant_as_learners_grow(client, school, autumn, provider, pastoral, head):
    def add_learners(n):
        for _ in range(n):
            placement = with_attendance(placed(school, provider), attended=2, absent=2)
            mark(placement, MONDAY, "AM", "N")
            Intervention.objects.create(
                school=school,
                learner=placement.learner,
                kind=InterventionKind.LETTER,
                date=date(2026, 11, 2),
                by=head,
                outcome="Sent",
            )

    client.force_login(pastoral)
    add_learners(2)
    few = _queries(client, FOLLOW_UP)
    add_learners(10)
    many = _queries(client, FOLLOW_UP)
    # Session, user, the user's roles and schools (4); the unread count (1);
    # this term (1); the whole weeks from the summary (1); the marks of the
    # partial weeks at the edges (1); for the term's first, partial week
    # (Wednesday 2 September) the placements expected, none (1); for this
    # week so far the expected sessions' placements, their timetable
    # versions, terms, school and provider closures, the marks' keys and the
    # placements' learners (7); the names of the learners below target, to
    # order them (1); the page's learners with their last intervention and
    # contact (1), their current placements (1); today's unexplained marks (1).
    assert few == many == 20


# A learner's attendance page ------------------------------------------------------


def test_learner_page_shows_the_term_as_a_calendar_with_codes_and_figures(
    client, school, autumn, active_placement, pastoral
):
    p = active_placement
    mark(p, MONDAY - timedelta(days=7), "AM", "B")
    mark(p, MONDAY - timedelta(days=7), "PM", "N")
    mark(p, MONDAY - timedelta(days=6), "AM", "I")
    client.force_login(pastoral)

    response = client.get(reverse("attendance:learner_attendance", args=[p.learner_id]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Autumn term 2026/27" in body
    assert "School year 2026/27" in body
    # 1 attended of 3 possible.
    assert "33.3%" in body and "Severe absence" in body
    assert "Mon 23 Nov AM: B – Attending other approved education off site" in body
    assert "Mon 23 Nov PM: N – Reason for absence not yet provided" in body
    assert "Tue 24 Nov AM: I – Illness" in body
    assert "Mon 30 Nov AM: Expected, not yet marked" in body
    assert "Tue 1 Dec AM: Expected, still to come" in body
    assert "Wed 25 Nov AM: Not expected" in body
    assert "not yet marked</span> (left out of the %)" in body
    assert 'aria-current="date"' in body
    # One row a week, from Monday 31 August to the week of Friday 18 December.
    assert body.count('<th scope="row"') == 16


def test_learner_page_lists_amendments_interventions_and_contacts(
    client, school, autumn, active_placement, pastoral, admin_assistant
):
    p = active_placement
    m = mark(p, MONDAY - timedelta(days=7), "AM", "I")
    MarkAmendment.objects.create(
        mark=m,
        by=admin_assistant,
        reason="Mother rang: appointment",
        old_status=MarkStatus.ABSENT,
        old_code="N",
        new_status=MarkStatus.ABSENT,
        new_code="I",
    )
    Intervention.objects.create(
        school=school,
        learner=p.learner,
        kind=InterventionKind.HOME_VISIT,
        date=date(2026, 11, 25),
        by=pastoral,
        outcome="Spoke with Tyler and his dad",
        next_step="Review in a fortnight",
        next_step_due=date(2026, 12, 9),
    )
    ParentContact.objects.create(
        school=school,
        learner=p.learner,
        at=london(date(2026, 11, 23), 10, 5),
        by=admin_assistant,
        method=ContactMethod.PHONE,
        about="Absent Monday AM",
        outcome="Dentist",
    )
    client.force_login(pastoral)
    body = client.get(reverse("attendance:learner_attendance", args=[p.learner_id])).content.decode()
    assert "N → I" in body and "Mother rang: appointment" in body and str(admin_assistant) in body
    assert "Home visit" in body and "due Wednesday 9 December 2026" in body
    assert "Absent Monday AM" in body
    assert reverse("attendance:intervention_create", args=[p.learner_id]) in body
    assert reverse("attendance:parent_contact_create", args=[p.learner_id]) in body


def test_sendco_sees_the_page_without_the_buttons_to_add(client, school, autumn, active_placement, sendco):
    client.force_login(sendco)
    response = client.get(reverse("attendance:learner_attendance", args=[active_placement.learner_id]))
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("attendance:intervention_create", args=[active_placement.learner_id]) not in body
    assert reverse("attendance:parent_contact_create", args=[active_placement.learner_id]) not in body


def test_admin_assistant_may_record_contact_but_not_interventions(
    client, autumn, active_placement, admin_assistant
):
    client.force_login(admin_assistant)
    body = client.get(
        reverse("attendance:learner_attendance", args=[active_placement.learner_id])
    ).content.decode()
    assert reverse("attendance:parent_contact_create", args=[active_placement.learner_id]) in body
    assert reverse("attendance:intervention_create", args=[active_placement.learner_id]) not in body


def test_learner_page_without_term_dates_says_so(client, school, pastoral):
    learner = LearnerFactory(school=school)
    client.force_login(pastoral)
    body = client.get(reverse("attendance:learner_attendance", args=[learner.pk])).content.decode()
    assert "There are no term dates yet" in body


def test_another_term_of_the_school_can_be_shown(client, school, autumn, active_placement, pastoral):
    spring = TermFactory(
        school=school,
        name="spring",
        school_year="2026/27",
        start_date=date(2027, 1, 5),
        end_date=date(2027, 3, 26),
        half_term_start=date(2027, 2, 15),
        half_term_end=date(2027, 2, 19),
    )
    client.force_login(pastoral)
    url = reverse("attendance:learner_attendance", args=[active_placement.learner_id])
    body = client.get(url, {"term": spring.pk}).content.decode()
    assert "Spring term 2026/27" in body
    assert "Tue 5 Jan AM: Expected, still to come" in body


def test_another_schools_term_is_404(client, school, other_school, autumn, active_placement, pastoral):
    theirs = TermFactory(school=other_school, school_year="2026/27")
    client.force_login(pastoral)
    url = reverse("attendance:learner_attendance", args=[active_placement.learner_id])
    assert client.get(url, {"term": theirs.pk}).status_code == 404
    assert client.get(url, {"term": "autumn"}).status_code == 404


@pytest.mark.parametrize("persona", ["finance", "exams", "board"])
def test_learner_page_is_refused_without_attendance_view(client, persona, request, active_placement):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("attendance:learner_attendance", args=[active_placement.learner_id])
    assert client.get(url).status_code == 403


def test_another_schools_learner_is_404(client, other_school, autumn, pastoral):
    learner = LearnerFactory(school=other_school)
    client.force_login(pastoral)
    for name in ("learner_attendance", "intervention_create", "parent_contact_create"):
        assert client.get(reverse(f"attendance:{name}", args=[learner.pk])).status_code == 404


# Recording interventions and parent contact ----------------------------------------


def test_pastoral_records_an_intervention(client, school, autumn, active_placement, pastoral):
    client.force_login(pastoral)
    url = reverse("attendance:intervention_create", args=[active_placement.learner_id])
    response = client.post(
        url,
        {
            "kind": InterventionKind.MEETING,
            "date": "2026-11-30",
            "outcome": "Agreed a reduced timetable review with mum",
            "next_step": "Review attendance",
            "next_step_due": "2026-12-14",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "attendance:learner_attendance", args=[active_placement.learner_id]
    )
    intervention = Intervention.objects.get()
    assert (intervention.school, intervention.learner, intervention.by) == (
        school,
        active_placement.learner,
        pastoral,
    )


def test_next_step_due_before_the_date_is_refused_and_keeps_what_was_typed(
    client, autumn, active_placement, pastoral
):
    client.force_login(pastoral)
    url = reverse("attendance:intervention_create", args=[active_placement.learner_id])
    response = client.post(
        url,
        {
            "kind": InterventionKind.LETTER,
            "date": "2026-11-30",
            "outcome": "Letter one sent home",
            "next_step": "Meeting",
            "next_step_due": "2026-11-27",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "The next step cannot be due before the intervention" in body
    assert "Letter one sent home" in body
    assert not Intervention.objects.exists()


def test_the_forms_start_from_today_and_now(client, autumn, active_placement, pastoral):
    client.force_login(pastoral)
    learner_id = active_placement.learner_id
    body = client.get(reverse("attendance:intervention_create", args=[learner_id])).content.decode()
    assert 'value="2026-11-30"' in body
    body = client.get(reverse("attendance:parent_contact_create", args=[learner_id])).content.decode()
    assert 'value="2026-11-30T11:00"' in body


def test_an_intervention_in_the_future_is_refused(client, autumn, active_placement, pastoral):
    client.force_login(pastoral)
    url = reverse("attendance:intervention_create", args=[active_placement.learner_id])
    response = client.post(url, {"kind": InterventionKind.LETTER, "date": "2026-12-01", "outcome": "Planned"})
    assert "cannot be in the future" in response.content.decode()
    assert not Intervention.objects.exists()


@pytest.mark.parametrize("persona", ["admin_assistant", "sendco", "finance", "exams"])
def test_intervention_is_refused_without_the_intervene_right(client, persona, request, active_placement):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("attendance:intervention_create", args=[active_placement.learner_id])
    assert client.get(url).status_code == 403


def contact_post(contact, **overrides):
    data = {
        "contact": contact.pk,
        "at": "2026-11-30T10:40",
        "method": ContactMethod.PHONE,
        "reached": "on",
        "about": "Unexplained absence 30/11/2026 AM (N)",
        "outcome": "Mum says he overslept; will be in this afternoon",
    }
    return data | overrides


def test_admin_assistant_records_contact_with_a_parent(
    client, school, autumn, active_placement, admin_assistant
):
    contact = ContactFactory(learner=active_placement.learner, name="Jo Brookes")
    client.force_login(admin_assistant)
    url = reverse("attendance:parent_contact_create", args=[active_placement.learner_id])
    assert "Jo Brookes (Mother) – 07700 900000" in client.get(url).content.decode()

    response = client.post(url, contact_post(contact))

    assert response.status_code == 302
    saved = ParentContact.objects.get()
    assert (saved.school, saved.learner, saved.contact, saved.by) == (
        school,
        active_placement.learner,
        contact,
        admin_assistant,
    )
    assert saved.at == london(MONDAY, 10, 40)


def test_the_prompt_fills_in_what_the_contact_is_about(client, autumn, active_placement, admin_assistant):
    client.force_login(admin_assistant)
    url = reverse("attendance:parent_contact_create", args=[active_placement.learner_id])
    body = client.get(url, {"about": "Unexplained absence 30/11/2026 AM (N)"}).content.decode()
    assert 'value="Unexplained absence 30/11/2026 AM (N)"' in body


def test_another_learners_contact_is_refused_and_keeps_what_was_typed(
    client, school, autumn, active_placement, admin_assistant
):
    theirs = ContactFactory(learner=LearnerFactory(school=school))
    client.force_login(admin_assistant)
    url = reverse("attendance:parent_contact_create", args=[active_placement.learner_id])
    response = client.post(url, contact_post(theirs))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Choose one of Tyler Brookes&#x27;s recorded contacts." in body
    assert "will be in this afternoon" in body
    assert not ParentContact.objects.exists()


def test_a_contact_in_the_future_is_refused(client, autumn, active_placement, admin_assistant):
    contact = ContactFactory(learner=active_placement.learner)
    client.force_login(admin_assistant)
    url = reverse("attendance:parent_contact_create", args=[active_placement.learner_id])
    response = client.post(url, contact_post(contact, at="2026-11-30T15:00"))
    assert "cannot be in the future" in response.content.decode()


@pytest.mark.parametrize("persona", ["sendco", "finance", "exams"])
def test_parent_contact_is_refused_without_the_contact_right(client, persona, request, active_placement):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("attendance:parent_contact_create", args=[active_placement.learner_id])
    assert client.get(url).status_code == 403
