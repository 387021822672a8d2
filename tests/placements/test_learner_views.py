import pytest
from django.urls import reverse

from altprov.models import Role
from placements.models import Learner

from ..factories import ContactFactory, LearnerFactory, MembershipFactory, PlacementFactory, UserFactory

pytestmark = pytest.mark.django_db


def learner_post(**overrides):
    data = {
        "legal_first_name": "Kai",
        "legal_last_name": "Morgan",
        "preferred_name": "",
        "upn": "A820000000010",
        "date_of_birth": "2011-05-04",
        "year_group": "10",
        "sen_status": "support",
        "key_worker": "",
        "behaviour_risk_assessment_date": "",
        "contacts-TOTAL_FORMS": "2",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "2",
        "contacts-MAX_NUM_FORMS": "1000",
    }
    for i, name in enumerate(["Jo Morgan", "Sam Morgan"]):
        data |= {
            f"contacts-{i}-name": name,
            f"contacts-{i}-relationship": "Parent",
            f"contacts-{i}-phone": "07700 900123",
            f"contacts-{i}-emergency_contact": "on",
            f"contacts-{i}-is_parent_carer": "on",
            f"contacts-{i}-parental_responsibility": "on",
            f"contacts-{i}-priority": str(i + 1),
        }
    data.update(overrides)
    return data


@pytest.fixture
def valid_upn():
    from placements.validators import make_upn

    return make_upn("820000000010")


def test_admin_assistant_adds_learner_with_two_contacts(client, admin_assistant, school, valid_upn):
    client.force_login(admin_assistant)
    response = client.post(reverse("placements:learner_create"), learner_post(upn=valid_upn.lower()))
    learner = Learner.objects.get()
    assert response.status_code == 302
    assert learner.school == school
    assert learner.upn == valid_upn
    assert learner.contacts.count() == 2


def test_bad_upn_gets_clear_message_and_keeps_input(client, admin_assistant, valid_upn):
    client.force_login(admin_assistant)
    wrong = ("B" if valid_upn[0] != "B" else "C") + valid_upn[1:]
    response = client.post(reverse("placements:learner_create"), learner_post(upn=wrong))
    assert response.status_code == 200
    assert "check letter is wrong" in response.content.decode()
    assert 'value="Kai"' in response.content.decode()
    assert not Learner.objects.exists()


def test_one_emergency_contact_is_refused(client, admin_assistant, valid_upn):
    client.force_login(admin_assistant)
    data = learner_post(upn=valid_upn)
    del data["contacts-1-emergency_contact"]
    response = client.post(reverse("placements:learner_create"), data)
    assert response.status_code == 200
    assert "at least two emergency contacts" in response.content.decode()


def test_duplicate_upn_is_refused_with_message_naming_only_this_school(
    client, admin_assistant, school, other_school
):
    existing = LearnerFactory(school=school, legal_first_name="Priya", legal_last_name="Shah")
    elsewhere = LearnerFactory(
        school=other_school, upn=existing.upn, legal_first_name="Poppy", legal_last_name="Walsh"
    )
    client.force_login(admin_assistant)
    response = client.post(reverse("placements:learner_create"), learner_post(upn=existing.upn))
    assert response.status_code == 200
    body = response.content.decode()
    assert "A learner with this UPN is already on this school&#x27;s roll." in body
    for word in (elsewhere.legal_first_name, elsewhere.legal_last_name, other_school.name):
        assert word not in body
    assert Learner.objects.filter(upn=existing.upn).count() == 2


def test_another_school_may_hold_a_learner_with_the_same_upn(client, school, other_school, valid_upn):
    LearnerFactory(school=school, upn=valid_upn)
    admin_b = UserFactory()
    MembershipFactory(user=admin_b, school=other_school, role=Role.ADMIN)
    client.force_login(admin_b)
    response = client.post(reverse("placements:learner_create"), learner_post(upn=valid_upn))
    assert response.status_code == 302
    assert Learner.objects.get(school=other_school).upn == valid_upn


def test_risk_assessment_needs_date(client, admin_assistant, valid_upn):
    client.force_login(admin_assistant)
    response = client.post(
        reverse("placements:learner_create"), learner_post(upn=valid_upn, behaviour_risk_assessment="on")
    )
    assert "Give the date of the behaviour risk assessment" in response.content.decode()


def test_finance_cannot_see_learners(client, finance):
    client.force_login(finance)
    assert client.get(reverse("placements:learner_list")).status_code == 403


def test_exams_officer_cannot_add_learner(client, exams):
    client.force_login(exams)
    assert client.get(reverse("placements:learner_create")).status_code == 403


