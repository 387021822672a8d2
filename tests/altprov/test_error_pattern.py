"""Every form's errors follow one pattern (GOV.UK Design System): the page title starts
"Error: ", a summary titled "There is a problem" lists each error as a link to a field
that exists on the page, the field says the same specific message, and what was typed
is kept. Optional fields say "(optional)"; required ones carry no asterisk.
"""

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from altprov.form_errors import ClearErrorsMixin, error_items
from altprov.models import Role
from attendance.models import AttendanceMark, MarkStatus, Source
from placements.forms import ContactForm, LearnerForm, PlacementForm, ProviderForm
from placements.models import Status

from ..factories import (
    ContactFactory,
    LearnerFactory,
    PlacementFactory,
    PlacementTargetFactory,
    UserFactory,
    approved_provider,
    missing_report,
)

pytestmark = pytest.mark.django_db

SUMMARY = re.compile(
    r'<div class="alert alert-danger error-summary"[^>]*id="error-summary"[^>]*>(.*?)</div>', re.S
)
LINK = re.compile(r'<a class="alert-link" href="#([^"]+)">([^<]+)</a>')


def error_page(body: str, form_wide: Collection[str] = ()) -> list[tuple[str, str]]:
    """The summary's links (field id, message), after checking the pattern around them.

    A form-wide error (one starting with a string in `form_wide`) is shown once, in the summary only.
    """
    assert re.search(r"<title>Error: ", body), "the title does not start with Error:"
    summary = SUMMARY.search(body)
    assert summary, "no error summary"
    assert "There is a problem" in summary[1]
    links = LINK.findall(summary[1])
    assert links, "the summary links to no field"
    for field_id, message in links:
        assert f'id="{field_id}"' in body, f"the summary links to #{field_id}, which is not on the page"
        if message.startswith(tuple(form_wide)):
            assert body.count(message) == 1, f"{message!r} is shown again outside the summary"
            continue
        # Said twice: in the summary and beside the field.
        assert body.count(message) >= 2, f"{message!r} is not shown beside its field"
        assert_label_error_input(body, field_id)
    assert "asteriskField" not in body
    return links


def assert_label_error_input(body: str, field_id: str) -> None:
    """The field's label (or its group's legend), then its error message, then the input (GOV.UK)."""
    group = re.sub(r"_0$", "", field_id)
    error = body.index(f'id="{group}_error"')
    field = re.search(rf'<(input|select|textarea)\b[^>]*\bid="{field_id}"', body)
    assert field, f"no input #{field_id}"
    assert error < field.start(), f"the error for #{field_id} comes after its input"
    if field_id.endswith("_0"):
        label = body.rfind("<legend", 0, error)
    else:
        label = body.find(f'for="{field_id}"')
        if 'type="checkbox"' in field[0]:
            # A single box: its label is beside it, after the message.
            assert label > field.start(), f"the label of #{field_id} is not beside its box"
            return
    assert -1 < label < error, f"the error for #{field_id} comes before its label"


@dataclass
class Case:
    url: Callable[[SimpleNamespace], str]
    role: str
    data: Callable[[SimpleNamespace], dict]
    field_id: str
    message: str
    kept: str = ""
    files: dict = field(default_factory=dict)


@pytest.fixture
def world(school):
    today = timezone.localdate()
    dsl = UserFactory()
    learner = LearnerFactory(school=school, legal_first_name="Tyler", legal_last_name="Brookes")
    ContactFactory.create_batch(2, learner=learner, emergency_contact=True)
    provider = approved_provider(school, dsl, today, name="Riverside Skills")
    active = PlacementFactory(learner=learner, provider=provider, status=Status.ACTIVE, mon_am=True)
    planning = PlacementFactory(
        learner=learner, provider=provider, status=Status.PLANNING, mon_am=False, wed_pm=True
    )
    PlacementTargetFactory(placement=planning)
    mark = AttendanceMark.objects.create(
        placement=active,
        school=school,
        date=today,
        session="AM",
        status=MarkStatus.PRESENT,
        code="B",
        source=Source.PHONE,
        entered_by=dsl,
    )
    flag = missing_report(school=school, provider=provider, day=today, session="PM")
    return SimpleNamespace(
        today=today,
        learner=learner,
        provider=provider,
        active=active,
        planning=planning,
        mark=mark,
        flag=flag,
    )


