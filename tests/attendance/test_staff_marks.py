"""Staff recording a provider's phone call or email, correcting marks, and the N-code review."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from altprov.models import Notification, Role
from attendance.models import AttendanceMark, MarkAmendment, MarkStatus, Source
from attendance.recording import MarkInput, record_marks
from placements.models import ClosureKind, Status

from ..factories import LearnerFactory, MembershipFactory, PlacementFactory, SchoolClosureFactory, TermFactory
from .conftest import MONDAY, london

pytestmark = pytest.mark.django_db

WEDNESDAY = MONDAY + timedelta(days=2)


@pytest.fixture(autouse=True)
def monday_morning():
    """Monday at 10:30 unless a test travels elsewhere (sessions last 8 hours: log in on the day)."""
    with time_machine.travel(london(MONDAY, 10, 30), tick=False):
        yield


def record_url(provider, day=MONDAY):
    return f"{reverse('attendance:record_marks', args=[provider.pk])}?day={day.isoformat()}"


def mark(placement, session, status=MarkStatus.PRESENT, code="", day=MONDAY):
    record_marks(
        school=placement.school,
        entries=[MarkInput(placement=placement, day=day, session=session, status=status, code=code)],
        source=Source.PROVIDER_LINK,
    )
    return AttendanceMark.objects.get(placement=placement, date=day, session=session)


def row_field(placement, session, name, day=MONDAY):
    return f"marks-{day:%Y%m%d}-{placement.pk}-{session.lower()}-{name}"


def rows_post(placement, *rows, day=MONDAY, source="phone", reason="", rest=""):
    """Post data for the staff form: (status, code, minutes, note) for `placement`'s AM, then PM."""
    data = {"form": "marks", "source": source, "reason": reason, "rest": rest}
    for session, values in zip(("AM", "PM"), rows, strict=False):
        data.update(
            {
                row_field(placement, session, name, day): value
                for name, value in zip(("status", "code", "late_minutes", "note"), values, strict=True)
            }
        )
    return data


# Recording a call or email -----------------------------------------------------------


def test_form_shows_the_days_expected_sessions_with_existing_marks(
    client, admin_assistant, provider, active_placement
):
    mark(active_placement, "AM")
    client.force_login(admin_assistant)
    body = client.get(record_url(provider)).content.decode()
    assert "Monday 30 November 2026" in body
    assert "Tyler Brookes · AM" in body and "Tyler Brookes · PM" in body
    assert "Recorded: <abbr" in body and "provider (register link)" in body
    assert "How did they tell you?" in body
    # Tuesday has a morning session only.
    body = client.get(record_url(provider, MONDAY + timedelta(days=1))).content.decode()
    assert "Tyler Brookes · AM" in body and "Tyler Brookes · PM" not in body


def test_phone_call_records_marks_with_source_and_who(client, admin_assistant, provider, active_placement):
    client.force_login(admin_assistant)
    data = rows_post(
        active_placement, ("late", "", "15", "Bus late"), ("absent", "I", "", "Sent home ill"), source="phone"
    )
    response = client.post(record_url(provider), data)
    assert response.status_code == 302
    am = AttendanceMark.objects.get(session="AM")
    pm = AttendanceMark.objects.get(session="PM")
    assert (am.status, am.code, am.late_minutes, am.note) == ("late", "B", 15, "Bus late")
    assert (pm.status, pm.code, pm.note) == ("absent", "I", "Sent home ill")
    assert {am.source, pm.source} == {Source.PHONE}
    assert {am.entered_by, pm.entered_by} == {admin_assistant}
    assert not am.is_extra


def test_email_and_mark_the_rest_present(client, admin_assistant, provider, active_placement):
    client.force_login(admin_assistant)
    data = rows_post(
        active_placement, ("absent", "M", "", ""), ("", "", "", ""), source="email", rest="present"
    )
    assert client.post(record_url(provider), data).status_code == 302
    assert dict(AttendanceMark.objects.values_list("session", "code")) == {"AM": "M", "PM": "B"}
    assert set(AttendanceMark.objects.values_list("source", flat=True)) == {Source.EMAIL}


def test_blank_sessions_stay_unrecorded(client, admin_assistant, provider, active_placement):
    client.force_login(admin_assistant)
    assert (
        client.post(
            record_url(provider), rows_post(active_placement, ("present", "", "", ""), ("", "", "", ""))
        ).status_code
        == 302
    )
    assert list(AttendanceMark.objects.values_list("session", flat=True)) == ["AM"]


