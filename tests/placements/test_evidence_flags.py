"""Provider evidence flags (placements.evidence_flags): an approval lapsed where learners are placed,
and evidence expiring within 30 days; raised once, told once, resolved with the true reason."""

import html
import threading
from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from altprov.models import Flag, FlagNotice, Notification, Role
from placements.evidence_flags import REGISTER_KEEPERS, check_provider_evidence
from placements.models import EvidenceItem, EvidenceType, Placement, Provider, ProviderApproval, Status
from placements.tasks import check_provider_evidence_task

from ..factories import EvidenceItemFactory, LearnerFactory, PlacementFactory, approved_provider

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 12, 1)  # a Tuesday
SEVEN = datetime(2026, 12, 1, 7, 0, tzinfo=LONDON)
LAPSED = (
    "Approval of Riverside Skills lapsed on 01/12/2026: "
    "Employer's and public liability insurance expired on 30/11/2026."
)
# The pages' banners say the dates in words (the flag's summary and the emails keep them short).
LAPSED_ON_PAGE = (
    "Approval of Riverside Skills lapsed today: "
    "Employer's and public liability insurance expired on Monday 30 November 2026."
)


@pytest.fixture
def clock():
    with time_machine.travel(SEVEN, tick=False) as traveller:
        yield traveller


@pytest.fixture
def riverside(clock, school, dsl):
    """Approved by the school's DSL in September, every mandatory item current until late 2027."""
    provider = approved_provider(school, dsl, TODAY, name="Riverside Skills")
    ProviderApproval.objects.filter(provider=provider).update(
        approved_at=datetime(2026, 9, 1, 9, 0, tzinfo=LONDON)
    )
    return provider


def insurance(provider) -> EvidenceItem:
    return EvidenceItem.objects.get(provider=provider, evidence_type__code="insurance")


def set_insurance_expiry(provider, expires_on: date) -> None:
    EvidenceItem.objects.filter(pk=insurance(provider).pk).update(
        date_received=expires_on - timedelta(days=365), expires_on=expires_on
    )


def renew_insurance(provider, checked_by) -> None:
    EvidenceItemFactory(
        provider=provider, checked_by=checked_by, date_received=TODAY, expires_on=date(2027, 11, 30)
    )


def active_placement(school, provider) -> Placement:
    return PlacementFactory(
        learner=LearnerFactory(school=school),
        provider=provider,
        status=Status.ACTIVE,
        start_date=date(2026, 9, 7),
        activated_on=date(2026, 9, 7),
    )


def lapsed_flags():
    return Flag.objects.filter(kind="approval_lapsed")


def expiring_flags():
    return Flag.objects.filter(kind="evidence_expiring")


def told(flag_kind: str) -> list[tuple[str, str]]:
    """(recipient username, subject) of every message about flags of the kind, sorted."""
    keys = [f"flag:{pk}:raised" for pk in Flag.objects.filter(kind=flag_kind).values_list("pk", flat=True)]
    return sorted(Notification.objects.filter(key__in=keys).values_list("recipient__username", "subject"))


# Approval lapsed --------------------------------------------------------------


def test_lapsed_approval_raises_one_flag_and_tells_the_dsl_and_pastoral_team_once(
    client, school, riverside, dsl, pastoral, head, slt, admin_assistant
):
    set_insurance_expiry(riverside, date(2026, 11, 30))
    active_placement(school, riverside)
    active_placement(school, riverside)

    first = check_provider_evidence()
    second = check_provider_evidence()

    assert first == {"lapsed": 1, "expiring": 0, "resolved": 0}
    assert second == {"lapsed": 0, "expiring": 0, "resolved": 0}
    flag = lapsed_flags().get()
    insurance_type = EvidenceType.objects.get(code="insurance")
    assert flag.key == f"approval-lapsed:{school.pk}:{riverside.pk}:{insurance_type.pk}:2026-11-30"
    assert flag.school == school
    assert flag.summary == LAPSED
    assert flag.url == reverse("placements:provider_detail", args=[riverside.pk])
    assert flag.subject == riverside
    assert flag.roles == ",dsl,pastoral,"
    assert told("approval_lapsed") == [("dsl", LAPSED), ("pastoral", LAPSED)]
    assert sorted(FlagNotice.objects.filter(flag=flag).values_list("audience", "user__username")) == [
        ("the DSL", "dsl"),
        ("the pastoral team", "pastoral"),
    ]
    body = Notification.objects.get(recipient=dsl).body
    assert "records it on the provider's page" in body
    assert not expiring_flags().exists()

    for user, sees in [(dsl, True), (pastoral, True), (head, False), (admin_assistant, False)]:
        client.force_login(user)
        home = html.unescape(client.get(reverse("home")).content.decode())
        assert (LAPSED in home) is sees, user


