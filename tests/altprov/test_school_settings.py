import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

VALID = {
    "address": "Stonehill Avenue\nBirstall",
    "phone": "0116 496 0100",
    "email": "",
    "dsl_name": "Sarah Kendall",
    "dsl_phone": "0116 496 0101",
    "dsl_email": "dsl@school.example",
    "attendance_target": "96",
    "provider_email_time": "07:45",
    "report_cutoff": "09:45",
    "escalation_time": "11:30",
    "pm_report_cutoff": "13:45",
}


def test_head_changes_the_target_and_times(client, head, school):
    client.force_login(head)
    response = client.post(reverse("school_settings"), VALID)
    assert response.status_code == 302
    school.refresh_from_db()
    assert school.attendance_target == 96
    assert school.report_cutoff.strftime("%H:%M") == "09:45"
    assert school.history.first().history_user == head


def test_times_out_of_order_get_a_message_and_keep_input(client, head, school):
    client.force_login(head)
    response = client.post(reverse("school_settings"), VALID | {"escalation_time": "09:00"})
    body = response.content.decode()
    assert "Escalation comes after the morning cut-off" in body
    assert 'value="Sarah Kendall"' in body
    school.refresh_from_db()
    assert school.attendance_target != 96


def test_other_roles_cannot_change_settings(client, admin_assistant, dsl):
    for user in (admin_assistant, dsl):
        client.force_login(user)
        assert client.get(reverse("school_settings")).status_code == 403


def test_settings_page_shows_who_changed_what(client, head, school):
    client.force_login(head)
    client.post(reverse("school_settings"), VALID)
    body = client.get(reverse("school_settings")).content.decode()
    assert "Attendance target (%): 95.00 → 96.00" in body