def test_how_they_told_you_is_required_and_input_is_kept(client, admin_assistant, provider, active_placement):
    client.force_login(admin_assistant)
    body = client.post(
        record_url(provider),
        rows_post(active_placement, ("absent", "I", "", "Flu"), ("", "", "", ""), source=""),
    ).content.decode()
    assert "Say how you heard: phone call, email or staff entry." in body
    assert 'value="Flu"' in body
    assert not AttendanceMark.objects.exists()


def test_absent_needs_a_reason_and_late_needs_minutes(client, admin_assistant, provider, active_placement):
    client.force_login(admin_assistant)
    body = client.post(
        record_url(provider), rows_post(active_placement, ("late", "", "", "Traffic"), ("absent", "", "", ""))
    ).content.decode()
    assert "Enter how many minutes late Tyler Brookes was on Monday morning" in body
    assert "Choose a reason for Tyler Brookes&#x27;s absence on Monday afternoon" in body
    assert 'value="Traffic"' in body
    assert not AttendanceMark.objects.exists()


def test_nothing_chosen_says_so(client, admin_assistant, provider, active_placement):
    client.force_login(admin_assistant)
    body = client.post(
        record_url(provider), rows_post(active_placement, ("", "", "", ""), ("", "", "", ""))
    ).content.decode()
    assert "Nothing to record" in body


def test_changing_a_mark_needs_a_reason_and_keeps_the_old_value(
    client, admin_assistant, provider, active_placement
):
    original = mark(active_placement, "AM")
    client.force_login(admin_assistant)
    data = rows_post(active_placement, ("absent", "I", "", ""), ("present", "", "", ""))
    body = client.post(record_url(provider), data).content.decode()
    assert "You changed a mark already recorded: Tyler Brookes AM (B)" in body
    original.refresh_from_db()
    assert original.code == "B"
    assert not AttendanceMark.objects.filter(session="PM").exists()

    data["reason"] = "Provider rang back: he went home ill at 9"
    assert client.post(record_url(provider), data).status_code == 302
    original.refresh_from_db()
    assert (original.status, original.code, original.source) == ("absent", "I", Source.PROVIDER_LINK)
    amendment = MarkAmendment.objects.get()
    assert (amendment.old_code, amendment.new_code, amendment.by) == ("B", "I", admin_assistant)
    assert amendment.reason == "Provider rang back: he went home ill at 9"
    assert AttendanceMark.objects.get(session="PM").code == "B"


def test_unchanged_existing_mark_needs_no_reason(client, admin_assistant, provider, active_placement):
    mark(active_placement, "AM")
    client.force_login(admin_assistant)
    assert (
        client.post(
            record_url(provider),
            rows_post(active_placement, ("present", "", "", ""), ("present", "", "", "")),
        ).status_code
        == 302
    )
    assert not MarkAmendment.objects.exists()
    assert AttendanceMark.objects.count() == 2


def test_future_day_cannot_be_recorded(client, admin_assistant, provider, active_placement):
    client.force_login(admin_assistant)
    tuesday = MONDAY + timedelta(days=1)
    body = client.get(record_url(provider, tuesday)).content.decode()
    assert "This day has not happened yet" in body
    body = client.post(
        record_url(provider, tuesday), rows_post(active_placement, ("present", "", "", ""), day=tuesday)
    ).content.decode()
    assert "cannot be recorded for a day that has not happened yet" in body
    assert not AttendanceMark.objects.exists()


@pytest.mark.parametrize("persona", ["finance", "exams", "sendco"])
def test_recording_refused_without_attendance_record(request, client, persona, provider, active_placement):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(record_url(provider)).status_code == 403
    assert (
        client.post(record_url(provider), rows_post(active_placement, ("present", "", "", ""))).status_code
        == 403
    )
    assert not AttendanceMark.objects.exists()


def test_another_schools_provider_is_404(client, other_head, provider, active_placement):
    client.force_login(other_head)
    assert client.get(record_url(provider)).status_code == 404


# Extra sessions ------------------------------------------------------------------


