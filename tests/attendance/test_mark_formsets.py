"""The per-session mark formsets of the provider's register and the staff marks page.

One set of rules, with one set of words, on both pages; forms only for the
sessions the server lists; an error summary linking to every field.
"""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from altprov.links import issue_link
from altprov.models import LinkPurpose
from attendance.models import AttendanceMark, MarkStatus, Source
from attendance.recording import MarkInput, record_marks
from placements.models import Status

from ..factories import LearnerFactory, PlacementFactory, ProviderFactory
from .conftest import MONDAY, london

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def register_url(school, provider):
    with time_machine.travel(london(MONDAY, 8, 0), tick=False):
        _, token = issue_link(purpose=LinkPurpose.PROVIDER_REGISTER, school=school, subject=provider)
    return reverse("link_page", kwargs={"token": token})


def staff_url(provider) -> str:
    return f"{reverse('attendance:record_marks', args=[provider.pk])}?day={MONDAY.isoformat()}"


def name(placement, field, session="am", day=MONDAY) -> str:
    return f"marks-{day:%Y%m%d}-{placement.pk}-{session}-{field}"


def placement_at(school, provider, first="Aaron", last="Adams", **sessions):
    return PlacementFactory(
        learner=LearnerFactory(school=school, legal_first_name=first, legal_last_name=last),
        provider=provider,
        status=Status.ACTIVE,
        start_date=date(2026, 9, 7),
        target_end_date=date(2027, 3, 26),
        activated_on=date(2026, 9, 7),
        **sessions,
    )


def provider_post(client, url, data):
    with time_machine.travel(london(MONDAY, 9, 30), tick=False):
        return client.post(url, {"save": MONDAY.isoformat(), **data})


def staff_post(client, url, data, rest=""):
    with time_machine.travel(london(MONDAY, 10, 30), tick=False):
        return client.post(url, {"form": "marks", "source": "phone", "reason": "", "rest": rest, **data})


def errors_on(response, placement, session="AM") -> list[str]:
    (form,) = (f for f in response.context["formset"] if f.row.key == (placement.pk, MONDAY, session))
    return [error for errors in form.errors.values() for error in errors]


# One rule, one message ----------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ({"status": "absent"}, "Choose a reason for Tyler B.'s absence on Monday morning"),
        ({"status": "late"}, "Enter how many minutes late Tyler B. was on Monday morning"),
        (
            {"status": "late", "late_minutes": "241"},
            "Minutes late for Tyler B. on Monday morning must be between 1 and 240",
        ),
        (
            {"status": "late", "late_minutes": "ten"},
            "Minutes late for Tyler B. on Monday morning must be a number, like 10",
        ),
        (
            {"note": "Left at 11"},
            "Choose present, late or absent for Tyler B. on Monday morning to go with what you entered",
        ),
    ],
)
def test_a_mark_rule_says_the_same_on_the_provider_register_and_the_staff_page(
    client, admin_assistant, register_url, provider, active_placement, typed, expected
):
    data = {name(active_placement, field): value for field, value in typed.items()}
    on_register = provider_post(client, register_url, data)
    client.force_login(admin_assistant)
    on_staff_page = staff_post(client, staff_url(provider), data)
    assert errors_on(on_register, active_placement) == [expected]
    # The provider sees the learner's first name and initial; staff see the full name.
    assert errors_on(on_staff_page, active_placement) == [expected.replace("Tyler B.", "Tyler Brookes")]
    assert not AttendanceMark.objects.exists()


def test_amending_a_mark_says_it_in_the_same_words(client, admin_assistant, active_placement):
    record_marks(
        school=active_placement.school,
        entries=[MarkInput(active_placement, MONDAY, "AM", MarkStatus.PRESENT)],
        source=Source.PROVIDER_LINK,
    )
    mark = AttendanceMark.objects.get()
    client.force_login(admin_assistant)
    with time_machine.travel(london(MONDAY, 10, 30), tick=False):
        response = client.post(
            reverse("attendance:amend_mark", args=[mark.pk]), {"status": "absent", "reason": "Rang back"}
        )
    assert response.context["form"].errors["code"] == [
        "Choose a reason for Tyler Brookes's absence on Monday morning"
    ]


def test_an_extra_session_names_the_learner_and_session_chosen(
    client, admin_assistant, provider, active_placement
):
    client.force_login(admin_assistant)
    with time_machine.travel(london(MONDAY, 10, 30), tick=False):
        response = client.post(
            staff_url(provider),
            {
                "form": "extra",
                "extra-placement": active_placement.pk,
                "extra-day": MONDAY.isoformat(),
                "extra-session": "PM",
                "extra-status": "late",
                "extra-source": "staff",
            },
        )
    assert response.context["extra_form"].errors["late_minutes"] == [
        "Enter how many minutes late Tyler Brookes was on Monday afternoon"
    ]


# Only the server's sessions are read ------------------------------------------------


def tampered(placement, elsewhere, other_school_placement) -> dict:
    """A made-up count and made-up rows: by position, and named for placements not on the page."""
    data = {"marks-TOTAL_FORMS": "6", "marks-INITIAL_FORMS": "6", "marks-MAX_NUM_FORMS": "1000"}
    for n in range(6):
        data |= {f"marks-{n}-status": "absent", f"marks-{n}-code": "I", f"marks-{n}-note": "tampered"}
    for other in (elsewhere, other_school_placement):
        data |= {name(other, "status"): "absent", name(other, "code"): "I", name(other, "note"): "tampered"}
    # Tuesday is not on Monday's register or the staff page for Monday.
    data |= {name(placement, "status", day=MONDAY + timedelta(days=1)): "absent"}
    return data


