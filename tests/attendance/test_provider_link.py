"""The provider's daily register, through an expiring link (no account)."""

import re
import threading
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse

from altprov.links import issue_link, revoke
from altprov.models import Flag, LinkPurpose, Notification
from attendance.closed_today import CLOSED_REASON
from attendance.missing import check_missing_reports
from attendance.models import AttendanceMark, MarkAmendment, MarkStatus, Source
from attendance.recording import PROVIDER_CORRECTION, MarkInput, record_marks
from placements.models import Arrangement, ProviderClosure, Status

from ..factories import LearnerFactory, PlacementFactory, ProviderFactory, UserFactory
from .conftest import MONDAY, london

pytestmark = pytest.mark.django_db

TUESDAY = MONDAY + timedelta(days=1)
PREVIOUS_TUESDAY = MONDAY - timedelta(days=6)


@pytest.fixture
def token(school, provider):
    with time_machine.travel(london(MONDAY, 8, 0), tick=False):
        _, token = issue_link(purpose=LinkPurpose.PROVIDER_REGISTER, school=school, subject=provider)
    return token


def url(token: str) -> str:
    return reverse("link_page", kwargs={"token": token})


def get(client, token, at=None):
    with time_machine.travel(at or london(MONDAY, 9, 30), tick=False):
        return client.get(url(token))


def post(client, token, data, at=None, follow=False, **extra):
    with time_machine.travel(at or london(MONDAY, 9, 30), tick=False):
        return client.post(url(token), data, follow=follow, **extra)


def field(placement, session="am", day=MONDAY, name="status"):
    return f"marks-{day:%Y%m%d}-{placement.pk}-{session}-{name}"


def marks():
    return {
        (m.placement_id, m.date, m.session): (m.status, m.code, m.late_minutes)
        for m in AttendanceMark.objects.all()
    }


def placement_at(school, provider, **kwargs):
    kwargs.setdefault("learner", LearnerFactory(school=school))
    return PlacementFactory(
        provider=provider,
        status=Status.ACTIVE,
        start_date=date(2026, 9, 7),
        target_end_date=date(2027, 3, 26),
        activated_on=date(2026, 9, 7),
        **kwargs,
    )


# Showing the register -------------------------------------------------------


def test_register_shows_only_the_safe_name_school_phone_and_provider(client, token, active_placement):
    learner = active_placement.learner
    learner.preferred_name = "TJ"
    learner.save()
    response = get(client, token)
    assert response.status_code == 200
    page = response.content.decode()
    assert "TJ B." in page
    assert "Tyler" not in page
    assert "Brookes" not in page
    assert learner.upn not in page
    assert learner.date_of_birth.strftime("%d/%m/%Y") not in page
    assert "Northfield Academy" in page
    assert "01632 960000" in page
    assert "Riverside Skills" in page
    assert "Today, Monday 30 November 2026" in page
    assert "Not marked yet" in page


def test_get_changes_nothing(client, token, active_placement):
    get(client, token, at=london(MONDAY, 13, 0))
    assert not AttendanceMark.objects.exists()
    assert not ProviderClosure.objects.exists()


def test_current_marks_are_shown_in_words(client, school, token, active_placement, provider):
    other = placement_at(school, provider, mon_am=True)
    late = placement_at(school, provider, mon_am=True)
    record_marks(
        school=school,
        entries=[
            MarkInput(active_placement, MONDAY, "AM", MarkStatus.PRESENT),
            MarkInput(other, MONDAY, "AM", MarkStatus.ABSENT, code="I"),
            MarkInput(late, MONDAY, "AM", MarkStatus.LATE, late_minutes=10),
        ],
        source=Source.PROVIDER_LINK,
    )
    page = get(client, token).content.decode()
    badges = re.findall(
        r'<span class="rag rag-(\w+)"><span class="visually-hidden">AM mark: </span>([^<]+)<', page
    )
    # Last Tuesday's sessions, not marked, are on the page too.
    assert sorted(b for b in badges if b[0] != "grey") == [
        ("amber", "Late 10 min"),
        ("green", "Present"),
        ("red", "Absent – I Illness (not medical or dental appointment)"),
    ]
    assert "3 of 4 sessions marked" in page