def test_a_missing_mandatory_item_lapses_the_approval_and_recording_it_resolves_the_flag(
    school, riverside, dsl
):
    EvidenceItem.objects.filter(provider=riverside, evidence_type__code="risk-assessments").delete()
    active_placement(school, riverside)

    check_provider_evidence()

    flag = lapsed_flags().get()
    assert flag.key.endswith(":missing")
    assert flag.summary == "Approval of Riverside Skills has lapsed: Risk assessments missing."

    EvidenceItemFactory(provider=riverside, type_code="risk-assessments", checked_by=dsl)
    assert check_provider_evidence()["resolved"] == 1
    flag.refresh_from_db()
    assert flag.resolution == "Evidence recorded"


def _renew(school, provider, dsl):
    renew_insurance(provider, dsl)


def _end_placements(school, provider, dsl):
    Placement.objects.filter(school=school, provider=provider).update(
        status=Status.ENDED, end_date=TODAY, end_reason="completed"
    )


def _withdraw(school, provider, dsl):
    ProviderApproval.objects.filter(school=school, provider=provider).update(
        withdrawn_at=SEVEN, withdrawn_reason="Insurance not renewed"
    )


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (_renew, "Evidence renewed"),
        (_end_placements, "No active placements"),
        (_withdraw, "Approval withdrawn"),
    ],
)
def test_lapsed_flag_resolves_itself_with_the_true_reason(school, riverside, dsl, pastoral, change, reason):
    set_insurance_expiry(riverside, date(2026, 11, 30))
    active_placement(school, riverside)
    check_provider_evidence()
    messages = Notification.objects.count()

    change(school, riverside, dsl)
    summary = check_provider_evidence()

    flag = lapsed_flags().get()
    assert summary["resolved"] == 1
    assert flag.resolution == reason
    assert flag.resolved_at == SEVEN
    assert flag.resolved_by is None
    assert Notification.objects.count() == messages
    assert check_provider_evidence()["resolved"] == 0


def test_no_lapsed_flag_for_a_school_without_active_placements_there(
    school, other_school, riverside, dsl, role_user
):
    """The evidence is shared, the approvals and placements are each school's."""
    other_dsl = role_user(Role.DSL, school=other_school)
    ProviderApproval.objects.create(
        provider=riverside, school=other_school, approved_by=other_dsl, approved_at=SEVEN - timedelta(days=60)
    )
    set_insurance_expiry(riverside, date(2026, 11, 30))
    # At `school` only an agreed placement: it cannot start while the insurance is expired.
    PlacementFactory(learner=LearnerFactory(school=school), provider=riverside, status=Status.AGREED)
    active_placement(other_school, riverside)

    check_provider_evidence()

    assert list(lapsed_flags().values_list("school", flat=True)) == [other_school.pk]
    assert told("approval_lapsed") == [(other_dsl.username, LAPSED)]


def test_another_schools_lapsed_flag_and_placement_warning_are_never_shown(
    client, school, other_school, riverside, role_user
):
    other_dsl = role_user(Role.DSL, school=other_school)
    other_pastoral = role_user(Role.PASTORAL, school=other_school)
    set_insurance_expiry(riverside, date(2026, 11, 30))
    placement = active_placement(school, riverside)
    check_provider_evidence()
    assert lapsed_flags().get().school == school

    for user in (other_dsl, other_pastoral):
        client.force_login(user)
        home = html.unescape(client.get(reverse("home")).content.decode())
        assert "Riverside Skills" not in home
        assert "Nothing needs doing by you" in home
        assert client.get(placement.get_absolute_url()).status_code == 404
        provider_page = html.unescape(client.get(riverside.get_absolute_url()).content.decode())
        assert "lapsed" not in provider_page.lower()
        assert placement.learner.legal_last_name not in provider_page
        assert not Notification.objects.filter(recipient=user).exists()


# The warnings on the pages -----------------------------------------------------

PLACEMENT_VIEWERS = [Role.HEAD, Role.SLT, Role.PASTORAL, Role.DSL, Role.SENDCO, Role.ADMIN, Role.EXAMS]


