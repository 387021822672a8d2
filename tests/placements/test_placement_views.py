import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from placements.models import EvidenceItem, Placement, PlacementTimetable, Status

from ..factories import (
    LearnerFactory,
    PlacementFactory,
    PlacementTargetFactory,
    ProviderFactory,
    approved_provider,
    signed_documents,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def provider(school, dsl, today):
    return approved_provider(school, dsl, today, name="Riverside Skills")


def placement_post(learner, provider, today, **overrides):
    data = {
        "learner": learner.pk,
        "provider": provider.pk,
        "site": provider.sites.first().pk,
        "referral_reasons": ["attendance", "post16"],
        "referral_other": "",
        "rationale": "Vocational route to rebuild attendance.",
        "arrangement": "school",
        "mon_am": "on",
        "wed_pm": "on",
        "am_hours": "3.0",
        "pm_hours": "2.5",
        "rest_of_week_at_school": "on",
        "start_date": today.isoformat(),
        "target_end_date": (today + timedelta(weeks=20)).isoformat(),
        "review_frequency_weeks": "6",
        "visiting_staff": "",
        "cost_amount": "",
        "cost_basis": "",
    }
    data.update(overrides)
    return data


def test_pastoral_refers_learner(client, school, pastoral, provider, today):
    learner = LearnerFactory(school=school)
    client.force_login(pastoral)
    response = client.post(reverse("placements:placement_create"), placement_post(learner, provider, today))
    placement = Placement.objects.get()
    assert response.status_code == 302
    assert placement.status == Status.REFERRED
    assert placement.school == school
    assert placement.weekly_hours == Decimal("5.5")


def test_referral_needs_session_and_valid_dates(client, school, pastoral, provider, today):
    learner = LearnerFactory(school=school)
    client.force_login(pastoral)
    data = placement_post(learner, provider, today, target_end_date=today.isoformat())
    del data["mon_am"], data["wed_pm"]
    body = client.post(reverse("placements:placement_create"), data).content.decode()
    assert "Tick at least one weekly session" in body
    assert "target end date must be after the start date" in body
    assert "Vocational route to rebuild attendance." in body
    assert not Placement.objects.exists()


def test_other_reason_needs_text(client, school, pastoral, provider, today):
    learner = LearnerFactory(school=school)
    client.force_login(pastoral)
    body = client.post(
        reverse("placements:placement_create"),
        placement_post(learner, provider, today, referral_reasons=["other"]),
    ).content.decode()
    assert "Describe the other reason" in body


def test_site_must_belong_to_provider(client, school, pastoral, provider, dsl, today):
    other = approved_provider(school, dsl, today)
    learner = LearnerFactory(school=school)
    client.force_login(pastoral)
    body = client.post(
        reverse("placements:placement_create"),
        placement_post(learner, provider, today, site=other.sites.first().pk),
    ).content.decode()
    assert "Choose one of Riverside Skills" in body


def test_cannot_refer_other_schools_learner(client, school, other_school, pastoral, provider, today):
    learner = LearnerFactory(school=other_school)
    client.force_login(pastoral)
    body = client.post(
        reverse("placements:placement_create"), placement_post(learner, provider, today)
    ).content.decode()
    assert "Choose the learner from the list" in body
    assert not Placement.objects.exists()


def test_session_clash_refused_on_create(client, school, pastoral, provider, today):
    learner = LearnerFactory(school=school)
    PlacementFactory(learner=learner, provider=provider, status=Status.ACTIVE, mon_am=True)
    client.force_login(pastoral)
    body = client.post(
        reverse("placements:placement_create"), placement_post(learner, provider, today)
    ).content.decode()
    assert "already has at Riverside Skills" in body
    assert Placement.objects.count() == 1


def test_full_lifecycle_through_views(client, school, slt, pastoral, provider, today):
    learner = LearnerFactory(school=school)
    placement = PlacementFactory(learner=learner, provider=provider)
    client.force_login(pastoral)
    url = reverse("placements:placement_meeting", args=[placement.pk])
    refused = client.post(url, {"on": today.isoformat(), "attendees": "Mum, learner, provider"})
    assert "must be explained" in refused.content.decode()
    client.post(
        url,
        {
            "on": today.isoformat(),
            "attendees": "Mum, learner, provider",
            "parents_attended": "on",
            "reasons_explained": "on",
        },
    )
    placement.refresh_from_db()
    assert placement.status == Status.PLANNING
    # Pastoral may not agree: that is SLT's decision.
    assert client.post(reverse("placements:placement_agree", args=[placement.pk])).status_code == 403
    client.force_login(slt)
    client.post(reverse("placements:placement_agree", args=[placement.pk]))
    placement.refresh_from_db()
    assert placement.status == Status.PLANNING  # no targets yet
    PlacementTargetFactory(placement=placement)
    client.post(reverse("placements:placement_agree", args=[placement.pk]))
    signed_documents(placement)
    client.post(reverse("placements:placement_activate", args=[placement.pk]))
    placement.refresh_from_db()
    assert placement.status == Status.ACTIVE
    detail = client.get(reverse("placements:placement_detail", args=[placement.pk])).content.decode()
    assert "Planning meeting held" in detail and "Agreed" in detail
    client.post(
        reverse("placements:placement_end", args=[placement.pk]),
        {"on": today.isoformat(), "reason": "completed"},
    )
    placement.refresh_from_db()
    assert placement.status == Status.ENDED
    assert list(placement.status_changes.values_list("to_status", flat=True)) == [
        "planning",
        "agreed",
        "active",
        "ended",
    ]


def test_activation_refused_lists_every_reason(client, school, slt, dsl, today):
    provider = approved_provider(school, dsl, today, team_teach_trained=False, team_teach_evidence_date=None)
    EvidenceItem.objects.filter(provider=provider, evidence_type__code="insurance").update(
        date_received=today - timedelta(days=400), expires_on=today - timedelta(days=2)
    )
    learner = LearnerFactory(
        school=school, behaviour_risk_assessment=True, behaviour_risk_assessment_date=today
    )
    placement = PlacementFactory(learner=learner, provider=provider, status=Status.AGREED)
    client.force_login(slt)
    response = client.post(reverse("placements:placement_activate", args=[placement.pk]), follow=True)
    body = response.content.decode()
    assert "liability insurance: expired" in body
    assert "no Team Teach" in body
    placement.refresh_from_db()
    assert placement.status == Status.AGREED


def test_cease_needs_reason_and_confirmation(client, school, slt, provider, today):
    placement = PlacementFactory(
        learner=LearnerFactory(school=school), provider=provider, status=Status.ACTIVE
    )
    client.force_login(slt)
    url = reverse("placements:placement_cease", args=[placement.pk])
    page = client.post(url, {"on": today.isoformat(), "reason": ""}).content.decode()
    assert "Enter why the placement is ceasing" in page
    assert "Tick the box to confirm that the placement is to cease" in page
    client.post(url, {"on": today.isoformat(), "reason": "Serious incident on 3 November"})
    placement.refresh_from_db()
    assert placement.status == Status.ACTIVE, "ceased without the confirmation"
    client.post(url, {"on": today.isoformat(), "reason": "Serious incident on 3 November", "confirm": "on"})
    placement.refresh_from_db()
    assert placement.status == Status.CEASED


def test_only_head_authorises_cost(client, school, slt, head, provider):
    placement = PlacementFactory(
        learner=LearnerFactory(school=school), provider=provider, cost_amount=45, cost_basis="session"
    )
    client.force_login(slt)
    assert client.post(reverse("placements:placement_authorise_cost", args=[placement.pk])).status_code == 403
    client.force_login(head)
    client.post(reverse("placements:placement_authorise_cost", args=[placement.pk]))
    placement.refresh_from_db()
    assert placement.cost_authorised_by == head


def test_finance_sees_cost_pastoral_does_not(client, school, finance, pastoral, provider):
    placement = PlacementFactory(
        learner=LearnerFactory(school=school), provider=provider, cost_amount=45, cost_basis="session"
    )
    url = reverse("placements:placement_detail", args=[placement.pk])
    client.force_login(finance)
    assert "£45" in client.get(url).content.decode()
    client.force_login(pastoral)
    assert "£45" not in client.get(url).content.decode()


def test_finished_placement_cannot_be_edited(client, school, slt, provider, today):
    placement = PlacementFactory(
        learner=LearnerFactory(school=school),
        provider=provider,
        status=Status.ENDED,
        end_reason="completed",
        end_date=today,
    )
    client.force_login(slt)
    response = client.get(reverse("placements:placement_edit", args=[placement.pk]), follow=True)
    assert "cannot be changed" in response.content.decode()


def test_other_schools_placement_is_404(client, head, other_school):
    placement = PlacementFactory(learner=LearnerFactory(school=other_school))
    client.force_login(head)
    for name in ["placement_detail", "placement_edit", "placement_targets", "placement_meeting"]:
        assert client.get(reverse(f"placements:{name}", args=[placement.pk])).status_code == 404
    assert client.post(reverse("placements:placement_activate", args=[placement.pk])).status_code == 404


def test_where_is_learner(client, school, admin_assistant, provider, today):
    from ..factories import TermFactory

    monday = today - timedelta(days=today.weekday())
    TermFactory(
        school=school,
        start_date=monday - timedelta(days=30),
        end_date=monday + timedelta(days=30),
        half_term_start=monday + timedelta(days=10),
        half_term_end=monday + timedelta(days=14),
    )
    learner = LearnerFactory(school=school)
    PlacementFactory(
        learner=learner, provider=provider, status=Status.ACTIVE, start_date=monday - timedelta(days=7)
    )
    client.force_login(admin_assistant)
    url = reverse("placements:where_is")
    body = client.get(
        url, {"learner": learner.pk, "on": monday.isoformat(), "session": "am"}
    ).content.decode()
    assert "is at Riverside Skills" in body
    body = client.get(
        url, {"learner": learner.pk, "on": monday.isoformat(), "session": "pm"}
    ).content.decode()
    assert "has no AP session" in body


def test_placement_list_filters_and_query_count(
    client, school, slt, provider, dsl, today, django_assert_max_num_queries
):
    other = approved_provider(school, dsl, today, name="Hilltop Farm")
    PlacementFactory(learner=LearnerFactory(school=school), provider=provider, status=Status.ACTIVE)
    PlacementFactory(learner=LearnerFactory(school=school), provider=other, status=Status.REFERRED)
    client.force_login(slt)
    url = reverse("placements:placement_list")
    body = client.get(url, {"provider": other.pk}).content.decode()
    assert "Hilltop Farm" in body and "Riverside Skills</td>" not in body
    # session, user, memberships, schools, unread count, count, page (joined), the page's
    # timetable versions (for the hours), providers, visitors, the counts of what needs attention.
    with django_assert_max_num_queries(11):
        client.get(url)
    for _ in range(10):
        PlacementFactory(
            learner=LearnerFactory(school=school), provider=ProviderFactory(), status=Status.ACTIVE
        )
    with django_assert_max_num_queries(11):
        assert client.get(url).status_code == 200


def test_where_is_follows_the_calendar(client, school, admin_assistant, provider, today):
    from ..factories import ProviderClosureFactory, TermFactory

    monday = date(2026, 11, 30)
    TermFactory(
        school=school,
        school_year="2026/27",
        name="autumn",
        start_date=date(2026, 9, 2),
        end_date=date(2026, 12, 18),
        half_term_start=date(2026, 10, 26),
        half_term_end=date(2026, 10, 30),
    )
    learner = LearnerFactory(school=school)
    PlacementFactory(
        learner=learner,
        provider=provider,
        status=Status.CEASED,
        ceased_reason="Serious incident",
        activated_on=date(2026, 9, 7),
        start_date=date(2026, 9, 7),
        end_date=monday,
        target_end_date=date(2027, 3, 1),
    )
    client.force_login(admin_assistant)
    url = reverse("placements:where_is")

    def answer(day):
        return client.get(
            url, {"learner": learner.pk, "on": day.isoformat(), "session": "am"}
        ).content.decode()

    assert "is at Riverside Skills" in answer(date(2026, 11, 23))  # before it ceased
    assert "is at Riverside Skills" not in answer(date(2026, 10, 26))  # half term
    ProviderClosureFactory(provider=provider, start_date=date(2026, 11, 23), end_date=date(2026, 11, 23))
    assert "is at Riverside Skills" not in answer(date(2026, 11, 23))


def test_agreed_placement_keeps_its_provider_and_a_cost_change_needs_new_authorisation(
    client, school, slt, head, provider, dsl, today
):
    other = approved_provider(school, dsl, today, name="Hilltop Farm")
    placement = PlacementFactory(
        learner=LearnerFactory(school=school),
        provider=provider,
        status=Status.ACTIVE,
        cost_amount=45,
        cost_basis="session",
        cost_authorised_by=head,
        cost_authorised_at=timezone.now(),
    )
    client.force_login(slt)
    data = placement_post(placement.learner, other, today, site=other.sites.first().pk, cost_amount="60.00")
    data["cost_basis"] = "session"
    # The timetable as it was (Monday and Tuesday mornings): no change of sessions to date.
    data["tue_am"] = "on"
    del data["wed_pm"]
    response = client.post(reverse("placements:placement_edit", args=[placement.pk]), data)
    assert response.status_code == 302
    placement.refresh_from_db()
    assert placement.provider == provider
    assert placement.cost_amount == 60
    assert placement.cost_authorised_by is None


def test_where_is_answers_from_the_expected_sessions(client, school, admin_assistant, provider):
    from ..factories import TermFactory

    TermFactory(school=school)
    learner = LearnerFactory(school=school)
    placement = PlacementFactory(
        learner=learner,
        provider=provider,
        status=Status.ACTIVE,
        start_date=date(2026, 9, 7),
        # Activated late: the provider was not expecting the learner before Wednesday 16 September.
        activated_on=date(2026, 9, 16),
        target_end_date=date(2027, 3, 1),
    )
    # From Monday 2 November, Wednesday mornings instead of Monday and Tuesday mornings.
    PlacementTimetable.objects.create(placement=placement, effective_from=date(2026, 11, 2), wed_am=True)
    client.force_login(admin_assistant)

    def at_provider(day: date) -> bool:
        body = client.get(
            reverse("placements:where_is"), {"learner": learner.pk, "on": day.isoformat(), "session": "am"}
        ).content.decode()
        return "is at Riverside Skills" in body

    assert not at_provider(date(2026, 9, 14))  # a Monday before it was active
    assert at_provider(date(2026, 9, 21))
    assert at_provider(date(2026, 10, 19))  # the last Monday of the old timetable
    assert not at_provider(date(2026, 11, 2))
    assert at_provider(date(2026, 11, 4))  # a Wednesday of the new one


def _landmark_names(page: str) -> list[str]:
    """The accessible names of the page's regions: named <section>s and role="region" boxes."""
    names = re.findall(r'role="region"[^>]*aria-label="([^"]+)"', page)
    for heading_id in re.findall(r'<section[^>]*aria-labelledby="([^"]+)"', page):
        heading = re.search(rf'id="{heading_id}"[^>]*>(.*?)</h\d>', page, re.DOTALL)
        names.append(" ".join(re.sub(r"<[^>]+>", "", heading.group(1)).split()))
    return names


def test_each_region_of_the_placement_page_has_its_own_name(client, school, slt, provider):
    # axe "landmark-unique": the targets section and the scroll box of its table were both "Agreed targets".
    placement = PlacementFactory(learner=LearnerFactory(school=school), provider=provider)
    PlacementTargetFactory(placement=placement)
    client.force_login(slt)
    page = client.get(reverse("placements:placement_detail", args=[placement.pk])).content.decode()
    names = _landmark_names(page)
    assert "Agreed targets" in names and "Table of agreed targets" in names
    assert len(names) == len(set(names)), names