def test_other_schools_learner_is_404(client, head, other_school):
    learner = LearnerFactory(school=other_school)
    client.force_login(head)
    assert client.get(reverse("placements:learner_detail", args=[learner.pk])).status_code == 404
    assert client.get(reverse("placements:learner_edit", args=[learner.pk])).status_code == 404


def test_safeguarding_flag_shown_to_dsl_and_head_only(client, school, dsl, head, pastoral):
    learner = LearnerFactory(school=school, safeguarding_flag=True)
    url = reverse("placements:learner_detail", args=[learner.pk])
    for user in (dsl, head):
        client.force_login(user)
        assert "Safeguarding flag" in client.get(url).content.decode()
    client.force_login(pastoral)
    body = client.get(url).content.decode()
    assert "Safeguarding flag" not in body
    assert "DSL&#x27;s log" not in body


def test_pastoral_edit_cannot_change_safeguarding_flag(client, school, pastoral):
    learner = LearnerFactory(school=school, safeguarding_flag=True)
    ContactFactory.create_batch(2, learner=learner, emergency_contact=True)
    client.force_login(pastoral)
    form = client.get(reverse("placements:learner_edit", args=[learner.pk])).content.decode()
    assert "safeguarding_flag" not in form


def test_learner_history_hides_safeguarding_changes_from_slt(client, school, slt, dsl):
    learner = LearnerFactory(school=school)
    learner.safeguarding_flag = True
    learner.save()
    url = reverse("placements:learner_detail", args=[learner.pk])
    client.force_login(dsl)
    assert "Safeguarding flag: No → Yes" in client.get(url).content.decode()
    client.force_login(slt)
    assert "Safeguarding flag" not in client.get(url).content.decode()


def test_passport_hidden_from_admin_assistant(client, school, admin_assistant, sendco):
    learner = LearnerFactory(school=school, learner_passport="Uses a reader in exams")
    url = reverse("placements:learner_detail", args=[learner.pk])
    client.force_login(admin_assistant)
    assert "Uses a reader" not in client.get(url).content.decode()
    client.force_login(sendco)
    assert "Uses a reader" in client.get(url).content.decode()


def test_list_filters_by_year_and_search(client, school, pastoral):
    LearnerFactory(school=school, legal_first_name="Zara", legal_last_name="Quill", year_group=9)
    LearnerFactory(school=school, legal_first_name="Yusuf", legal_last_name="Reed", year_group=11)
    client.force_login(pastoral)
    body = client.get(reverse("placements:learner_list"), {"year": "9"}).content.decode()
    assert "Quill" in body and "Reed" not in body
    body = client.get(reverse("placements:learner_list"), {"q": "yusuf"}).content.decode()
    assert "Reed" in body and "Quill" not in body


def test_list_shows_only_current_school(client, school, other_school, head):
    LearnerFactory(school=other_school, legal_last_name="Elsewhere")
    LearnerFactory(school=school, legal_last_name="Here")
    client.force_login(head)
    body = client.get(reverse("placements:learner_list")).content.decode()
    assert "Here" in body and "Elsewhere" not in body


def test_learner_list_query_count_constant(client, school, pastoral, django_assert_max_num_queries):
    for _ in range(3):
        PlacementFactory(learner=LearnerFactory(school=school))
    client.force_login(pastoral)
    url = reverse("placements:learner_list")
    # session, user, memberships, schools, unread count, count, page of learners,
    # prefetched placements (+providers joined), providers for the filter.
    with django_assert_max_num_queries(10):
        client.get(url)
    for _ in range(10):
        PlacementFactory(learner=LearnerFactory(school=school))
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200


def test_role_added_for_second_school_shows_switcher(client, head, other_school):
    from ..factories import MembershipFactory

    MembershipFactory(user=head, school=other_school, role=Role.SLT)
    client.force_login(head)
    body = client.get(reverse("home")).content.decode()
    assert 'id="school-switch"' in body
    response = client.post(reverse("switch_school"), {"school": other_school.pk, "next": "/learners/"})
    assert response.status_code == 302
    assert client.get(reverse("home")).context["current_school"] == other_school


def test_learner_page_totals_weekly_hours_at_ap(client, school, pastoral):
    from placements.models import Status

    learner = LearnerFactory(school=school)
    PlacementFactory(learner=learner, status=Status.ACTIVE, mon_am=True, tue_am=False, wed_pm=True)
    PlacementFactory(learner=learner, status=Status.AGREED, mon_am=False, tue_am=False, thu_am=True)
    PlacementFactory(learner=learner, status=Status.REFERRED, fri_am=True)
    client.force_login(pastoral)
    body = client.get(reverse("placements:learner_detail", args=[learner.pk])).content.decode()
    # 3.0 + 2.5 (active) + 3.0 (agreed); the referral does not count yet.
    assert "8.5 hours a week" in body
