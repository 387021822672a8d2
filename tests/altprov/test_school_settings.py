import pytest
from django.urls import reverse

from altprov.forms import SchoolSettingsForm

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
    "pm_escalation_time": "15:30",
    "review_notice_days": "14",
}


def test_head_changes_the_target_and_times(client, head, school):
    client.force_login(head)
    response = client.post(reverse("school_settings"), VALID)
    assert response.status_code == 302
    school.refresh_from_db()
    assert school.attendance_target == 96
    assert school.report_cutoff.strftime("%H:%M") == "09:45"
    assert school.pm_escalation_time.strftime("%H:%M") == "15:30"
    assert school.history.first().history_user == head


def test_times_out_of_order_get_a_message_and_keep_input(client, head, school):
    client.force_login(head)
    response = client.post(reverse("school_settings"), VALID | {"escalation_time": "09:00"})
    body = response.content.decode()
    assert "There is a problem" in body
    message = "Morning escalation time must be after the morning report cut-off (09:45)."
    assert f'<a class="alert-link" href="#id_escalation_time">{message}</a>' in body
    assert 'value="Sarah Kendall"' in body
    assert 'value="09:00"' in body
    school.refresh_from_db()
    assert school.attendance_target != 96


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"provider_email_time": "09:45"},
            "provider_email_time",
            "Provider email time must be before the morning report cut-off (09:45).",
        ),
        (
            {"escalation_time": "09:30"},
            "escalation_time",
            "Morning escalation time must be after the morning report cut-off (09:45).",
        ),
        (
            {"pm_report_cutoff": "09:45"},
            "pm_report_cutoff",
            "Afternoon report cut-off must be after the morning report cut-off (09:45).",
        ),
        (
            {"pm_escalation_time": "13:00"},
            "pm_escalation_time",
            "Afternoon escalation time must be after the afternoon report cut-off (13:45).",
        ),
        (
            {"provider_email_time": "05:30"},
            "provider_email_time",
            "Provider email time must be between 06:00 and 18:55.",
        ),
        (
            {"pm_escalation_time": "19:00"},
            "pm_escalation_time",
            "Afternoon escalation time must be between 06:00 and 18:55.",
        ),
    ],
)
def test_each_time_out_of_order_or_range_is_named_on_its_own_field(school, change, field, message):
    form = SchoolSettingsForm(VALID | change, instance=school)
    assert form.errors == {field: [message]}


def test_an_afternoon_escalation_past_midnight_is_refused(school):
    # Before each time had its own setting, an afternoon escalation was derived
    # and could land after midnight; now it is typed and must follow its cut-off.
    form = SchoolSettingsForm(
        VALID | {"pm_report_cutoff": "18:00", "pm_escalation_time": "00:30"}, instance=school
    )
    assert form.errors == {
        "pm_escalation_time": [
            "Afternoon escalation time must be between 06:00 and 18:55.",
        ]
    }


def test_late_times_inside_the_job_hours_are_accepted(school):
    late = {
        "provider_email_time": "12:30",
        "report_cutoff": "13:00",
        "escalation_time": "17:00",
        "pm_report_cutoff": "17:30",
        "pm_escalation_time": "18:55",
    }
    form = SchoolSettingsForm(VALID | late, instance=school)
    assert form.errors == {}
    form.save()
    school.refresh_from_db()
    assert school.pm_escalation_time.strftime("%H:%M") == "18:55"


def test_settings_page_groups_the_times_by_session(client, head):
    client.force_login(head)
    body = client.get(reverse("school_settings")).content.decode()
    morning = body.index('<legend class="h6">Morning</legend>')
    afternoon = body.index('<legend class="h6">Afternoon</legend>')
    assert (
        morning < body.index('name="escalation_time"') < afternoon < body.index('name="pm_escalation_time"')
    )
    assert "between 06:00 and 18:55" in body


def test_other_roles_cannot_change_settings(client, admin_assistant, dsl):
    for user in (admin_assistant, dsl):
        client.force_login(user)
        assert client.get(reverse("school_settings")).status_code == 403


def test_settings_page_shows_who_changed_what(client, head, school):
    client.force_login(head)
    client.post(reverse("school_settings"), VALID)
    body = client.get(reverse("school_settings")).content.decode()
    assert "Attendance target (%): 95.00 → 96.00" in body