def test_a_code_the_school_chose_is_not_shown_to_the_provider(client, school, token, active_placement):
    staff = UserFactory()
    record_marks(
        school=school,
        entries=[MarkInput(active_placement, MONDAY, "AM", MarkStatus.ABSENT, code="E")],
        source=Source.STAFF,
        by=staff,
    )
    page = get(client, token).content.decode()
    assert "Absent (recorded by the school)" in page
    assert "Suspended" not in page


def test_only_this_schools_learners_at_this_provider(
    client, token, school, other_school, provider, active_placement
):
    elsewhere = placement_at(school, ProviderFactory(), mon_am=True)
    other_school_learner = placement_at(
        other_school, provider, learner=LearnerFactory(school=other_school, preferred_name="Zed"), mon_am=True
    )
    page = get(client, token).content.decode()
    assert elsewhere.learner.provider_safe_name not in page
    assert other_school_learner.learner.provider_safe_name not in page


def test_no_learners_expected_today(client, token, active_placement):
    # Wednesday: the placement has no Wednesday sessions, and Tuesday is complete.
    record_marks(
        school=active_placement.school,
        entries=[MarkInput(active_placement, TUESDAY, "AM", MarkStatus.PRESENT)],
        source=Source.PROVIDER_LINK,
    )
    page = get(client, token, at=london(MONDAY + timedelta(days=2), 9, 30)).content.decode()
    assert "are expected with you today" in page
    assert "All present" not in page


# All present ----------------------------------------------------------------


def test_all_present_marks_the_morning_with_code_b(client, token, active_placement):
    response = post(client, token, {"all_present": MONDAY.isoformat()}, follow=True)
    assert response.redirect_chain == [(url(token), 302)]
    # The afternoon has not started at 09:30.
    assert marks() == {(active_placement.pk, MONDAY, "AM"): ("present", "B", None)}
    mark = AttendanceMark.objects.get()
    assert (mark.source, mark.entered_by) == (Source.PROVIDER_LINK, None)
    assert "Thank you. Saved for Monday 30 November: 1 present." in response.content.decode()


def test_a_browser_post_without_a_referrer_is_accepted(token, active_placement):
    # The link's "Referrer-Policy: no-referrer" makes browsers send "Origin: null" with the form.
    client = Client(enforce_csrf_checks=True)
    response = post(client, token, {"all_present": MONDAY.isoformat()}, headers={"Origin": "null"})
    assert response.status_code == 302
    assert AttendanceMark.objects.count() == 1


def test_all_present_after_noon_includes_the_afternoon(client, token, active_placement):
    post(client, token, {"all_present": MONDAY.isoformat()}, at=london(MONDAY, 12, 0))
    assert set(marks()) == {(active_placement.pk, MONDAY, "AM"), (active_placement.pk, MONDAY, "PM")}


def test_all_present_for_la_arranged_provision_is_code_k(client, token, active_placement):
    active_placement.arrangement = Arrangement.LA
    active_placement.save()
    post(client, token, {"all_present": MONDAY.isoformat()})
    assert marks() == {(active_placement.pk, MONDAY, "AM"): ("present", "K", None)}


def test_double_all_present_stores_one_mark_per_session(client, token, active_placement):
    post(client, token, {"all_present": MONDAY.isoformat()})
    response = post(client, token, {"all_present": MONDAY.isoformat()})
    assert response.status_code == 302
    assert AttendanceMark.objects.count() == 1
    assert not MarkAmendment.objects.exists()


