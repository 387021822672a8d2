"""A learner's contacts on the learner form: the policy asks for at least two emergency
contacts and no more; a blank extra contact is left alone; a new contact has no
"Remove" box and takes the next priority."""

import re

import pytest
from django.urls import reverse

from placements.models import Learner

from ..factories import ContactFactory, LearnerFactory
from .test_learner_views import learner_post, valid_upn  # noqa: F401  (fixture used by name)

pytestmark = pytest.mark.django_db


def blank_contact(i: int, priority: int) -> dict:
    """An extra contact as the browser posts it untouched: its initial priority and ticks."""
    return {f"contacts-{i}-priority": str(priority), f"contacts-{i}-emergency_contact": "on"}


def test_a_blank_third_contact_is_optional(client, admin_assistant, valid_upn):  # noqa: F811
    client.force_login(admin_assistant)
    data = learner_post(upn=valid_upn, **{"contacts-TOTAL_FORMS": "3"}) | blank_contact(2, 3)
    response = client.post(reverse("placements:learner_create"), data)
    assert response.status_code == 302
    assert Learner.objects.get().contacts.count() == 2


def test_an_untouched_second_contact_gets_only_the_policy_message(client, admin_assistant, valid_upn):  # noqa: F811
    client.force_login(admin_assistant)
    data = learner_post(upn=valid_upn, **{"contacts-TOTAL_FORMS": "3"})
    for name in ("name", "relationship", "phone", "is_parent_carer", "parental_responsibility"):
        del data[f"contacts-1-{name}"]
    data |= blank_contact(1, 2) | blank_contact(2, 3)
    body = client.post(reverse("placements:learner_create"), data).content.decode()
    assert not Learner.objects.exists()
    assert (
        '<a class="alert-link" href="#id_contacts-1-name">Enter another emergency contact: '
        "record at least two emergency contacts</a>"
    ) in body
    # The untouched contact is not checked field by field, and neither is the third.
    assert "Enter the contact&#x27;s relationship" not in body
    assert "Enter the contact&#x27;s phone number" not in body
    assert "<title>Error: " in body


def test_a_half_filled_extra_contact_is_checked(client, admin_assistant, valid_upn):  # noqa: F811
    client.force_login(admin_assistant)
    data = learner_post(upn=valid_upn, **{"contacts-TOTAL_FORMS": "3"}) | blank_contact(2, 3)
    data["contacts-2-name"] = "Gran Morgan"
    body = client.post(reverse("placements:learner_create"), data).content.decode()
    assert (
        '<a class="alert-link" href="#id_contacts-2-phone">Enter the contact&#x27;s phone number</a>' in body
    )
    assert 'value="Gran Morgan"' in body


def test_a_contact_not_ticked_as_emergency_is_where_the_policy_message_goes(
    client,
    admin_assistant,
    valid_upn,  # noqa: F811
):
    client.force_login(admin_assistant)
    data = learner_post(upn=valid_upn)
    del data["contacts-1-emergency_contact"]
    body = client.post(reverse("placements:learner_create"), data).content.decode()
    assert (
        '<a class="alert-link" href="#id_contacts-1-emergency_contact">Tick “Emergency contact” for this '
        "contact, or add another: record at least two emergency contacts</a>"
    ) in body


def test_new_contacts_have_no_remove_box_and_take_the_next_priority(client, admin_assistant, school):
    client.force_login(admin_assistant)
    body = client.get(reverse("placements:learner_create")).content.decode()
    assert "DELETE" not in body
    for i, priority in enumerate([1, 2, 3]):
        assert re.search(rf'name="contacts-{i}-priority" value="{priority}"', body)
    assert "Contact 3 (optional)" in body
    assert "Contact 2 (optional)" not in body

    learner = LearnerFactory(school=school)
    ContactFactory(learner=learner, priority=1)
    ContactFactory(learner=learner, priority=4)
    body = client.get(reverse("placements:learner_edit", args=[learner.pk])).content.decode()
    assert "contacts-0-DELETE" in body and "contacts-1-DELETE" in body
    assert "Remove this contact" in body
    assert "contacts-2-DELETE" not in body
    assert re.search(r'name="contacts-2-priority" value="5"', body)


def test_every_contact_problem_is_shown_at_once(client, admin_assistant, valid_upn):  # noqa: F811
    client.force_login(admin_assistant)
    data = learner_post(upn=valid_upn, **{"contacts-TOTAL_FORMS": "3"})
    for i in (0, 1):
        for name in ("relationship", "phone", "is_parent_carer", "parental_responsibility"):
            del data[f"contacts-{i}-{name}"]
    del data["contacts-1-name"]
    data |= blank_contact(1, 2) | blank_contact(2, 3)
    body = client.post(reverse("placements:learner_create"), data).content.decode()
    assert 'href="#id_contacts-0-phone">Enter the contact&#x27;s phone number</a>' in body
    assert 'href="#id_contacts-1-name">Enter another emergency contact' in body


def test_existing_contacts_count_towards_the_two(client, admin_assistant, school):
    learner = LearnerFactory(school=school)
    first, second = ContactFactory.create_batch(2, learner=learner, emergency_contact=True)
    client.force_login(admin_assistant)
    data = {
        "legal_first_name": learner.legal_first_name,
        "legal_last_name": "Renamed",
        "upn": learner.upn,
        "date_of_birth": learner.date_of_birth.isoformat(),
        "year_group": learner.year_group,
        "sen_status": learner.sen_status,
        "contacts-TOTAL_FORMS": "3",
        "contacts-INITIAL_FORMS": "2",
    }
    for i, contact in enumerate([first, second]):
        data |= {
            f"contacts-{i}-id": contact.pk,
            f"contacts-{i}-name": contact.name,
            f"contacts-{i}-relationship": contact.relationship,
            f"contacts-{i}-phone": contact.phone,
            f"contacts-{i}-emergency_contact": "on",
            f"contacts-{i}-priority": contact.priority,
        }
    data |= blank_contact(2, max(first.priority, second.priority) + 1)
    response = client.post(reverse("placements:learner_edit", args=[learner.pk]), data)
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.legal_last_name == "Renamed"
