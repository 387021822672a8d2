"""A dual-registered absence is D on the register, but every rule about absences decides by its reason.

The DSL alert, the parent-contact list on Today and the list of absences still
awaiting a reason treat a dual-registered, looked-after learner absent with no
reason like any other; the staff marks page takes the mark back as it shows it.
"""

import importlib
from datetime import timedelta

import pytest
import time_machine
from django.apps import apps
from django.core import mail
from django.urls import reverse

from altprov.models import Notification
from attendance.codes import CODES, UNEXPLAINED_CODES
from attendance.models import AttendanceMark, MarkAmendment, MarkStatus, Source
from attendance.recording import MarkInput, record_marks
from placements.models import Arrangement

from .conftest import MONDAY, london
from .conftest import mark as stored_mark

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(london(MONDAY, 10, 30), tick=False):
        yield


@pytest.fixture
def dual(active_placement):
    """Tyler, looked-after, dual registered: the provider is the other school's provision."""
    active_placement.arrangement = Arrangement.DUAL
    active_placement.save()
    learner = active_placement.learner
    learner.looked_after = True
    learner.save()
    return active_placement


def provider_reports(placement, session, status, code="", day=MONDAY):
    record_marks(
        school=placement.school,
        entries=[MarkInput(placement=placement, day=day, session=session, status=status, code=code)],
        source=Source.PROVIDER_LINK,
    )
    return AttendanceMark.objects.get(placement=placement, date=day, session=session)


def test_the_register_says_d_and_the_reason_is_kept_beside_it(dual):
    absent = provider_reports(dual, "AM", MarkStatus.ABSENT, "N")
    assert (absent.code, absent.dual_absence_reason, absent.absence_reason) == ("D", "N", "N")
    assert absent.is_unexplained
    present = provider_reports(dual, "PM", MarkStatus.PRESENT)
    assert (present.code, present.dual_absence_reason, present.absence_reason) == ("D", "", "")


def test_a_dual_registered_looked_after_learner_absent_with_no_reason_is_told_to_the_dsl(
    dual, dsl, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        absent = provider_reports(dual, "AM", MarkStatus.ABSENT, "N")
    assert Notification.objects.filter(recipient=dsl, key=f"dsl:absence:{absent.pk}").exists()
    assert any(dsl.email in message.to for message in mail.outbox)


def test_a_dual_registered_absence_with_a_reason_is_not_told_to_the_dsl(dual, dsl):
    provider_reports(dual, "AM", MarkStatus.ABSENT, "I")
    assert not Notification.objects.filter(recipient=dsl).exists()


def test_a_dual_registered_absence_with_no_reason_is_on_todays_parent_contact_list(
    client, admin_assistant, dual
):
    provider_reports(dual, "AM", MarkStatus.ABSENT, "N")
    client.force_login(admin_assistant)
    body = client.get(reverse("attendance:today")).content.decode()
    section = body[body.index("Contact parents today") :]
    assert "Tyler Brookes" in section
    assert f'<abbr title="{CODES["N"].meaning}">N</abbr>' in section


def test_a_dual_registered_absence_still_awaiting_a_reason_is_on_the_unexplained_list(
    client, admin_assistant, dual
):
    old = provider_reports(dual, "AM", MarkStatus.ABSENT, "N", day=MONDAY - timedelta(days=7))
    client.force_login(admin_assistant)
    body = client.get(reverse("attendance:unexplained")).content.decode()
    assert "1 mark to review" in body
    assert reverse("attendance:amend_mark", args=[old.pk]) in body


def test_the_staff_marks_page_takes_back_a_dual_registered_absence_as_it_shows_it(
    client, admin_assistant, provider, dual
):
    absent = provider_reports(dual, "AM", MarkStatus.ABSENT, "I")
    client.force_login(admin_assistant)
    url = f"{reverse('attendance:record_marks', args=[provider.pk])}?day={MONDAY.isoformat()}"
    page = client.get(url)
    data = {"form": "marks", "source": "phone", "reason": "", "rest": ""}
    for form in page.context["formset"]:
        data.update(
            {
                form.add_prefix(name): form.initial.get(name) or ""
                for name in ("status", "code", "late_minutes", "note")
            }
        )
        if form.row.mark is None:
            data[form.add_prefix("status")] = "present"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["formset"].errors
    absent.refresh_from_db()
    assert (absent.code, absent.dual_absence_reason) == ("D", "I")
    assert not MarkAmendment.objects.exists()


def test_amending_a_dual_registered_absence_changes_its_reason_and_note(client, admin_assistant, dual, dsl):
    absent = provider_reports(dual, "AM", MarkStatus.ABSENT, "I")
    client.force_login(admin_assistant)
    response = client.post(
        reverse("attendance:amend_mark", args=[absent.pk]),
        {
            "status": "absent",
            "code": "N",
            "note": absent.note,
            "reason": "Provider corrected: no reason given",
        },
        follow=True,
    )
    assert "changed to “Absent: reason for absence not yet provided”" in response.content.decode()
    absent.refresh_from_db()
    assert (absent.code, absent.dual_absence_reason) == ("D", "N")
    assert absent.note == f"Absence reported: N – {CODES['N'].meaning}"
    assert Notification.objects.filter(recipient=dsl, key=f"dsl:absence:{absent.pk}").exists()


def test_unexplained_is_one_rule_for_the_queryset_and_the_mark(active_placement, school):
    other = active_placement
    codes = ["N", "O", "I", "G", "B"]
    for n, code in enumerate(codes):
        stored_mark(other, MONDAY - timedelta(days=7 * (n + 1)), "AM", code)
    by_query = set(AttendanceMark.objects.unexplained().values_list("code", flat=True))
    by_mark = {m.code for m in AttendanceMark.objects.all() if m.is_unexplained}
    assert by_query == by_mark == UNEXPLAINED_CODES
    assert set(AttendanceMark.objects.awaiting_reason().values_list("code", flat=True)) == {"N"}


def test_the_migration_keeps_the_reason_an_older_dual_absence_had_in_its_note(dual):
    absent = provider_reports(dual, "AM", MarkStatus.ABSENT, "N")
    AttendanceMark.objects.filter(pk=absent.pk).update(note="Absence reported: M – Medical. Dentist")
    migration = importlib.import_module("attendance.migrations.0003_dual_absence_reason")
    migration.keep_the_reported_reason(apps, None)
    absent.refresh_from_db()
    assert absent.dual_absence_reason == "M"