@pytest.fixture
def elsewhere(school, other_school, active_placement):
    """A placement at another provider, and one of another school at this provider, both due on Monday."""
    return (
        placement_at(school, ProviderFactory(name="Hilltop Farm"), mon_am=True),
        placement_at(other_school, active_placement.provider, first="Zed", mon_am=True),
    )


def test_the_register_reads_no_row_it_did_not_offer(client, register_url, active_placement, elsewhere):
    data = tampered(active_placement, *elsewhere) | {name(active_placement, "status"): "present"}
    with time_machine.travel(london(MONDAY, 9, 30), tick=False):
        assert client.post(register_url, {"save": MONDAY.isoformat(), **data}).status_code == 302
        # The form count is the register's: today's two sessions and last Tuesday's one.
        page = client.get(register_url)
    assert list(AttendanceMark.objects.values_list("placement", "date", "session", "code")) == [
        (active_placement.pk, MONDAY, "AM", "B")
    ]
    assert len(page.context["formset"].forms) == 3
    assert "TOTAL_FORMS" not in page.content.decode()


def test_the_staff_page_reads_no_row_it_did_not_offer(
    client, admin_assistant, provider, active_placement, elsewhere
):
    client.force_login(admin_assistant)
    data = tampered(active_placement, *elsewhere) | {name(active_placement, "status"): "present"}
    assert staff_post(client, staff_url(provider), data).status_code == 302
    assert list(AttendanceMark.objects.values_list("placement", "date", "session", "code")) == [
        (active_placement.pk, MONDAY, "AM", "B")
    ]


def test_a_session_added_while_the_staff_page_is_open_does_not_shift_marks(
    client, school, admin_assistant, provider, active_placement
):
    client.force_login(admin_assistant)
    with time_machine.travel(london(MONDAY, 10, 30), tick=False):
        page = client.get(staff_url(provider)).content.decode()
    am, pm = dict.fromkeys(re.findall(r'name="((?!extra-)[^"]+-status)"', page))
    # Meanwhile a learner listed before Tyler starts at the provider on Mondays.
    aaron = placement_at(school, provider, mon_am=True)
    data = {am: "absent", am.replace("-status", "-code"): "I", pm: "present"}
    assert staff_post(client, staff_url(provider), data).status_code == 302
    assert dict(AttendanceMark.objects.filter(placement=active_placement).values_list("session", "code")) == {
        "AM": "I",
        "PM": "B",
    }
    assert not AttendanceMark.objects.filter(placement=aaron).exists()


def test_the_rest_present_keeps_a_note_typed_on_a_blank_session(
    client, admin_assistant, provider, active_placement
):
    client.force_login(admin_assistant)
    data = {name(active_placement, "status"): "absent", name(active_placement, "code"): "M"}
    data[name(active_placement, "note", session="pm")] = "Back from the dentist"
    assert staff_post(client, staff_url(provider), data, rest="present").status_code == 302
    pm = AttendanceMark.objects.get(session="PM")
    assert (pm.code, pm.note) == ("B", "Back from the dentist")


# The error summary -------------------------------------------------------------------


def summary_links(page: str) -> list[tuple[str, str]]:
    summary = page[page.index('id="error-summary"') :]
    summary = summary[: summary.index("</div>")]
    return re.findall(r'<a class="alert-link" href="#([^"]+)">([^<]+)</a>', summary)


def test_the_register_error_summary_links_to_each_field(client, register_url, active_placement):
    data = {
        name(active_placement, "status"): "absent",
        name(active_placement, "status", session="pm"): "present",
        name(active_placement, "late_minutes", day=MONDAY - timedelta(days=6)): "ten",
    }
    page = provider_post(client, register_url, data).content.decode()
    links = summary_links(page)
    assert [target for target, _ in links] == [
        f"id_{name(active_placement, 'code')}",
        # The status is a set of radio buttons: the link goes to the first.
        f"id_{name(active_placement, 'status', session='pm')}_0",
        f"id_{name(active_placement, 'late_minutes', day=MONDAY - timedelta(days=6))}",
    ]
    for target, message in links:
        assert f'id="{target}"' in page
        # The same words beside the field, which is described by them.
        assert f'id="{target.removesuffix("_0")}_error"><p class="mb-0">{message}</p>' in page
    assert "afternoon session has not started yet" in links[1][1]


def test_the_staff_page_error_summary_links_to_each_field(
    client, admin_assistant, provider, active_placement
):
    client.force_login(admin_assistant)
    data = {name(active_placement, "status"): "late", name(active_placement, "note", session="pm"): "Unwell"}
    response = staff_post(client, staff_url(provider), data | {"source": ""})
    page = response.content.decode()
    links = summary_links(page)
    assert links == [
        ("id_source_0", "Say how you heard: phone call, email or staff entry."),
        (
            f"id_{name(active_placement, 'late_minutes')}",
            "Enter how many minutes late Tyler Brookes was on Monday morning",
        ),
        (
            f"id_{name(active_placement, 'status', session='pm')}_0",
            "Choose present, late or absent for Tyler Brookes on Monday afternoon "
            "to go with what you entered",
        ),
    ]
    for target, _ in links:
        assert f'id="{target}"' in page
    assert 'value="Unwell"' in page