def extra_post(placement, day=WEDNESDAY, session="AM", confirm=False, **overrides):
    data = {
        "form": "extra",
        "extra-placement": placement.pk,
        "extra-day": day.isoformat(),
        "extra-session": session,
        "extra-status": "present",
        "extra-code": "",
        "extra-late_minutes": "",
        "extra-note": "Catch-up session",
        "extra-source": "staff",
    }
    if confirm:
        data["extra-confirm_extra"] = "on"
    data.update(overrides)
    return data


def test_extra_session_needs_confirmation(client, admin_assistant, provider, active_placement):
    with time_machine.travel(london(WEDNESDAY, 15), tick=False):
        client.force_login(admin_assistant)
        body = client.post(record_url(provider, WEDNESDAY), extra_post(active_placement)).content.decode()
        assert "is not on Tyler Brookes&#x27;s timetable" in body
        assert "Tick “Confirm this as an extra session” to record it." in body
        assert 'value="Catch-up session"' in body
        assert not AttendanceMark.objects.exists()
        response = client.post(record_url(provider, WEDNESDAY), extra_post(active_placement, confirm=True))
    assert response.status_code == 302
    extra = AttendanceMark.objects.get()
    assert (extra.date, extra.session, extra.code, extra.is_extra) == (WEDNESDAY, "AM", "B", True)
    assert (extra.source, extra.entered_by) == (Source.STAFF, admin_assistant)


def test_timetabled_session_through_the_extra_form_is_not_extra(
    client, admin_assistant, provider, active_placement
):
    client.force_login(admin_assistant)
    response = client.post(record_url(provider), extra_post(active_placement, day=MONDAY, session="PM"))
    assert response.status_code == 302
    assert AttendanceMark.objects.get().is_extra is False


def test_extra_session_refuses_a_session_already_marked_and_a_future_day(
    client, admin_assistant, provider, active_placement
):
    mark(active_placement, "AM")
    client.force_login(admin_assistant)
    body = client.post(
        record_url(provider), extra_post(active_placement, day=MONDAY, confirm=True)
    ).content.decode()
    assert "already has a mark" in body
    body = client.post(record_url(provider), extra_post(active_placement, confirm=True)).content.decode()
    assert "a day that has not happened yet" in body
    assert AttendanceMark.objects.count() == 1


def test_extra_session_only_offers_this_schools_placements_at_the_provider(
    client, other_school, admin_assistant, provider, active_placement
):
    elsewhere = PlacementFactory(
        learner=LearnerFactory(school=other_school),
        provider=provider,
        status=Status.ACTIVE,
        start_date=MONDAY,
    )
    client.force_login(admin_assistant)
    body = client.post(record_url(provider), extra_post(elsewhere, day=MONDAY, confirm=True)).content.decode()
    assert "Choose the learner from the list" in body
    assert not AttendanceMark.objects.exists()


# Amending a mark -----------------------------------------------------------------


def test_amend_keeps_the_old_value_and_shows_history(client, admin_assistant, active_placement):
    original = mark(active_placement, "AM", MarkStatus.ABSENT, "N")
    url = reverse("attendance:amend_mark", args=[original.pk])
    client.force_login(admin_assistant)
    body = client.get(url).content.decode()
    assert "None: this is the mark as first recorded." in body
    data = {"status": "absent", "code": "M", "late_minutes": "", "note": "Dentist", "reason": "Mum phoned"}
    response = client.post(url, data)
    assert response.status_code == 302
    original.refresh_from_db()
    assert (original.code, original.note) == ("M", "Dentist")
    amendment = MarkAmendment.objects.get()
    assert (amendment.old_code, amendment.old_status, amendment.new_code, amendment.by, amendment.reason) == (
        "N",
        "absent",
        "M",
        admin_assistant,
        "Mum phoned",
    )
    body = client.get(url).content.decode()
    assert "Mum phoned" in body and "Alex Admin" in body


def test_amend_needs_a_reason_and_a_change(client, admin_assistant, active_placement):
    original = mark(active_placement, "AM", MarkStatus.ABSENT, "N")
    url = reverse("attendance:amend_mark", args=[original.pk])
    client.force_login(admin_assistant)
    body = client.post(url, {"status": "absent", "code": "I", "note": "Ill", "reason": ""}).content.decode()
    assert "Give a reason for the change" in body
    assert 'value="Ill"' in body
    body = client.post(
        url, {"status": "absent", "code": "N", "note": "", "reason": "Checked"}
    ).content.decode()
    assert "Nothing has changed" in body
    assert not MarkAmendment.objects.exists()


