"""The admin assistant's Today page and its actions: resend, chase, revoke, close a flag."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from altprov.models import Flag, FlagStage, LinkPurpose, LinkToken
from attendance.daily_links import email_register_link
from attendance.missing import check_missing_reports, close_flag
from attendance.models import ChaseNote, MarkStatus, ParentContact, Source
from attendance.recording import MarkInput, record_marks
from placements.models import Status

from ..factories import LearnerFactory, PlacementFactory, ProviderClosureFactory, ProviderFactory, TermFactory
from .conftest import MONDAY, london

pytestmark = pytest.mark.django_db

TODAY = reverse("attendance:today")


@pytest.fixture(autouse=True)
def monday_morning():
    """Monday at 10:30 unless a test travels elsewhere (sessions last 8 hours: log in on the day)."""
    with time_machine.travel(london(MONDAY, 10, 30), tick=False):
        yield


def mark(
    placement, session, status=MarkStatus.PRESENT, code="", day=MONDAY, by=None, source=Source.PROVIDER_LINK
):
    return record_marks(
        school=placement.school,
        entries=[MarkInput(placement=placement, day=day, session=session, status=status, code=code)],
        source=source,
        by=by,
    )


def check_flags(hour, minute=0):
    with time_machine.travel(london(MONDAY, hour, minute), tick=False):
        return check_missing_reports()


def get_today(client, user, hour=10, minute=30, **params):
    # Signed in at the time of the visit: a session ends after 30 minutes unused.
    with time_machine.travel(london(MONDAY, hour, minute), tick=False):
        client.force_login(user)
        return client.get(TODAY, params)


# States ---------------------------------------------------------------------------


def test_provider_not_reported_before_the_cutoff_is_due(client, admin_assistant, active_placement):
    body = get_today(client, admin_assistant, 9, 30).content.decode()
    assert "Riverside Skills" in body and "Tyler Brookes" in body
    assert '<span class="rag rag-amber">Due</span>' in body
    assert "0 of 2 marks in; due by 10:00" in body
    assert "Not yet" in body


def test_provider_with_every_session_marked_before_the_cutoff_is_reported(
    client, admin_assistant, active_placement
):
    mark(active_placement, "AM")
    mark(active_placement, "PM", MarkStatus.ABSENT, "I")
    body = get_today(client, admin_assistant, 9, 30).content.decode()
    assert '<span class="rag rag-green">Reported</span>' in body
    assert "All 2 marks in" in body
    assert "Present" in body and "Absent: illness" in body
    assert '<abbr title="Illness (not medical or dental appointment)"' in body


def test_morning_marked_after_its_cutoff_is_reported_while_afternoon_is_not_due(
    client, admin_assistant, active_placement
):
    mark(active_placement, "AM")
    body = get_today(client, admin_assistant, 10, 30).content.decode()
    assert '<span class="rag rag-green">Reported</span>' in body
    assert "AM reported; PM due by 14:00" in body


def test_morning_half_marked_before_the_cutoff_is_still_due(client, admin_assistant, active_placement):
    mark(active_placement, "AM")
    body = get_today(client, admin_assistant, 9, 30).content.decode()
    assert '<span class="rag rag-amber">Due</span>' in body
    assert "1 of 2 marks in; due by 14:00" in body


def test_overdue_before_the_job_flags_it_still_reads_due(client, admin_assistant, active_placement):
    body = get_today(client, admin_assistant, 10, 1).content.decode()
    assert '<span class="rag rag-amber">Due</span>' in body
    assert "AM not reported: was due by 10:00" in body


def test_flag_raised_reads_missing(client, admin_assistant, active_placement):
    check_flags(10, 5)
    body = get_today(client, admin_assistant, 10, 30).content.decode()
    assert '<span class="rag rag-red">Missing</span>' in body
    assert "AM not reported by 10:00; flagged at 10:05" in body
    assert "Close the AM flag" in body


def test_flag_escalated_reads_escalated(client, admin_assistant, active_placement):
    check_flags(10, 5)
    check_flags(12, 0)
    assert Flag.objects.get().stage == FlagStage.ESCALATED
    body = get_today(client, admin_assistant, 12, 10).content.decode()
    assert '<span class="rag rag-red">Escalated</span>' in body
    assert "escalated to the pastoral lead at 12:00" in body


def test_who_was_told_shows_on_the_provider_before_any_escalation(
    client, admin_assistant, pastoral, dsl, active_placement
):
    learner = active_placement.learner
    learner.looked_after = True
    learner.save()
    check_flags(10, 5)
    body = get_today(client, admin_assistant, 10, 10).content.decode()
    assert "Told: the admin assistants at 10:05 (AM); the DSL at 10:05 (AM), by email and in altprov." in body
    assert "pastoral team" not in body
    # The DSL's notice names no learner on a page every attendance role reads.
    assert "looked-after" not in body.lower()

    check_flags(12, 0)
    body = get_today(client, admin_assistant, 12, 10).content.decode()
    assert "the pastoral team at 12:00 (AM), by email and in altprov" in body


def test_escalated_flags_are_on_the_head_and_pastoral_home_pages(client, head, pastoral, active_placement):
    check_flags(10, 5)
    client.force_login(head)
    assert "Riverside Skills has not reported AM" not in client.get(reverse("home")).content.decode()
    check_flags(12, 0)
    for user in (head, pastoral):
        with time_machine.travel(london(MONDAY, 12, 10), tick=False):
            client.force_login(user)
            body = client.get(reverse("home")).content.decode()
        assert "Riverside Skills has not reported AM attendance for Monday 30 November 2026" in body
        assert f'href="{TODAY}?day=2026-11-30"' in body


def test_provider_closed_today_reads_closed(client, admin_assistant, provider, active_placement):
    ProviderClosureFactory(provider=provider, start_date=MONDAY, end_date=MONDAY, reason="Heating failed")
    check_flags(10, 5)
    assert not Flag.objects.exists()
    body = get_today(client, admin_assistant, 10, 30).content.decode()
    assert '<span class="rag rag-grey">Closed</span>' in body
    assert "Closed today: Heating failed" in body
    assert "Provider closed" in body


def test_flag_closed_with_a_reason_reads_resolved(client, admin_assistant, active_placement):
    check_flags(10, 5)
    close_flag(flag=Flag.objects.get(), by=admin_assistant, reason="Phoned: marks tomorrow")
    body = get_today(client, admin_assistant, 10, 30).content.decode()
    assert '<span class="rag rag-grey">Resolved</span>' in body
    assert "AM flag closed by Alex: Phoned: marks tomorrow" in body


def test_afternoon_still_due_after_the_morning_flag_was_closed(client, admin_assistant, active_placement):
    check_flags(10, 5)
    close_flag(flag=Flag.objects.get(), by=admin_assistant, reason="Phoned: marks tomorrow")
    body = get_today(client, admin_assistant, 14, 30).content.decode()
    assert '<span class="rag rag-amber">Due</span>' in body
    assert "PM not reported: was due by 14:00" in body
    assert "AM flag closed at 10:30 by Alex: Phoned: marks tomorrow" in body


def test_marks_arriving_after_a_flag_read_reported(client, admin_assistant, active_placement):
    check_flags(10, 5)
    mark(active_placement, "AM")
    assert Flag.objects.get().resolved_at is not None
    body = get_today(client, admin_assistant, 10, 30).content.decode()
    assert '<span class="rag rag-green">Reported</span>' in body


def test_most_urgent_providers_come_first(client, school, admin_assistant, active_placement):
    calm = ProviderFactory(name="Aardvark Arts")
    PlacementFactory(
        learner=LearnerFactory(school=school),
        provider=calm,
        status=Status.ACTIVE,
        start_date=MONDAY - timedelta(days=60),
        activated_on=MONDAY - timedelta(days=60),
    )
    mark(calm.placements.get(), "AM")
    check_flags(10, 5)
    body = get_today(client, admin_assistant, 10, 30).content.decode()
    assert body.index("Riverside Skills") < body.index("Aardvark Arts")


def test_not_a_school_day_says_so(client, admin_assistant, active_placement):
    client.force_login(admin_assistant)
    saturday = MONDAY - timedelta(days=2)
    with time_machine.travel(london(saturday, 10), tick=False):
        body = client.get(TODAY).content.decode()
    assert "is not a school day" in body
    assert "Riverside Skills" not in body


def test_another_day_can_be_looked_at(client, admin_assistant, active_placement):
    tuesday = MONDAY + timedelta(days=1)
    body = get_today(client, admin_assistant, day=tuesday.isoformat()).content.decode()
    assert "Tuesday 1 December 2026" in body
    assert "Tyler Brookes" in body


def test_bad_day_falls_back_to_today_with_a_message(client, admin_assistant, active_placement):
    body = get_today(client, admin_assistant, day="30/11/2026").content.decode()
    assert "is not a date (use YYYY-MM-DD)" in body
    assert "Monday 30 November 2026" in body


@pytest.mark.parametrize("persona", ["finance", "exams"])
def test_roles_without_attendance_are_refused(request, client, persona, active_placement):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(TODAY).status_code == 403


def test_sendco_sees_today_but_no_actions(client, sendco, active_placement):
    body = get_today(client, sendco).content.decode()
    assert "Riverside Skills" in body
    assert "Record call or email" not in body and "Resend link" not in body


def test_another_schools_providers_are_not_shown(client, other_head, active_placement, other_school):
    TermFactory(school=other_school)
    body = get_today(client, other_head).content.decode()
    assert "Riverside Skills" not in body
    assert "No learners are expected" in body


# Live refresh --------------------------------------------------------------------


def test_page_polls_for_its_live_part_and_htmx_gets_only_that(client, admin_assistant, active_placement):
    page = get_today(client, admin_assistant).content.decode()
    assert "vendor/htmx-2.0.11/htmx.min.js" in page
    # static/js/today.js fires the event every data-refresh-seconds while nobody is typing in the table.
    assert 'hx-trigger="today-refresh"' in page and 'data-refresh-seconds="60"' in page
    assert "js/today.js" in page
    assert "Refresh now" in page  # without JavaScript, a plain link
    client.force_login(admin_assistant)
    with time_machine.travel(london(MONDAY, 10, 30), tick=False):
        response = client.get(TODAY, headers={"HX-Request": "true"})
    part = response.content.decode()
    assert part.lstrip().startswith('<div id="today-live"')
    assert "<html" not in part and "Riverside Skills" in part
    assert "HX-Request" in response["Vary"]


# Contact parents -----------------------------------------------------------------


def test_unexplained_absence_without_parent_contact_is_listed_until_contact_is_logged(
    client, school, admin_assistant, active_placement
):
    other = PlacementFactory(
        learner=LearnerFactory(school=school, legal_first_name="Maya", legal_last_name="Reid"),
        provider=active_placement.provider,
        status=Status.ACTIVE,
        start_date=MONDAY - timedelta(days=60),
        activated_on=MONDAY - timedelta(days=60),
    )
    mark(active_placement, "AM", MarkStatus.ABSENT, "N")
    mark(active_placement, "PM", MarkStatus.ABSENT, "O", by=admin_assistant, source=Source.PHONE)
    mark(other, "AM", MarkStatus.ABSENT, "I")
    body = get_today(client, admin_assistant).content.decode()
    section = body[body.index("Contact parents today") :]
    assert "Tyler Brookes" in section and "Maya Reid" not in section
    assert "AM <abbr" in section and "PM <abbr" in section
    url = reverse("attendance:parent_contact_create", args=[active_placement.learner.pk])
    assert url in section
    ParentContact.objects.create(
        school=school,
        learner=active_placement.learner,
        at=london(MONDAY, 10, 15),
        by=admin_assistant,
        method="phone",
        about="Absent this morning",
        outcome="Mum says unwell",
    )
    section = get_today(client, admin_assistant).content.decode().split("Contact parents today")[1]
    assert "Tyler Brookes" not in section
    assert "Nobody to call." in section


def test_parent_contact_yesterday_does_not_count_today(client, school, admin_assistant, active_placement):
    mark(active_placement, "AM", MarkStatus.ABSENT, "N")
    ParentContact.objects.create(
        school=school,
        learner=active_placement.learner,
        at=london(MONDAY - timedelta(days=3), 15),
        by=admin_assistant,
        method="phone",
        about="Friday",
        outcome="Spoke to dad",
    )
    section = get_today(client, admin_assistant).content.decode().split("Contact parents today")[1]
    assert "Tyler Brookes" in section


# Query count ---------------------------------------------------------------------


def populate(school, dsl, providers: int, learners: int):
    """Providers with learners timetabled on Monday, in every state, with notes and links."""
    made = []
    for n in range(providers):
        provider = ProviderFactory()
        for _ in range(learners):
            placement = PlacementFactory(
                learner=LearnerFactory(school=school),
                provider=provider,
                status=Status.ACTIVE,
                start_date=MONDAY - timedelta(days=60),
                activated_on=MONDAY - timedelta(days=60),
                mon_pm=True,
            )
            if n % 3 == 0:
                mark(placement, "AM", MarkStatus.ABSENT, "N")
        if n % 3 == 1:
            ProviderClosureFactory(provider=provider, start_date=MONDAY, end_date=MONDAY)
        ChaseNote.objects.create(school=school, provider=provider, day=MONDAY, by=dsl, note="Voicemail")
        email_register_link(school=school, provider=provider, by=dsl)
        made.append(provider)
    check_flags(10, 5)
    return made


def test_today_query_count_does_not_grow_with_providers_and_learners(
    client, school, autumn, dsl, admin_assistant, django_assert_max_num_queries
):
    # session, user, memberships, schools, unread count; the school with its cut-offs; terms
    # and school closures (is it a school day?); expected sessions: placements, their timetable
    # versions, terms, school closures, provider closures; placements with learners and providers,
    # and their timetable versions; provider closures today; marks with learners and providers;
    # missing-report flags and who was told; chase notes; usable links; parent contacts today.
    populate(school, dsl, providers=2, learners=2)
    client.force_login(admin_assistant)
    with django_assert_max_num_queries(21):
        assert client.get(TODAY).status_code == 200
    populate(school, dsl, providers=4, learners=4)
    with django_assert_max_num_queries(21):
        body = client.get(TODAY).content.decode()
    assert body.count('<tr id="provider-') == 6
    assert "Missing" in body and "Closed" in body


# Resend the link -----------------------------------------------------------------


def test_resend_issues_a_new_link_emails_it_once_and_shows_it(
    client, admin_assistant, provider, active_placement, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(admin_assistant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("attendance:resend_link", args=[provider.pk]), follow=True)
    link = LinkToken.objects.get()
    assert (link.subject, link.created_by, link.purpose) == (
        provider,
        admin_assistant,
        LinkPurpose.PROVIDER_REGISTER,
    )
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [provider.attendance_contact_email]
    body = response.content.decode()
    assert f"/l/{link.pk}." in body
    assert f"/l/{link.pk}." in mailoutbox[0].body


def test_resend_withdraws_the_providers_older_links(
    client, admin_assistant, provider, active_placement, django_capture_on_commit_callbacks
):
    client.force_login(admin_assistant)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("attendance:resend_link", args=[provider.pk]))
        response = client.post(reverse("attendance:resend_link", args=[provider.pk]), follow=True)
    first, second = LinkToken.objects.order_by("pk")
    assert first.revoked_at is not None and first.revoked_by == admin_assistant
    assert second.revoked_at is None
    body = response.content.decode()
    assert "older links no longer work" in body
    assert f"/l/{second.pk}." in body
    assert "Register links (1 working)" in body


def test_resend_is_post_only(client, admin_assistant, provider, active_placement):
    client.force_login(admin_assistant)
    assert client.get(reverse("attendance:resend_link", args=[provider.pk])).status_code == 405
    assert not LinkToken.objects.exists()


@pytest.mark.parametrize("persona", ["finance", "exams", "sendco"])
def test_resend_refused_without_attendance_record(request, client, persona, provider, active_placement):
    client.force_login(request.getfixturevalue(persona))
    assert client.post(reverse("attendance:resend_link", args=[provider.pk])).status_code == 403
    assert not LinkToken.objects.exists()


def test_resend_for_a_provider_the_school_does_not_use_is_404(client, other_head, provider, active_placement):
    client.force_login(other_head)
    assert client.post(reverse("attendance:resend_link", args=[provider.pk])).status_code == 404


# Chase notes ---------------------------------------------------------------------


def test_chase_note_is_saved_and_shown(client, admin_assistant, provider, active_placement):
    client.force_login(admin_assistant)
    with time_machine.travel(london(MONDAY, 10, 5), tick=False):
        response = client.post(reverse("attendance:chase", args=[provider.pk]), {"note": "Left voicemail"})
    assert response.status_code == 302
    note = ChaseNote.objects.get()
    assert (note.day, note.by, note.note) == (MONDAY, admin_assistant, "Left voicemail")
    body = get_today(client, admin_assistant).content.decode()
    assert "Chased at 10:05 by Alex: Left voicemail" in body


def test_chase_note_defaults_and_is_required(client, admin_assistant, provider, active_placement):
    body = get_today(client, admin_assistant).content.decode()
    assert 'value="Chased by phone"' in body
    client.force_login(admin_assistant)
    response = client.post(reverse("attendance:chase", args=[provider.pk]), {"note": "  "})
    body = response.content.decode()
    assert "<title>Error: Note a chase of Riverside Skills" in body
    assert '<a class="alert-link" href="#id_note">Enter a short note of how you chased the provider' in body
    assert not ChaseNote.objects.exists()


def test_chase_refused_for_finance_and_other_school(client, finance, other_head, provider, active_placement):
    url = reverse("attendance:chase", args=[provider.pk])
    client.force_login(finance)
    assert client.post(url, {"note": "x"}).status_code == 403
    client.force_login(other_head)
    assert client.post(url, {"note": "x"}).status_code == 404
    assert not ChaseNote.objects.exists()


# Revoking a link -----------------------------------------------------------------


def test_revoke_link_stops_it(client, school, admin_assistant, provider, active_placement):
    email_register_link(school=school, provider=provider, by=admin_assistant)
    link = LinkToken.objects.get()
    body = get_today(client, admin_assistant).content.decode()
    assert reverse("attendance:revoke_link", args=[link.pk]) in body
    response = client.post(reverse("attendance:revoke_link", args=[link.pk]))
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None and link.revoked_by == admin_assistant


def test_revoke_refused_for_wrong_role_and_other_schools_link(
    client, school, other_school, admin_assistant, finance, other_head, provider, active_placement
):
    email_register_link(school=school, provider=provider, by=admin_assistant)
    link = LinkToken.objects.get()
    url = reverse("attendance:revoke_link", args=[link.pk])
    client.force_login(finance)
    assert client.post(url).status_code == 403
    client.force_login(other_head)
    assert client.post(url).status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


# Closing a flag ------------------------------------------------------------------


def test_close_flag_needs_a_reason_then_closes_it(client, admin_assistant, active_placement):
    check_flags(10, 5)
    flag = Flag.objects.get()
    url = reverse("attendance:close_flag", args=[flag.pk])
    client.force_login(admin_assistant)
    assert "Why close it?" in client.get(url).content.decode()
    body = client.post(url, {"reason": ""}).content.decode()
    assert "Say why the flag can be closed without the marks." in body
    flag.refresh_from_db()
    assert flag.resolved_at is None
    response = client.post(url, {"reason": "Provider phoned: all present"})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert (flag.resolved_by, flag.resolution) == (admin_assistant, "Provider phoned: all present")
    response = client.get(url, follow=True)
    assert "That flag is already closed" in response.content.decode()


def test_close_flag_refused_for_wrong_role_and_other_school(client, finance, other_head, active_placement):
    check_flags(10, 5)
    url = reverse("attendance:close_flag", args=[Flag.objects.get().pk])
    client.force_login(finance)
    assert client.post(url, {"reason": "x"}).status_code == 403
    client.force_login(other_head)
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert Flag.objects.get().resolved_at is None


def test_a_date_outside_the_registers_kept_is_refused_not_a_server_error(
    client, admin_assistant, active_placement
):
    for value in ("0001-01-01", "9999-12-31"):
        response = get_today(client, admin_assistant, day=value)
        assert response.status_code == 200
        assert "outside the registers kept" in response.content.decode()
        record = reverse("attendance:record_marks", args=[active_placement.provider.pk])
        with time_machine.travel(london(MONDAY, 10, 30), tick=False):
            assert client.get(record, {"day": value}).status_code == 200


def test_a_huge_flag_id_is_not_found(client, admin_assistant):
    client.force_login(admin_assistant)
    url = reverse("attendance:close_flag", args=[10**20])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "x"}).status_code == 404


def test_both_sessions_escalated_are_both_named(client, admin_assistant, active_placement):
    check_flags(14, 5)
    check_flags(16, 5)
    body = get_today(client, admin_assistant, 16, 10).content.decode()
    assert "AM not reported; escalated to the pastoral lead" in body
    assert "PM not reported; escalated to the pastoral lead at 16:05" in body