def test_all_present_leaves_marked_sessions_alone(client, school, token, active_placement, provider):
    other = placement_at(school, provider, mon_am=True)
    record_marks(
        school=school,
        entries=[MarkInput(active_placement, MONDAY, "AM", MarkStatus.ABSENT, code="M")],
        source=Source.PROVIDER_LINK,
    )
    post(client, token, {"all_present": MONDAY.isoformat()})
    assert marks() == {
        (active_placement.pk, MONDAY, "AM"): ("absent", "M", None),
        (other.pk, MONDAY, "AM"): ("present", "B", None),
    }
    assert not MarkAmendment.objects.exists()


def test_all_present_keeps_the_exceptions_typed_with_it(client, school, token, active_placement, provider):
    other = placement_at(school, provider, mon_am=True)
    post(
        client,
        token,
        {"all_present": MONDAY.isoformat(), field(other): "absent", field(other, name="code"): "I"},
    )
    assert marks() == {
        (active_placement.pk, MONDAY, "AM"): ("present", "B", None),
        (other.pk, MONDAY, "AM"): ("absent", "I", None),
    }


@pytest.mark.parametrize("day", [TUESDAY, MONDAY - timedelta(days=1), date(2026, 11, 20)])
def test_all_present_for_a_day_not_offered_is_refused(client, token, active_placement, day):
    response = post(client, token, {"all_present": day.isoformat()})
    assert response.status_code == 400
    assert "01632 960000" in response.content.decode()
    assert not AttendanceMark.objects.exists()


def test_a_post_without_an_action_is_refused(client, token, active_placement):
    assert post(client, token, {field(active_placement): "present"}).status_code == 400
    assert not AttendanceMark.objects.exists()


# Exceptions -------------------------------------------------------------------


def test_absent_with_a_reason(client, token, active_placement):
    response = post(
        client,
        token,
        {
            "save": MONDAY.isoformat(),
            field(active_placement): "absent",
            field(active_placement, name="code"): "I",
            field(active_placement, name="note"): "Mum phoned at 8:45",
        },
        follow=True,
    )
    mark = AttendanceMark.objects.get()
    assert (mark.status, mark.code, mark.note, mark.source) == (
        "absent",
        "I",
        "Mum phoned at 8:45",
        "provider_link",
    )
    assert "1 absent" in response.content.decode()