@pytest.mark.parametrize("role", [*PLACEMENT_VIEWERS, Role.FINANCE, Role.BOARD])
def test_each_active_placement_there_warns_every_role_that_may_see_it_naming_the_item_and_date(
    client, school, riverside, role_user, role
):
    set_insurance_expiry(riverside, date(2026, 11, 30))
    placement = active_placement(school, riverside)
    client.force_login(role_user(role))

    body = html.unescape(client.get(placement.get_absolute_url()).content.decode())

    banner = body[body.index('id="lapsed-banner"') :]
    assert banner.index(f'<p class="mb-1">{LAPSED_ON_PAGE}</p>') < banner.index("</section>")


def test_the_placement_warning_goes_once_the_evidence_is_renewed_and_is_not_on_other_placements(
    client, school, riverside, dsl
):
    set_insurance_expiry(riverside, date(2026, 11, 30))
    placement = active_placement(school, riverside)
    agreed = PlacementFactory(learner=LearnerFactory(school=school), provider=riverside, status=Status.AGREED)
    client.force_login(dsl)

    assert LAPSED_ON_PAGE not in html.unescape(client.get(agreed.get_absolute_url()).content.decode())
    renew_insurance(riverside, dsl)
    assert "lapsed" not in html.unescape(client.get(placement.get_absolute_url()).content.decode())


def test_provider_page_says_why_and_since_when_the_approval_lapsed_not_who(client, school, riverside, dsl):
    set_insurance_expiry(riverside, date(2026, 11, 30))
    client.force_login(dsl)

    body = html.unescape(client.get(riverside.get_absolute_url()).content.decode())

    assert (
        "Approval lapsed today: Employer's and public liability insurance expired on Monday 30 November 2026."
        in body
    )
    assert "Approved by Dana Lead on Tuesday 1 September 2026." in body
    assert "Lapsed – by Dana Lead" not in body


def test_provider_page_lists_every_cause_and_dates_it_only_when_each_has_a_date(
    client, school, riverside, dsl
):
    set_insurance_expiry(riverside, date(2026, 11, 30))
    EvidenceItem.objects.filter(provider=riverside, evidence_type__code="risk-assessments").delete()
    client.force_login(dsl)

    body = html.unescape(client.get(riverside.get_absolute_url()).content.decode())

    assert (
        "Approval has lapsed: Risk assessments missing; "
        "Employer's and public liability insurance expired on Monday 30 November 2026." in body
    )


def test_provider_page_says_when_and_why_an_approval_was_withdrawn(client, school, riverside, dsl):
    _withdraw(school, riverside, dsl)
    client.force_login(dsl)

    body = html.unescape(client.get(riverside.get_absolute_url()).content.decode())

    assert "Withdrawn today: Insurance not renewed" in body
    assert "Approved by Dana Lead on Tuesday 1 September 2026." in body


# Evidence expiring -------------------------------------------------------------


def test_evidence_expiring_tells_whoever_keeps_the_register_once_and_resolves_on_renewal(
    client, school, riverside, head, slt, dsl, pastoral, admin_assistant
):
    set_insurance_expiry(riverside, date(2026, 12, 20))
    expected = (
        "Riverside Skills: Employer's and public liability insurance due to expire on Sunday 20 December 2026"
    )

    assert check_provider_evidence() == {"lapsed": 0, "expiring": 1, "resolved": 0}
    assert check_provider_evidence() == {"lapsed": 0, "expiring": 0, "resolved": 0}

    flag = expiring_flags().get()
    assert flag.summary == expected
    assert flag.roles == ",head,slt,dsl,"
    assert flag.url == riverside.get_absolute_url()
    assert told("evidence_expiring") == [("dsl", expected), ("head", expected), ("slt", expected)]
    assert set(FlagNotice.objects.filter(flag=flag).values_list("audience", flat=True)) == {REGISTER_KEEPERS}
    assert "renewed evidence by Sunday 20 December 2026" in Notification.objects.get(recipient=head).body
    client.force_login(slt)
    assert expected in html.unescape(client.get(reverse("home")).content.decode())
    client.force_login(pastoral)
    assert expected not in html.unescape(client.get(reverse("home")).content.decode())

    renew_insurance(riverside, dsl)
    assert check_provider_evidence()["resolved"] == 1
    flag.refresh_from_db()
    assert flag.resolution == "Evidence renewed"


