"""A placement's timetable in versions: from when each applies, and who uses which."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from placements.models import Placement, PlacementTimetable, Status, TransitionError
from placements.registration import provider_registration_warnings
from placements.schedule import expected_sessions

from ..factories import (
    LearnerFactory,
    PlacementFactory,
    ProviderFactory,
    SchoolClosureFactory,
    TermFactory,
    approved_provider,
)

pytestmark = pytest.mark.django_db

LAST_MONDAY = date(2026, 11, 23)
MONDAY = date(2026, 11, 30)
WEDNESDAY = date(2026, 12, 2)
THURSDAY = date(2026, 12, 3)
NEXT_MONDAY = date(2026, 12, 7)
START = date(2026, 9, 7)


def at(day: date, hour: int = 11) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def wednesday():
    with time_machine.travel(at(WEDNESDAY), tick=False):
        yield


@pytest.fixture
def autumn(school):
    return TermFactory(school=school)


@pytest.fixture
def provider(school, dsl):
    return approved_provider(school, dsl, WEDNESDAY, name="Riverside Skills")


@pytest.fixture
def active(school, autumn, provider):
    """Monday and Tuesday mornings since September."""
    return PlacementFactory(
        learner=LearnerFactory(school=school, legal_first_name="Tyler", legal_last_name="Brookes"),
        provider=provider,
        status=Status.ACTIVE,
        start_date=START,
        activated_on=START,
        target_end_date=date(2027, 3, 26),
    )


def flags(*names: str) -> dict[str, bool]:
    return dict.fromkeys(names, True)


def days(placement, start: date, end: date) -> list[tuple[date, str]]:
    found = expected_sessions(start, end, placements=Placement.objects.filter(pk=placement.pk))
    return [(e.day, e.session) for e in found]


# The verb ------------------------------------------------------------------------


def test_an_active_placements_change_adds_a_version_from_that_day(active, slt):
    active.set_timetable(flags("wed_am"), by=slt, effective_from=NEXT_MONDAY)
    versions = active.timetable_versions()
    assert [(v.effective_from, v.sessions_display()) for v in versions] == [
        (START, "Monday AM, Tuesday AM"),
        (NEXT_MONDAY, "Wednesday AM"),
    ]
    assert versions[1].created_by == slt
    assert active.timetable == versions[0]  # still Wednesday 2 December
    with time_machine.travel(at(NEXT_MONDAY), tick=False):
        assert active.timetable == versions[1]


@pytest.mark.parametrize(
    ("effective_from", "reason"),
    [
        (None, "Say from which day the new sessions apply."),
        (MONDAY, "Sessions already past cannot be changed: choose today or a later day."),
    ],
)
def test_an_active_placements_change_needs_a_day_not_in_the_past(active, slt, effective_from, reason):
    with pytest.raises(TransitionError) as refused:
        active.set_timetable(flags("wed_am"), by=slt, effective_from=effective_from)
    assert refused.value.reasons == [reason]
    assert PlacementTimetable.objects.filter(placement=active).count() == 1


def test_a_change_cannot_apply_before_the_placement_starts(school, autumn, provider, slt):
    later = PlacementFactory(
        learner=LearnerFactory(school=school), provider=provider, status=Status.ACTIVE, start_date=NEXT_MONDAY
    )
    with pytest.raises(TransitionError) as refused:
        later.set_timetable(flags("wed_am"), by=slt, effective_from=THURSDAY)
    assert refused.value.reasons == ["The new sessions cannot apply before the placement starts."]


def test_a_new_change_replaces_one_planned_for_later(active, slt):
    active.set_timetable(flags("fri_am"), by=slt, effective_from=NEXT_MONDAY + timedelta(days=7))
    active.set_timetable(flags("wed_am"), by=slt, effective_from=NEXT_MONDAY)
    active.set_timetable(flags("thu_pm"), by=slt, effective_from=NEXT_MONDAY)
    assert [(v.effective_from, v.sessions_display()) for v in active.timetable_versions()] == [
        (START, "Monday AM, Tuesday AM"),
        (NEXT_MONDAY, "Thursday PM"),
    ]


def test_before_activation_an_edit_replaces_the_one_timetable(school, provider, slt):
    agreed = PlacementFactory(
        learner=LearnerFactory(school=school), provider=provider, status=Status.AGREED, start_date=NEXT_MONDAY
    )
    agreed.start_date = NEXT_MONDAY + timedelta(days=7)
    agreed.save()
    agreed.set_timetable(flags("wed_am", "wed_pm"), by=slt)
    [version] = agreed.timetable_versions()
    assert (version.effective_from, version.sessions_display()) == (
        NEXT_MONDAY + timedelta(days=7),
        "Wednesday AM, Wednesday PM",
    )


def test_a_finished_placements_timetable_cannot_change(active, slt):
    active.end(by=slt, on=MONDAY, reason="completed")
    with pytest.raises(TransitionError):
        active.set_timetable(flags("wed_am"), by=slt, effective_from=NEXT_MONDAY)


def test_the_first_version_applies_if_the_start_moves_earlier(active):
    # A start date moved back after activation: the agreed sessions cover the days before the version.
    active.start_date = START - timedelta(days=5)
    active.activated_on = None
    active.save()
    assert days(active, date(2026, 9, 2), date(2026, 9, 4)) == []  # Wed-Fri: no sessions
    assert days(active, START, START + timedelta(days=1)) == [
        (START, "AM"),
        (START + timedelta(days=1), "AM"),
    ]


# Hours, part-time, registration and clashes use the version in force -----------------


def test_weekly_hours_follow_the_version_in_force(active, slt):
    active.set_timetable(flags("mon_am", "mon_pm", "tue_am", "tue_pm"), by=slt, effective_from=NEXT_MONDAY)
    active = Placement.objects.with_timetables().get(pk=active.pk)
    assert active.weekly_hours == Decimal("6.0")
    assert active.weekly_hours_on(NEXT_MONDAY) == Decimal("11.0")
    assert active.sessions_per_week == 2


def test_learner_page_totals_the_hours_in_force_today(client, active, slt, pastoral):
    active.set_timetable(flags("mon_am", "mon_pm", "tue_am", "tue_pm"), by=slt, effective_from=NEXT_MONDAY)
    client.force_login(pastoral)
    url = reverse("placements:learner_detail", args=[active.learner_id])
    assert "6.0 hours a week" in client.get(url).content.decode()
    with time_machine.travel(at(NEXT_MONDAY), tick=False):
        client.force_login(pastoral)
        assert "11.0 hours a week" in client.get(url).content.decode()


def test_registration_counts_the_hours_in_force_on_the_day(school, autumn, dsl, slt):
    unregistered = ProviderFactory(name="Hilltop Farm")
    placement = PlacementFactory(
        learner=LearnerFactory(school=school, looked_after=True),
        provider=unregistered,
        status=Status.ACTIVE,
        start_date=START,
        **flags("mon_am", "mon_pm", "tue_am", "tue_pm", "wed_am", "wed_pm", "thu_am", "thu_pm"),
    )
    assert provider_registration_warnings(unregistered, school=school, sees_needs=True, on=WEDNESDAY)
    placement.set_timetable(flags("mon_am", "tue_am"), by=slt, effective_from=NEXT_MONDAY)
    assert provider_registration_warnings(unregistered, school=school, sees_needs=True, on=WEDNESDAY)
    assert provider_registration_warnings(unregistered, school=school, sees_needs=True, on=NEXT_MONDAY) == []


def test_a_clash_is_judged_on_the_sessions_in_force_on_the_same_days(active, school, dsl, slt):
    elsewhere = approved_provider(school, dsl, WEDNESDAY, name="Hilltop Farm")
    # Monday mornings move to Wednesdays from next Monday.
    active.set_timetable(flags("wed_am", "tue_am"), by=slt, effective_from=NEXT_MONDAY)
    after = PlacementFactory(
        learner=active.learner, provider=elsewhere, status=Status.AGREED, start_date=NEXT_MONDAY, tue_am=False
    )
    assert after.session_clashes() == []
    during = PlacementFactory(
        learner=active.learner,
        provider=elsewhere,
        status=Status.AGREED,
        start_date=MONDAY,
        target_end_date=NEXT_MONDAY - timedelta(days=1),
        tue_am=False,
    )
    assert during.session_clashes() == [active]


# The placement form ------------------------------------------------------------------


def edit_post(placement, **overrides) -> dict:
    data = {
        "provider": placement.provider_id,
        "site": placement.site_id,
        "referral_reasons": ["attendance"],
        "referral_other": "",
        "rationale": placement.rationale,
        "arrangement": "school",
        "mon_am": "on",
        "tue_am": "on",
        "am_hours": "3.0",
        "pm_hours": "2.5",
        "rest_of_week_at_school": "on",
        "start_date": placement.start_date.isoformat(),
        "target_end_date": placement.target_end_date.isoformat(),
        "review_frequency_weeks": "6",
        "visiting_staff": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_form_asks_from_when_with_the_next_school_day(client, active, slt, school):
    client.force_login(slt)
    body = client.get(reverse("placements:placement_edit", args=[active.pk])).content.decode()
    assert "New sessions apply from" in body
    assert 'value="2026-12-03"' in body  # Thursday
    SchoolClosureFactory(school=school, date=THURSDAY)
    SchoolClosureFactory(school=school, date=date(2026, 12, 4))
    body = client.get(reverse("placements:placement_edit", args=[active.pk])).content.decode()
    assert 'value="2026-12-07"' in body  # Thursday and Friday closed: next Monday


def test_the_form_changes_an_active_placements_sessions_from_next_monday(client, active, slt):
    client.force_login(slt)
    url = reverse("placements:placement_edit", args=[active.pk])
    data = edit_post(active, mon_am=None, wed_am="on", timetable_from=NEXT_MONDAY.isoformat())
    response = client.post(url, data, follow=True)
    assert "The new sessions apply from Monday 7 December 2026." in response.content.decode()
    assert days(active, LAST_MONDAY, LAST_MONDAY + timedelta(days=4)) == [
        (LAST_MONDAY, "AM"),
        (date(2026, 11, 24), "AM"),
    ]
    assert days(active, NEXT_MONDAY, NEXT_MONDAY + timedelta(days=4)) == [
        (date(2026, 12, 8), "AM"),
        (date(2026, 12, 9), "AM"),
    ]


@pytest.mark.parametrize(
    ("timetable_from", "message"),
    [
        ("", "Say from which day the new sessions apply."),
        ("2026-11-30", "Sessions already past cannot be changed: choose today or a later day."),
    ],
)
def test_the_form_refuses_a_change_without_a_day_or_in_the_past(client, active, slt, timetable_from, message):
    client.force_login(slt)
    url = reverse("placements:placement_edit", args=[active.pk])
    response = client.post(url, edit_post(active, wed_am="on", timetable_from=timetable_from))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert PlacementTimetable.objects.filter(placement=active).count() == 1


def test_editing_other_details_leaves_the_timetable_alone(client, active, slt):
    client.force_login(slt)
    url = reverse("placements:placement_edit", args=[active.pk])
    response = client.post(url, edit_post(active, review_frequency_weeks="4", timetable_from=""))
    assert response.status_code == 302
    assert PlacementTimetable.objects.filter(placement=active).count() == 1


def test_before_activation_the_form_replaces_the_timetable_without_asking(client, school, provider, slt):
    agreed = PlacementFactory(
        learner=LearnerFactory(school=school), provider=provider, status=Status.AGREED, start_date=NEXT_MONDAY
    )
    client.force_login(slt)
    url = reverse("placements:placement_edit", args=[agreed.pk])
    assert "New sessions apply from" not in client.get(url).content.decode()
    assert client.post(url, edit_post(agreed, mon_am=None, fri_pm="on")).status_code == 302
    [version] = agreed.timetable_versions()
    assert (version.effective_from, version.sessions_display()) == (NEXT_MONDAY, "Tuesday AM, Friday PM")


def test_the_form_refuses_a_change_that_clashes_from_its_day(client, active, school, dsl, slt):
    elsewhere = approved_provider(school, dsl, WEDNESDAY, name="Hilltop Farm")
    PlacementFactory(
        learner=active.learner,
        provider=elsewhere,
        status=Status.AGREED,
        start_date=NEXT_MONDAY + timedelta(days=7),
        mon_am=False,
        tue_am=False,
        wed_am=True,
    )
    client.force_login(slt)
    url = reverse("placements:placement_edit", args=[active.pk])
    clashing = client.post(url, edit_post(active, wed_am="on", timetable_from=NEXT_MONDAY.isoformat()))
    assert (
        "The timetable claims sessions the learner already has at Hilltop Farm" in clashing.content.decode()
    )
    assert PlacementTimetable.objects.filter(placement=active).count() == 1


def test_the_placement_page_lists_the_versions(client, active, slt, pastoral):
    active.set_timetable(flags("wed_am"), by=slt, effective_from=NEXT_MONDAY)
    client.force_login(pastoral)
    body = client.get(reverse("placements:placement_detail", args=[active.pk])).content.decode()
    assert "Timetable versions" in body
    assert "Mon 07/09/2026 (now)" in body and "Monday AM, Tuesday AM" in body
    assert "Mon 07/12/2026" in body and "Wednesday AM" in body


def test_a_late_activation_shows_when_sessions_are_expected_from(client, active, pastoral):
    active.activated_on = MONDAY
    active.save()
    client.force_login(pastoral)
    body = client.get(reverse("placements:placement_detail", args=[active.pk])).content.decode()
    assert "sessions expected from Monday 30 November 2026" in body