def test_absent_without_a_reason_is_refused_and_keeps_what_was_typed(client, token, active_placement):
    response = post(
        client,
        token,
        {
            "save": MONDAY.isoformat(),
            field(active_placement): "absent",
            field(active_placement, name="note"): "Unwell",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose a reason for Tyler B.&#x27;s absence on Monday morning" in page
    assert "Nothing has been saved yet" in page
    assert 'value="Unwell"' in page
    assert re.search(rf'name="{field(active_placement)}" value="absent"[^>]*checked', page)
    assert not AttendanceMark.objects.exists()


def test_a_reason_only_providers_give_is_accepted(client, token, active_placement):
    response = post(
        client,
        token,
        {
            "save": MONDAY.isoformat(),
            field(active_placement): "absent",
            field(active_placement, name="code"): "E",
        },
    )
    assert response.status_code == 200
    assert "Choose the reason for absence from the list" in response.content.decode()
    assert not AttendanceMark.objects.exists()


def test_late_with_minutes(client, token, active_placement):
    post(
        client,
        token,
        {
            "save": MONDAY.isoformat(),
            field(active_placement): "late",
            field(active_placement, name="late_minutes"): "15",
        },
    )
    assert marks() == {(active_placement.pk, MONDAY, "AM"): ("late", "B", 15)}


@pytest.mark.parametrize(
    ("minutes", "message"),
    [
        ("", "Enter how many minutes late Tyler B. was on Monday morning"),
        ("0", "between 1 and 240"),
        ("241", "between 1 and 240"),
    ],
)
def test_late_needs_minutes_from_1_to_240(client, token, active_placement, minutes, message):
    response = post(
        client,
        token,
        {
            "save": MONDAY.isoformat(),
            field(active_placement): "late",
            field(active_placement, name="late_minutes"): minutes,
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AttendanceMark.objects.exists()


def test_the_afternoon_cannot_be_marked_present_before_it_starts(client, token, active_placement):
    response = post(client, token, {"save": MONDAY.isoformat(), field(active_placement, "pm"): "present"})
    assert response.status_code == 200
    assert "has not started yet" in response.content.decode()
    assert not AttendanceMark.objects.exists()
    # An absence known in advance can be given.
    post(
        client,
        token,
        {
            "save": MONDAY.isoformat(),
            field(active_placement, "pm"): "absent",
            field(active_placement, "pm", name="code"): "M",
        },
    )
    assert marks() == {(active_placement.pk, MONDAY, "PM"): ("absent", "M", None)}


def test_save_with_nothing_chosen_records_nothing(client, token, active_placement):
    response = post(client, token, {"save": MONDAY.isoformat()}, follow=True)
    assert "Nothing to save" in response.content.decode()
    assert not AttendanceMark.objects.exists()


def test_a_note_needs_a_status(client, token, active_placement):
    response = post(
        client, token, {"save": MONDAY.isoformat(), field(active_placement, name="note"): "Left early"}
    )
    assert response.status_code == 200
    assert (
        "Choose present, late or absent for Tyler B. on Monday morning to go with what you entered"
        in response.content.decode()
    )
    assert not AttendanceMark.objects.exists()


def test_a_later_change_is_an_amendment_and_the_admin_assistant_is_told(
    client, token, active_placement, admin_assistant
):
    post(client, token, {"all_present": MONDAY.isoformat()})
    response = post(
        client,
        token,
        {
            "save": MONDAY.isoformat(),
            field(active_placement): "absent",
            field(active_placement, name="code"): "I",
        },
        at=london(MONDAY, 10, 15),
        follow=True,
    )
    assert "The school has been told about the 1 change." in response.content.decode()
    mark = AttendanceMark.objects.get()
    assert (mark.status, mark.code) == ("absent", "I")
    amendment = MarkAmendment.objects.get()
    assert (amendment.reason, amendment.by, amendment.by_provider) == (PROVIDER_CORRECTION, None, True)
    assert (amendment.old_code, amendment.new_code) == ("B", "I")
    notification = Notification.objects.get(recipient=admin_assistant)
    assert notification.key == f"amendment:{amendment.pk}"
    assert "Riverside Skills corrected Tyler Brookes's mark" in notification.subject


# Another provider's learner --------------------------------------------------


def test_another_providers_learner_cannot_be_marked(client, school, token, active_placement):
    other = placement_at(school, ProviderFactory(name="Hilltop Farm"), mon_am=True)
    response = post(
        client,
        token,
        {
            "save": MONDAY.isoformat(),
            field(other): "absent",
            field(other, name="code"): "I",
            field(other, name="note"): "tampered",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert not AttendanceMark.objects.exists()
    post(client, token, {"all_present": MONDAY.isoformat()})
    assert set(marks()) == {(active_placement.pk, MONDAY, "AM")}


def test_a_session_not_expected_cannot_be_marked(client, token, active_placement):
    # Tuesday PM is not on the timetable; Wednesday is not on the register.
    post(
        client,
        token,
        {
            "save": MONDAY.isoformat(),
            field(active_placement, "pm", day=TUESDAY): "present",
            field(active_placement, day=MONDAY + timedelta(days=2)): "present",
        },
    )
    assert not AttendanceMark.objects.exists()


# The previous school day ------------------------------------------------------


def test_yesterday_is_offered_while_incomplete(client, token, active_placement):
    page = get(client, token, at=london(TUESDAY, 9, 30)).content.decode()
    assert "Today, Tuesday 1 December 2026" in page
    assert "Monday 30 November 2026" in page
    assert "Not complete" in page
    post(client, token, {"all_present": MONDAY.isoformat()}, at=london(TUESDAY, 9, 30))
    # Monday's afternoon had started: both sessions are marked from Tuesday.
    assert set(marks()) == {(active_placement.pk, MONDAY, "AM"), (active_placement.pk, MONDAY, "PM")}


def test_yesterday_is_not_offered_once_complete(client, token, active_placement):
    post(client, token, {"all_present": MONDAY.isoformat()}, at=london(TUESDAY, 9, 30))
    page = get(client, token, at=london(TUESDAY, 9, 35)).content.decode()
    assert "Monday 30 November 2026" not in page
    response = post(client, token, {"all_present": MONDAY.isoformat()}, at=london(TUESDAY, 9, 40))
    assert response.status_code == 400


def test_yesterday_is_the_previous_day_with_expected_sessions(client, token, active_placement):
    # On Monday the previous expected day is last Tuesday (no Wednesday to Friday sessions).
    page = get(client, token).content.decode()
    assert "Tuesday 24 November 2026" in page
    post(client, token, {"all_present": PREVIOUS_TUESDAY.isoformat()})
    assert set(marks()) == {(active_placement.pk, PREVIOUS_TUESDAY, "AM")}


def test_nothing_older_than_a_week_is_offered(client, token, active_placement):
    # Monday 2 November, after half term: the last expected day, Tuesday 20 October, is too far back.
    with time_machine.travel(london(date(2026, 11, 2), 8, 0), tick=False):
        _, fresh = issue_link(
            purpose=LinkPurpose.PROVIDER_REGISTER,
            school=active_placement.school,
            subject=active_placement.provider,
        )
    page = get(client, fresh, at=london(date(2026, 11, 2), 9, 30)).content.decode()
    assert "Today, Monday 2 November 2026" in page
    assert "October" not in page
    assert "Not complete" not in page


# Closed today -----------------------------------------------------------------


def test_closed_today_creates_a_closure_and_resolves_open_flags(client, token, provider, active_placement):
    with time_machine.travel(london(MONDAY, 10, 0), tick=False):
        check_missing_reports()
    flag = Flag.objects.get()
    assert flag.resolved_at is None
    response = post(
        client,
        token,
        {"closed": MONDAY.isoformat(), "closed-confirm": "on"},
        at=london(MONDAY, 10, 20),
        follow=True,
    )
    assert "Riverside Skills is recorded as closed today" in response.content.decode()
    closure = ProviderClosure.objects.get()
    assert (closure.provider, closure.start_date, closure.end_date, closure.reason) == (
        provider,
        MONDAY,
        MONDAY,
        CLOSED_REASON,
    )
    flag.refresh_from_db()
    assert flag.resolved_at is not None
    page = get(client, token, at=london(MONDAY, 10, 25)).content.decode()
    assert "Closed today" in page
    assert f'name="all_present" value="{MONDAY.isoformat()}"' not in page
    # A second tap records no second closure.
    post(client, token, {"closed": MONDAY.isoformat(), "closed-confirm": "on"}, at=london(MONDAY, 10, 30))
    assert ProviderClosure.objects.count() == 1


def test_closed_today_needs_confirming(client, token, active_placement):
    response = post(client, token, {"closed": MONDAY.isoformat()})
    assert response.status_code == 200
    assert "Tick the box to confirm that you are closed today." in response.content.decode()
    assert not ProviderClosure.objects.exists()


def test_closed_today_is_refused_once_marks_are_in(client, token, active_placement):
    post(client, token, {"all_present": MONDAY.isoformat()})
    response = post(client, token, {"closed": MONDAY.isoformat(), "closed-confirm": "on"})
    assert response.status_code == 200
    assert "already marked" in response.content.decode()
    assert not ProviderClosure.objects.exists()


def test_closed_is_for_today_only(client, token, active_placement):
    response = post(client, token, {"closed": TUESDAY.isoformat(), "closed-confirm": "on"})
    assert response.status_code == 400
    assert not ProviderClosure.objects.exists()


# The link's lifecycle -----------------------------------------------------------


def test_a_valid_link_opens_the_register(client, token, active_placement):
    assert get(client, token, at=london(MONDAY + timedelta(days=6), 9, 30)).status_code == 200


def test_an_expired_link_shows_the_schools_phone(client, token, active_placement):
    response = get(client, token, at=london(MONDAY + timedelta(days=8), 9, 30))
    assert response.status_code == 410
    page = response.content.decode()
    assert "This link has expired" in page
    assert "01632 960000" in page
    assert "Tyler" not in page


def test_a_revoked_link_shows_the_schools_phone(client, school, provider, active_placement):
    link, token = issue_link(purpose=LinkPurpose.PROVIDER_REGISTER, school=school, subject=provider)
    revoke(link, by=UserFactory())
    response = client.get(url(token))
    assert response.status_code == 410
    assert "This link has been withdrawn" in response.content.decode()
    assert "01632 960000" in response.content.decode()
    response = client.post(url(token), {"all_present": date.today().isoformat()})
    assert response.status_code == 410
    assert not AttendanceMark.objects.exists()


def test_an_altered_link_is_not_valid_and_names_no_school(client, token, active_placement):
    # A real link id with a wrong secret: whose link it is stays unknown.
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")
    response = get(client, altered)
    assert response.status_code == 404
    page = response.content.decode()
    assert "This link is not valid" in page
    assert "the school that sent you this link" in page
    assert "Northfield Academy" not in page
    assert "01632 960000" not in page
    assert "Email me a fresh link" not in page
    response = post(client, altered, {"all_present": MONDAY.isoformat()})
    assert response.status_code == 404
    assert "Northfield Academy" not in response.content.decode()
    assert not AttendanceMark.objects.exists()


# Query count ----------------------------------------------------------------------


def test_register_query_count_does_not_grow_with_learners(
    client, school, autumn, token, provider, django_assert_num_queries
):
    for _ in range(5):
        placement = placement_at(school, provider, mon_am=True, mon_pm=True)
        record_marks(
            school=school,
            entries=[MarkInput(placement, MONDAY, "AM", MarkStatus.PRESENT)],
            source=Source.PROVIDER_LINK,
        )
    # The link with its school, the request count, the use count; the
    # provider; expected sessions: placements, their timetable versions,
    # terms, school closures, provider closures; the placements with
    # learners; the marks; today's provider closure.
    with django_assert_num_queries(12):
        response = get(client, token)
    # A card per learner today, and again for last Monday (not complete).
    assert response.content.decode().count('class="card mb-3 shadow-sm"') == 10


# Two phones at once (PostgreSQL) ---------------------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_all_present_posts_at_once_store_one_mark_per_session(school, autumn, provider):
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent requests need PostgreSQL's row locking")
    placements = [placement_at(school, provider, mon_am=True) for _ in range(3)]
    with time_machine.travel(london(MONDAY, 8, 0), tick=False):
        _, token = issue_link(purpose=LinkPurpose.PROVIDER_REGISTER, school=school, subject=provider)
    barrier = threading.Barrier(2)
    statuses, errors = [], []

    def phone():
        try:
            barrier.wait()
            statuses.append(Client().post(url(token), {"all_present": MONDAY.isoformat()}).status_code)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    with time_machine.travel(london(MONDAY, 9, 30), tick=False):
        threads = [threading.Thread(target=phone) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert statuses == [302, 302]
    assert sorted(AttendanceMark.objects.values_list("placement_id", flat=True)) == sorted(
        p.pk for p in placements
    )
    assert not MarkAmendment.objects.exists()


def test_a_staff_note_on_a_mark_is_never_shown_to_the_provider(
    client, token, school, active_placement, admin_assistant
):
    record_marks(
        school=school,
        entries=[
            MarkInput(
                active_placement, MONDAY, "AM", MarkStatus.ABSENT, code="I", note="Social worker visiting"
            )
        ],
        source=Source.PHONE,
        by=admin_assistant,
    )
    body = get(client, token).content.decode()
    assert "Absent" in body
    assert "Social worker" not in body