def to(name: str, pk: Callable | None = None) -> Callable[[SimpleNamespace], str]:
    return lambda w: reverse(name, args=[pk(w)] if pk else [])


LEARNER = lambda w: w.learner.pk  # noqa: E731
PROVIDER = lambda w: w.provider.pk  # noqa: E731
ACTIVE = lambda w: w.active.pk  # noqa: E731

CASES = {
    "learner": Case(
        to("placements:learner_create"),
        Role.HEAD,
        lambda w: {
            "legal_first_name": "Kayden",
            "legal_last_name": "",
            "contacts-TOTAL_FORMS": "3",
            "contacts-INITIAL_FORMS": "0",
        },
        "id_legal_last_name",
        "Enter the learner&#x27;s last name",
        kept='value="Kayden"',
    ),
    "placement": Case(
        to("placements:placement_create"),
        Role.HEAD,
        lambda w: {"learner": w.learner.pk, "rationale": "Vocational route", "mon_am": "on"},
        "id_provider",
        "Choose the provider",
        kept="Vocational route",
    ),
    "placement timetable": Case(
        to("placements:placement_create"),
        Role.HEAD,
        lambda w: {"learner": w.learner.pk},
        "id_mon_am",
        "Tick at least one weekly session in the timetable.",
    ),
    "provider": Case(
        to("placements:provider_create"),
        Role.HEAD,
        lambda w: {"name": "", "lead_contact_name": "Sam Price"},
        "id_name",
        "Enter the provider&#x27;s name",
        kept='value="Sam Price"',
    ),
    "site": Case(
        to("placements:site_create", PROVIDER),
        Role.HEAD,
        lambda w: {"name": "Barn", "postcode": ""},
        "id_postcode",
        "Enter the site&#x27;s postcode",
        kept='value="Barn"',
    ),
    "evidence": Case(
        to("placements:evidence_create", PROVIDER),
        Role.HEAD,
        lambda w: {"date_received": "", "notes": "Posted copy"},
        "id_evidence_type",
        "Choose the evidence type",
        kept="Posted copy",
    ),
    "withdraw approval": Case(
        to("placements:provider_withdraw", PROVIDER),
        Role.DSL,
        lambda w: {"reason": ""},
        "id_reason",
        "Enter why the approval is withdrawn",
    ),
    "review": Case(
        to("placements:review_create", PROVIDER),
        Role.HEAD,
        lambda w: {"notes": "Good visit", "review_date": ""},
        "id_review_date",
        "Enter the review date",
        kept="Good visit",
    ),
    "provider closure": Case(
        to("placements:provider_closure_create", PROVIDER),
        Role.HEAD,
        lambda w: {"reason": "Staff training", "start_date": ""},
        "id_start_date",
        "Enter the first day the provider is closed",
        kept='value="Staff training"',
    ),
    "term": Case(
        to("placements:term_create"),
        Role.HEAD,
        lambda w: {"school_year": "2026-27"},
        "id_school_year",
        "Write the school year as 2026/27.",
        kept='value="2026-27"',
    ),
    "school closure": Case(
        to("placements:closure_create"),
        Role.HEAD,
        lambda w: {"date": "31/02/2026", "description": "INSET"},
        "id_date",
        "Date must be a real date",
        kept='value="INSET"',
    ),
    "school settings": Case(
        to("school_settings"),
        Role.HEAD,
        lambda w: {"phone": "", "dsl_name": "Pat Lee"},
        "id_phone",
        "Enter the school&#x27;s phone number",
        kept='value="Pat Lee"',
    ),
    "planning meeting": Case(
        to("placements:placement_meeting", lambda w: w.planning.pk),
        Role.HEAD,
        lambda w: {"on": w.today.isoformat(), "attendees": "", "notes": "Timescales agreed"},
        "id_attendees",
        "Enter who attended the meeting",
        kept="Timescales agreed",
    ),
    "targets": Case(
        to("placements:placement_targets", lambda w: w.planning.pk),
        Role.HEAD,
        lambda w: {
            "targets-TOTAL_FORMS": "1",
            "targets-INITIAL_FORMS": "0",
            "targets-0-description": "Attend every session",
            "targets-0-baseline": "",
            "targets-0-measure": "Register",
        },
        "id_targets-0-baseline",
        "Enter the target&#x27;s baseline",
        kept='value="Attend every session"',
    ),
    "end": Case(
        to("placements:placement_end", ACTIVE),
        Role.HEAD,
        lambda w: {"on": w.today.isoformat(), "note": "Moved on to college"},
        "id_reason",
        "Choose why the placement ended",
        kept="Moved on to college",
    ),
    "cease": Case(
        to("placements:placement_cease", ACTIVE),
        Role.HEAD,
        lambda w: {"on": w.today.isoformat(), "reason": "Serious incident"},
        "id_confirm",
        "Tick the box to confirm that the placement is to cease",
        kept="Serious incident",
    ),
    "intervention": Case(
        to("attendance:intervention_create", LEARNER),
        Role.HEAD,
        lambda w: {"date": w.today.isoformat(), "outcome": "", "next_step": "Home visit"},
        "id_kind",
        "Choose what was done",
        kept='value="Home visit"',
    ),
    "parent contact": Case(
        to("attendance:parent_contact_create", LEARNER),
        Role.HEAD,
        lambda w: {"about": "Absence on Monday", "outcome": ""},
        "id_contact",
        "Choose who was contacted.",
        kept='value="Absence on Monday"',
    ),
    "record marks, extra session": Case(
        to("attendance:record_marks", PROVIDER),
        Role.HEAD,
        lambda w: {"form": "extra", "extra-note": "Came in for a trip"},
        "id_extra-placement",
        "Choose the learner.",
    ),
    "amend mark": Case(
        lambda w: reverse("attendance:amend_mark", args=[w.mark.pk]),
        Role.HEAD,
        lambda w: {"status": "absent", "reason": "Provider corrected it"},
        "id_code",
        "Choose a reason for Tyler Brookes&#x27;s absence",
        kept='value="Provider corrected it"',
    ),
    "close flag": Case(
        lambda w: reverse("attendance:close_flag", args=[w.flag.pk]),
        Role.HEAD,
        lambda w: {"reason": ""},
        "id_reason",
        "Say why the flag can be closed without the marks.",
    ),
    "chase": Case(
        to("attendance:chase", PROVIDER),
        Role.HEAD,
        lambda w: {"note": ""},
        "id_note",
        "Enter a short note of how you chased the provider",
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_shows_the_error_pattern(client, world, role_user, name):
    case = CASES[name]
    client.force_login(role_user(case.role))
    response = client.post(case.url(world), case.data(world))
    assert response.status_code == 200
    body = response.content.decode()
    links = error_page(body)
    assert any(
        field_id == case.field_id and message.startswith(case.message) for field_id, message in links
    ), links
    if case.kept:
        assert case.kept in body


def test_a_page_without_errors_has_no_error_title_or_summary(client, world, role_user):
    client.force_login(role_user(Role.HEAD))
    body = client.get(reverse("placements:learner_create")).content.decode()
    assert "<title>Error:" not in body
    assert 'id="error-summary"' not in body


def test_required_field_messages_are_worded_from_the_label():
    class Form(ClearErrorsMixin, forms.Form):
        error_subject = "the visitor's"
        name = forms.CharField(label="Full name", max_length=5)
        arrival = forms.DateField(label="Arrival date")
        room = forms.ChoiceField(label="Room", choices=[("a", "A")])
        age = forms.IntegerField(label="Age", min_value=5)
        note = forms.CharField(label="Note", required=False)

    form = Form({"name": "Too long", "arrival": "31/02/2026", "age": "3"})
    assert form.errors == {
        "name": ["Full name must be 5 characters or fewer"],
        "arrival": ["Arrival date must be a real date"],
        "room": ["Choose the visitor's room"],
        "age": ["Age must be 5 or more"],
    }
    assert Form({})["name"].errors == ["Enter the visitor's full name"]
    assert form.fields["note"].label == "Note (optional)"
    assert form.fields["name"].label == "Full name"


def test_optional_fields_are_labelled_and_conditional_ones_are_not(school):
    learner = LearnerForm(school=school, can=frozenset({"learner.passport.edit"}))
    assert learner.fields["preferred_name"].label == "Preferred name (optional)"
    assert learner.fields["key_worker"].label == "Key worker (optional)"
    assert learner.fields["legal_last_name"].label == "Legal last name"
    # Needed once a behaviour risk assessment is ticked: not simply optional.
    assert learner.fields["behaviour_risk_assessment_date"].label == "Behaviour risk assessment date"
    assert ContactForm().fields["email"].label == "Email (optional)"
    provider = ProviderForm(can=frozenset())
    assert provider.fields["urn"].label == "URN"
    assert provider.fields["notes"].label == "Notes (optional)"
    placement = PlacementForm(school=school, can=frozenset({"placement.decide"}))
    assert placement.fields["visiting_staff"].label == "Visiting staff (optional)"
    assert placement.fields["referral_other"].label == "Other reason"


def test_the_summary_links_a_group_of_radios_to_its_first_option(school):
    class Form(ClearErrorsMixin, forms.Form):
        session = forms.ChoiceField(choices=[("am", "AM"), ("pm", "PM")], widget=forms.RadioSelect)

    [item] = error_items(Form({}))
    assert (item.message, item.href) == ("Choose the session", "#id_session_0")


def test_a_failed_login_uses_the_same_summary(client, head):
    body = client.post(reverse("login"), {"username": head.username, "password": "wrong"}).content.decode()
    [(field_id, message)] = error_page(body, form_wide=["Please enter a correct username"])
    assert field_id == "id_username"
    assert message.startswith("Please enter a correct username and password")
    assert f'value="{head.username}"' in body


def test_each_kind_of_field_shows_its_label_hint_error_and_input_in_that_order():
    class Form(ClearErrorsMixin, forms.Form):
        name = forms.CharField(help_text="As on the birth certificate")
        born = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
        note = forms.CharField(widget=forms.Textarea)
        room = forms.ChoiceField(choices=[("a", "A")])
        session = forms.ChoiceField(choices=[("am", "AM"), ("pm", "PM")], widget=forms.RadioSelect)
        days = forms.MultipleChoiceField(choices=[("mon", "Mon")], widget=forms.CheckboxSelectMultiple)
        agreed = forms.BooleanField(label="I agree")
        letter = forms.FileField()

        def clean(self):
            raise forms.ValidationError("Something about the whole form")

    form = Form({"room": "z"})
    body = Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(Context({"form": form}))
    for bound in form:
        assert bound.errors, bound.name
        assert_label_error_input(body, bound.id_for_label or f"{bound.auto_id}_0")
    # The hint before the message, both before the input.
    assert body.index("As on the birth certificate") < body.index('id="id_name_error"')
    # A form-wide error is left to the summary.
    assert "Something about the whole form" not in body
    assert "alert" not in body


def test_a_label_with_a_percent_sign_never_breaks_its_messages():
    # "attendance target (%)" once made Django's placeholder filling fail: a 500 on School settings.
    class Form(ClearErrorsMixin, forms.Form):
        target = forms.DecimalField(label="Attendance target (%)", max_value=100, max_digits=5)
        band = forms.ChoiceField(label="Band (%)", choices=[("a", "A")])

    form = Form({"target": "1000", "band": "z"})
    assert form.errors == {
        "target": ["Attendance target must be 100 or less"],
        "band": ["Choose the band from the list"],
    }
    assert Form({"target": "x"}).errors["target"] == ["Attendance target must be a number, like 12.50"]
    # Django gives "invalid" params for NaN only.
    assert Form({"target": "NaN"}).errors["target"] == ["Attendance target must be a number, like 12.50"]
    assert Form({})["target"].errors == ["Enter the attendance target"]