def test_expiring_flag_resolves_as_expired_and_the_lapsed_flag_takes_over(clock, school, riverside, dsl):
    set_insurance_expiry(riverside, date(2026, 12, 4))
    active_placement(school, riverside)
    check_provider_evidence()
    assert not lapsed_flags().exists()

    clock.move_to(datetime(2026, 12, 7, 7, 0, tzinfo=LONDON))
    assert check_provider_evidence() == {"lapsed": 1, "expiring": 0, "resolved": 1}

    assert expiring_flags().get().resolution == "Expired"
    assert lapsed_flags().get().summary == (
        "Approval of Riverside Skills lapsed on 05/12/2026: "
        "Employer's and public liability insurance expired on 04/12/2026."
    )


def test_expiring_flag_resolves_when_the_school_no_longer_uses_the_provider(school, riverside, dsl):
    set_insurance_expiry(riverside, date(2026, 12, 20))
    check_provider_evidence()

    _withdraw(school, riverside, dsl)
    check_provider_evidence()

    assert expiring_flags().get().resolution == "Provider no longer used"


def test_no_expiring_flag_for_a_provider_the_school_does_not_use(clock, school, dsl, other_school):
    provider = approved_provider(other_school, dsl, TODAY, name="Hilltop Farm")
    ProviderApproval.objects.filter(provider=provider).update(
        withdrawn_at=SEVEN, withdrawn_reason="No longer used"
    )
    set_insurance_expiry(provider, date(2026, 12, 20))
    # A referral only: nothing agreed, so the school does not use the provider yet.
    PlacementFactory(learner=LearnerFactory(school=school), provider=provider, status=Status.REFERRED)

    check_provider_evidence()

    assert not Flag.objects.exists()


# The job -----------------------------------------------------------------------


def test_the_command_and_the_task_run_the_job(school, riverside):
    set_insurance_expiry(riverside, date(2026, 11, 30))
    active_placement(school, riverside)
    out = StringIO()

    call_command("check_provider_evidence", stdout=out)

    assert out.getvalue().strip() == "lapsed: 1, expiring: 0, resolved: 0"
    assert check_provider_evidence_task.delay(SEVEN.isoformat()).get() == {
        "lapsed": 0,
        "expiring": 0,
        "resolved": 0,
    }
    beat = settings.CELERY_BEAT_SCHEDULE["check-provider-evidence"]
    assert beat["task"] == check_provider_evidence_task.name


def _providers_in_trouble(school, dsl, names) -> None:
    """Each: insurance expired, risk assessments expiring, two active placements."""
    for name in names:
        provider = approved_provider(school, dsl, TODAY, name=name)
        set_insurance_expiry(provider, date(2026, 11, 30))
        EvidenceItem.objects.filter(provider=provider, evidence_type__code="risk-assessments").update(
            expires_on=date(2026, 12, 15)
        )
        active_placement(school, provider)
        active_placement(school, provider)


def test_queries_do_not_grow_with_the_number_of_providers(clock, school, dsl, pastoral, head):
    ContentType.objects.get_for_model(Provider)  # cached once per process in production too
    _providers_in_trouble(school, dsl, ["A", "B"])
    with CaptureQueriesContext(connection) as two:
        assert check_provider_evidence() == {"lapsed": 2, "expiring": 2, "resolved": 0}
    _providers_in_trouble(school, dsl, ["C", "D", "E", "F"])
    # The open flags of A and B are read, still hold, and are left alone.
    with CaptureQueriesContext(connection) as six:
        assert check_provider_evidence() == {"lapsed": 4, "expiring": 4, "resolved": 0}

    # 19 each time: mandatory types, approvals, placements, open flags, providers,
    # their evidence (6); savepoint; per kind, insert, claim and read the flags
    # (6); the kinds' own rows; release; staff; messages (insert, read the
    # ones to email); who was told.
    assert len(six) == len(two), [q["sql"] for q in six.captured_queries]
    assert len(two) <= 19


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_at_once_raise_one_flag_and_send_one_message(school, dsl, pastoral):
    if connection.vendor != "postgresql":
        pytest.skip("Concurrent transactions need PostgreSQL")
    with time_machine.travel(SEVEN, tick=False):
        provider = approved_provider(school, dsl, TODAY, name="Riverside Skills")
        set_insurance_expiry(provider, date(2026, 11, 30))
        active_placement(school, provider)
    barrier = threading.Barrier(4)

    def worker():
        try:
            barrier.wait()
            check_provider_evidence(now=SEVEN)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert lapsed_flags().count() == 1
    assert Notification.objects.filter(recipient=dsl).count() == 1
    assert Notification.objects.filter(recipient=pastoral).count() == 1
    assert FlagNotice.objects.count() == 2
