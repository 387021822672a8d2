import threading
from datetime import date

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from altprov.models import Flag, FlagStage, Notification, Role
from attendance.missing import check_missing_reports, close_flag
from attendance.models import MarkStatus, MissingReport, Source
from attendance.recording import MarkInput, record_marks
from placements.models import ClosureKind, Status

from ..factories import (
    LearnerFactory,
    MembershipFactory,
    PlacementFactory,
    ProviderClosureFactory,
    SchoolClosureFactory,
    TermFactory,
    UserFactory,
)
from .conftest import MONDAY, london

pytestmark = pytest.mark.django_db


def run(at):
    with time_machine.travel(at, tick=False):
        return check_missing_reports()


def notified(user):
    return list(Notification.objects.filter(recipient=user).values_list("key", flat=True))


def test_nothing_before_the_cutoff(active_placement, admin_assistant):
    assert run(london(MONDAY, 9, 59))["raised"] == 0
    assert not Flag.objects.exists()


def test_missing_report_raises_one_flag_and_tells_admin_once(
    active_placement, admin_assistant, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert run(london(MONDAY, 10, 0))["raised"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert run(london(MONDAY, 10, 5))["raised"] == 0
    flag = MissingReport.objects.get()
    assert (flag.provider, flag.day, flag.session, flag.stage) == (
        active_placement.provider,
        MONDAY,
        "AM",
        FlagStage.RAISED,
    )
    assert notified(admin_assistant) == [f"flag:{flag.pk}:raised"]
    assert len(mailoutbox) == 1
    assert "Riverside Skills has not reported AM attendance" in mailoutbox[0].subject
    # No learner's name in the admin's alert: it only names the provider.
    assert "Tyler" not in mailoutbox[0].body


def test_escalates_to_pastoral_at_the_second_time_once(active_placement, admin_assistant, pastoral):
    run(london(MONDAY, 10, 0))
    assert run(london(MONDAY, 11, 59))["escalated"] == 0
    assert run(london(MONDAY, 12, 0))["escalated"] == 1
    assert run(london(MONDAY, 12, 5))["escalated"] == 0
    flag = MissingReport.objects.get(session="AM")
    assert flag.stage == FlagStage.ESCALATED
    assert notified(pastoral) == [f"flag:{flag.pk}:escalated"]


def test_afternoon_sessions_are_due_at_the_afternoon_cutoff(active_placement, admin_assistant):
    run(london(MONDAY, 13, 59))
    assert list(MissingReport.objects.values_list("session", flat=True)) == ["AM"]
    run(london(MONDAY, 14, 0))
    assert sorted(MissingReport.objects.values_list("session", flat=True)) == ["AM", "PM"]


def test_afternoon_escalation_uses_its_own_time(school, active_placement, admin_assistant, pastoral):
    # The morning's two-hour delay would have put it at 16:00.
    school.pm_escalation_time = "15:00"
    school.save()
    run(london(MONDAY, 14, 0))
    run(london(MONDAY, 14, 59))
    assert MissingReport.objects.get(session="PM").stage == FlagStage.RAISED
    assert run(london(MONDAY, 15, 0))["escalated"] == 1
    assert MissingReport.objects.get(session="PM").stage == FlagStage.ESCALATED


def test_a_late_afternoon_cutoff_does_not_escalate_at_once(
    school, active_placement, admin_assistant, pastoral
):
    # A morning escalation 8 hours after its cut-off once pushed a 17:00
    # afternoon escalation past midnight, so it escalated as soon as it was raised.
    school.escalation_time = "18:00"
    school.pm_report_cutoff = "17:00"
    school.pm_escalation_time = "18:30"
    school.save()
    run(london(MONDAY, 17, 0))
    assert MissingReport.objects.get(session="PM").stage == FlagStage.RAISED
    run(london(MONDAY, 18, 29))
    assert MissingReport.objects.get(session="PM").stage == FlagStage.RAISED
    run(london(MONDAY, 18, 30))
    assert MissingReport.objects.get(session="PM").stage == FlagStage.ESCALATED


def test_marks_arriving_resolve_the_flag(school, active_placement, admin_assistant):
    run(london(MONDAY, 10, 0))
    with time_machine.travel(london(MONDAY, 10, 20), tick=False):
        record_marks(
            school=school,
            entries=[MarkInput(active_placement, MONDAY, "AM", MarkStatus.PRESENT)],
            source=Source.PHONE,
            by=admin_assistant,
        )
    flag = Flag.objects.get()
    assert flag.resolved_at is not None
    assert flag.resolution == "Marks arrived"
    # A resolved flag never escalates.
    assert run(london(MONDAY, 12, 0))["escalated"] == 0


def test_staff_close_a_flag_with_a_reason(active_placement, admin_assistant):
    run(london(MONDAY, 10, 0))
    flag = Flag.objects.get()
    close_flag(flag=flag, by=admin_assistant, reason="Provider phoned: minibus broke down, all arrived 10:40")
    flag.refresh_from_db()
    assert flag.resolved_by == admin_assistant
    assert run(london(MONDAY, 12, 0))["escalated"] == 0


@pytest.mark.parametrize("vulnerability", ["looked_after", "has_social_worker", "safeguarding_flag"])
def test_dsl_told_at_once_about_an_unreported_vulnerable_learner(active_placement, dsl, vulnerability):
    learner = active_placement.learner
    setattr(learner, vulnerability, True)
    learner.save()
    summary = run(london(MONDAY, 10, 0))
    assert summary["dsl_alerts"] == 1
    assert run(london(MONDAY, 10, 5))["dsl_alerts"] == 0
    flag = Flag.objects.get()
    assert notified(dsl) == [f"flag:{flag.pk}:dsl:{learner.pk}"]


def test_dsl_not_told_about_other_learners(active_placement, dsl, admin_assistant):
    run(london(MONDAY, 10, 0))
    assert notified(dsl) == []


def test_dsl_told_at_once_about_a_vulnerable_learner_absent_without_reason(
    school, active_placement, dsl, admin_assistant
):
    active_placement.learner.looked_after = True
    active_placement.learner.save()
    with time_machine.travel(london(MONDAY, 9, 15), tick=False):
        record_marks(
            school=school,
            entries=[MarkInput(active_placement, MONDAY, "AM", MarkStatus.ABSENT, code="N")],
            source=Source.PROVIDER_LINK,
        )
    assert len(notified(dsl)) == 1
    assert notified(dsl)[0].startswith("dsl:absence:")


def test_an_absence_with_a_reason_does_not_alert_the_dsl(school, active_placement, dsl):
    active_placement.learner.looked_after = True
    active_placement.learner.save()
    record_marks(
        school=school,
        entries=[MarkInput(active_placement, MONDAY, "AM", MarkStatus.ABSENT, code="I")],
        source=Source.PROVIDER_LINK,
    )
    assert notified(dsl) == []


@pytest.mark.parametrize(
    "when",
    [
        london(date(2026, 11, 28), 11),  # Saturday
        london(date(2026, 11, 29), 11),  # Sunday
        london(date(2026, 10, 27), 11),  # half term
        london(date(2026, 12, 22), 11),  # Christmas holidays
    ],
)
def test_no_flags_outside_school_days(active_placement, admin_assistant, when):
    assert run(when)["raised"] == 0


def test_no_flags_on_a_school_closure_or_bank_holiday(school, active_placement, admin_assistant):
    SchoolClosureFactory(school=school, date=MONDAY, kind=ClosureKind.BANK_HOLIDAY)
    assert run(london(MONDAY, 12, 30))["raised"] == 0


def test_no_flags_when_the_provider_is_closed(provider, active_placement, admin_assistant):
    ProviderClosureFactory(provider=provider, start_date=MONDAY, end_date=MONDAY)
    assert run(london(MONDAY, 12, 30))["raised"] == 0


@pytest.fixture
def all_year(school, provider):
    """A term around both clock changes, with no half term near them."""
    for name, start, end, ht in [
        ("autumn", date(2026, 9, 2), date(2026, 12, 18), date(2026, 10, 19)),
        ("spring", date(2027, 1, 5), date(2027, 4, 1), date(2027, 2, 15)),
    ]:
        TermFactory(
            school=school,
            school_year="2026/27",
            name=name,
            start_date=start,
            end_date=end,
            half_term_start=ht,
            half_term_end=ht.replace(day=ht.day + 4),
        )
    return PlacementFactory(
        learner=LearnerFactory(school=school),
        provider=provider,
        status=Status.ACTIVE,
        start_date=date(2026, 9, 7),
        target_end_date=date(2027, 7, 1),
        mon_am=True,
    )


@pytest.mark.parametrize(
    "monday",
    [date(2026, 10, 26), date(2027, 3, 29)],
    ids=["after-clocks-go-back", "after-clocks-go-forward"],
)
def test_clock_changes_raise_no_false_alarm(all_year, admin_assistant, monday):
    # 09:30 London is 09:30 UTC in October's GMT and 08:30 UTC in March's BST:
    # either way it is before the 10:00 cut-off.
    assert run(london(monday, 9, 30))["raised"] == 0
    assert run(london(monday, 9, 59))["raised"] == 0
    assert run(london(monday, 10, 0))["raised"] == 1


def test_management_command_runs_the_same_job(active_placement, admin_assistant, capsys):
    with time_machine.travel(london(MONDAY, 10, 30), tick=False):
        call_command("check_missing_reports")
    assert "raised: 1" in capsys.readouterr().out
    assert Flag.objects.count() == 1


def test_two_schools_each_use_their_own_cutoff(school, other_school, active_placement, admin_assistant):
    school.report_cutoff = "11:00"
    school.escalation_time = "13:00"
    school.save()
    assert run(london(MONDAY, 10, 30))["raised"] == 0
    assert run(london(MONDAY, 11, 0))["raised"] == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_at_once_raise_one_flag_and_one_message(school, autumn, provider):
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent workers need PostgreSQL's row locking")
    placement = PlacementFactory(
        learner=LearnerFactory(school=school),
        provider=provider,
        status=Status.ACTIVE,
        start_date=date(2026, 9, 7),
        target_end_date=date(2027, 3, 1),
        mon_am=True,
    )
    admin = UserFactory()
    MembershipFactory(user=admin, school=school, role=Role.ADMIN)
    barrier = threading.Barrier(4)
    errors = []

    def worker():
        try:
            barrier.wait()
            check_missing_reports(now=london(MONDAY, 12, 1))
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert MissingReport.objects.filter(provider=placement.provider).count() == 1
    assert Notification.objects.filter(recipient=admin).count() == 1


def test_all_present_never_overrides_a_mark_made_meanwhile(school, active_placement, admin_assistant):
    record_marks(
        school=school,
        entries=[MarkInput(active_placement, MONDAY, "AM", MarkStatus.ABSENT, code="I")],
        source=Source.PHONE,
        by=admin_assistant,
    )
    result = record_marks(
        school=school,
        entries=[MarkInput(active_placement, MONDAY, "AM", MarkStatus.PRESENT, only_if_new=True)],
        source=Source.PROVIDER_LINK,
    )
    assert result.created == [] and result.amended == []
    assert active_placement.marks.get().code == "I"


def test_the_dsls_alert_says_what_to_do_and_links_to_the_highlighted_session(
    client, active_placement, dsl, mailoutbox, django_capture_on_commit_callbacks
):
    learner = active_placement.learner
    learner.looked_after = True
    learner.save()
    provider = active_placement.provider
    with (
        django_capture_on_commit_callbacks(execute=True),
        time_machine.travel(london(MONDAY, 10, 0), tick=False),
    ):
        check_missing_reports()
    alert = Notification.objects.get(recipient=dsl)
    assert str(learner) in alert.subject and provider.name in alert.subject
    assert provider.attendance_contact_phone in alert.body
    assert "check where" in alert.body.lower()
    assert alert.url.endswith(f"?day={MONDAY.isoformat()}&session=AM#d-{MONDAY.isoformat()}-AM")

    client.force_login(dsl)
    with time_machine.travel(london(MONDAY, 10, 5), tick=False):
        page = client.get(alert.url).content.decode()
    assert f'id="d-{MONDAY.isoformat()}-AM" class="px-1' in page
    cell = page[page.index(f'id="d-{MONDAY.isoformat()}-AM"') :].split("</td>")[0]
    assert "cell-highlight" in cell and "the session you were sent to" in cell
    other = page[page.index(f'id="d-{MONDAY.isoformat()}-PM"') :].split("</td>")[0]
    assert "cell-highlight" not in other


def test_a_malformed_highlight_is_ignored(client, active_placement, dsl):
    client.force_login(dsl)
    url = reverse("attendance:learner_attendance", args=[active_placement.learner.pk])
    for query in ("?day=2026-13-45&session=AM", "?day=x&session=AM", "?day=2026-11-30&session=ZZ"):
        with time_machine.travel(london(MONDAY, 10, 5), tick=False):
            response = client.get(url + query)
        assert response.status_code == 200
        assert "cell-highlight" not in response.content.decode()


def test_the_dsls_absence_alert_names_the_provider_and_its_phone_and_links_to_the_session(
    school, active_placement, dsl, django_capture_on_commit_callbacks
):
    learner = active_placement.learner
    learner.has_social_worker = True
    learner.save()
    with (
        django_capture_on_commit_callbacks(execute=True),
        time_machine.travel(london(MONDAY, 9, 30), tick=False),
    ):
        record_marks(
            school=school,
            entries=[MarkInput(active_placement, MONDAY, "AM", MarkStatus.ABSENT, code="N")],
            source=Source.PROVIDER_LINK,
        )
    alert = Notification.objects.get(recipient=dsl)
    provider = active_placement.provider
    assert provider.name in alert.subject and str(learner) in alert.subject
    assert provider.attendance_contact_phone in alert.body and "What to do" in alert.body
    assert alert.url == (
        reverse("attendance:learner_attendance", args=[learner.pk])
        + f"?day={MONDAY}&session=AM#d-{MONDAY}-AM"
    )