def test_amend_to_unexplained_absence_alerts_the_dsl_for_a_vulnerable_learner(
    client, admin_assistant, dsl, active_placement
):
    learner = active_placement.learner
    learner.looked_after = True
    learner.save()
    original = mark(active_placement, "AM")
    client.force_login(admin_assistant)
    data = {"status": "absent", "code": "N", "note": "", "reason": "Provider mixed him up"}
    assert client.post(reverse("attendance:amend_mark", args=[original.pk]), data).status_code == 302
    assert Notification.objects.filter(recipient=dsl, key=f"dsl:absence:{original.pk}").exists()


def test_amend_returns_to_a_safe_next_page_only(client, admin_assistant, active_placement):
    original = mark(active_placement, "AM")
    url = reverse("attendance:amend_mark", args=[original.pk])
    client.force_login(admin_assistant)
    data = {
        "status": "absent",
        "code": "I",
        "note": "",
        "reason": "Wrong learner",
        "next": "https://evil.example/",
    }
    response = client.post(url, data)
    assert response["Location"].startswith(reverse("attendance:register_grid"))


@pytest.mark.parametrize("persona", ["finance", "exams", "sendco"])
def test_amend_refused_without_attendance_record(request, client, persona, active_placement):
    original = mark(active_placement, "AM")
    client.force_login(request.getfixturevalue(persona))
    url = reverse("attendance:amend_mark", args=[original.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"status": "absent", "code": "I", "reason": "x"}).status_code == 403


def test_amend_another_schools_mark_is_404(client, other_head, active_placement):
    original = mark(active_placement, "AM")
    client.force_login(other_head)
    assert client.get(reverse("attendance:amend_mark", args=[original.pk])).status_code == 404


# Unexplained after five school days ----------------------------------------------


def test_unexplained_lists_n_marks_from_five_school_days_ago(
    client, school, admin_assistant, active_placement
):
    # Monday 30 November: Monday 23rd was five school days ago, Tuesday 24th four.
    five_ago = mark(active_placement, "AM", MarkStatus.ABSENT, "N", day=MONDAY - timedelta(days=7))
    mark(active_placement, "AM", MarkStatus.ABSENT, "N", day=MONDAY - timedelta(days=6))
    mark(active_placement, "PM", MarkStatus.ABSENT, "O", day=MONDAY - timedelta(days=7))
    client.force_login(admin_assistant)
    body = client.get(reverse("attendance:unexplained")).content.decode()
    assert "1 mark to review" in body
    assert "Mon 23/11/2026 AM" in body and "Tue 24/11/2026" not in body
    assert reverse("attendance:amend_mark", args=[five_ago.pk]) in body


def test_unexplained_counts_school_days_not_calendar_days(client, school, admin_assistant, active_placement):
    # An INSET day on Friday 27th: Monday 23rd is now only four school days ago.
    SchoolClosureFactory(school=school, date=MONDAY - timedelta(days=3), kind=ClosureKind.INSET)
    mark(active_placement, "AM", MarkStatus.ABSENT, "N", day=MONDAY - timedelta(days=7))
    client.force_login(admin_assistant)
    body = client.get(reverse("attendance:unexplained")).content.decode()
    assert "0 marks to review" in body


def test_unexplained_shows_only_the_current_schools_marks(
    client, school, other_school, admin_assistant, active_placement
):
    TermFactory(school=other_school)
    elsewhere = PlacementFactory(
        learner=LearnerFactory(school=other_school, legal_first_name="Zed"),
        status=Status.ACTIVE,
        start_date=MONDAY - timedelta(days=60),
        activated_on=MONDAY - timedelta(days=60),
    )
    mark(elsewhere, "AM", MarkStatus.ABSENT, "N", day=MONDAY - timedelta(days=14))
    MembershipFactory(user=admin_assistant, school=other_school, role=Role.FINANCE)
    client.force_login(admin_assistant)
    body = client.get(reverse("attendance:unexplained")).content.decode()
    assert "Zed" not in body


@pytest.mark.parametrize("persona", ["finance", "exams"])
def test_unexplained_refused_for_roles_without_attendance(request, client, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("attendance:unexplained")).status_code == 403
