"""The visit proforma: prefilled attendance, specific messages that keep what was typed,
safeguarding that goes only to the DSL's log, actions, and a read-only visit once submitted."""

from datetime import date, datetime, time

import pytest
import time_machine
from django.forms.models import model_to_dict
from django.urls import reverse

from altprov.models import Flag, Notification
from attendance.models import AttendanceMark, MarkStatus, Source
from attendance.summary import refresh_summary
from monitoring.concerns import raise_concern
from monitoring.models import Action, ActionSide, ConcernSource, SafeguardingConcern, Visit, VisitStatus

from .visit_support import LONDON, active_placement, concern_pages, terms  # noqa: F401

pytestmark = pytest.mark.django_db
NOW = datetime.combine(date(2026, 12, 1), time(14, 0), tzinfo=LONDON)
SECRET = "Bruise on the left arm, said a step-parent did it"


@pytest.fixture(autouse=True)
def on_1_december():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def placement(school, pastoral):
    terms(school)
    return active_placement(school, visiting_staff=pastoral, start_date=date(2026, 9, 7))


@pytest.fixture
def visit(client, placement, pastoral):
    client.force_login(pastoral)
    response = client.post(reverse("monitoring:visit_start", args=[placement.pk]))
    return Visit.objects.get(pk=int(response["Location"].split("/")[-3]))


def form_data(pastoral, **changes):
    data = {
        "learner_class": "10B",
        "visited_on": "2026-12-01",
        "visited_at": "10:30",
        "staff": str(pastoral.pk),
        "attendance_percent": "",
        "attendance_percent_note": "",
        "safeguarding_concerns": "no",
        "concern_detail": "",
        "attendance_notes": "Arrives on time most days.",
        "behaviour_notes": "Calm, engaged in the workshop.",
        "progress_notes": "Completed the first unit.",
        "attainment_notes": "Working at entry level 3.",
        "curriculum_notes": "Motor vehicle basics.",
        "other_agencies": "Youth worker",
        "parent_contact": "yes",
        "parent_contact_reason": "",
        "review_meeting_date": "2027-01-20",
        "learner_views": "Enjoys the practical work.",
        "school-TOTAL_FORMS": "1",
        "school-INITIAL_FORMS": "0",
        "school-0-description": "",
        "school-0-owner": "",
        "school-0-due_date": "",
        "provider-TOTAL_FORMS": "1",
        "provider-INITIAL_FORMS": "0",
        "provider-0-description": "",
        "provider-0-owner_name": "",
        "provider-0-due_date": "",
        "action": "submit",
    }
    data.update(changes)
    return data


def edit_url(visit):
    return reverse("monitoring:visit_edit", args=[visit.pk])


def test_record_a_visit_starts_one_draft_and_opens_it_again(client, placement, pastoral, visit):
    response = client.post(reverse("monitoring:visit_start", args=[placement.pk]))
    assert response["Location"] == edit_url(visit)
    assert Visit.objects.get().status == VisitStatus.DRAFT


def test_attendance_is_prefilled_from_the_marks_of_the_term_so_far(
    client, school, placement, visit, pastoral
):
    for day, status, code in [
        (date(2026, 11, 2), MarkStatus.PRESENT, "B"),
        (date(2026, 11, 9), MarkStatus.ABSENT, "O"),
    ]:
        AttendanceMark.objects.create(
            placement=placement,
            school=school,
            date=day,
            session="AM",
            status=status,
            code=code,
            source=Source.STAFF,
            entered_by=pastoral,
        )
    # Written straight to the table, not through record_marks: the weekly summary is brought up to date here.
    refresh_summary(placement_ids=[placement.pk], weeks=[date(2026, 11, 2), date(2026, 11, 9)])
    page = client.get(edit_url(visit)).content.decode()
    assert 'name="attendance_percent" value="50.0"' in page
    assert "From the registers: 50.0%" in page
    # Changed without a note: refused, saying the registers' figure.
    response = client.post(edit_url(visit), form_data(pastoral, attendance_percent="80"))
    assert (
        "Say why the attendance figure is not 50.0%, the figure from the registers"
        in response.content.decode()
    )
    client.post(
        edit_url(visit),
        form_data(pastoral, attendance_percent="80", attendance_percent_note="Provider's own register"),
    )
    visit.refresh_from_db()
    assert (visit.attendance_percent, visit.attendance_prefilled) == (80, 50)


def test_errors_are_specific_and_keep_everything_typed(client, visit, pastoral):
    data = form_data(
        pastoral,
        visited_on="",
        parent_contact="no",
        behaviour_notes="Quieter than last time",
        **{"provider-0-description": "Send the weekly work log", "provider-0-due_date": "2026-12-11"},
    )
    response = client.post(edit_url(visit), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Error: " in page.split("</title>")[0]
    assert "Enter the date of the visit" in page
    assert "Say why there was no contact with the parents or carers" in page
    assert "Enter the name of who at the provision owns this action" in page
    assert "Quieter than last time" in page and "Send the weekly work log" in page
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DRAFT
    assert visit.draft["behaviour_notes"] == "Quieter than last time"
    assert not Action.objects.exists()


def test_yes_without_saying_what_was_seen_is_refused(client, visit, pastoral):
    response = client.post(edit_url(visit), form_data(pastoral, safeguarding_concerns="yes"))
    assert "Say what you saw or heard, so that the DSL has it" in response.content.decode()
    assert not SafeguardingConcern.objects.exists()


def test_a_concern_described_with_no_is_refused_not_lost(client, visit, pastoral):
    response = client.post(edit_url(visit), form_data(pastoral, concern_detail=SECRET))
    page = response.content.decode()
    assert "You described a concern but answered No" in page
    assert SECRET in page  # still in the box, to answer Yes
    assert not SafeguardingConcern.objects.exists()


def test_submitting_writes_the_visit_actions_and_raises_the_concern_to_the_dsl(
    client,
    school,
    visit,
    pastoral,
    slt,
    dsl,
    concern_pages,  # noqa: F811
):
    data = form_data(
        pastoral,
        safeguarding_concerns="yes",
        concern_detail=SECRET,
        **{
            "school-TOTAL_FORMS": "2",
            "school-0-description": "Call home about transport",
            "school-0-owner": str(slt.pk),
            "school-0-due_date": "2026-12-04",
            "school-1-description": "",
            "school-1-owner": "",
            "school-1-due_date": "",
            "provider-0-description": "Send the weekly work log",
            "provider-0-owner_name": "Jo Mentor",
            "provider-0-due_date": "2026-12-11",
        },
    )
    response = client.post(edit_url(visit), data)
    assert response["Location"] == reverse("monitoring:visit_detail", args=[visit.pk])
    visit.refresh_from_db()
    assert visit.status == VisitStatus.SUBMITTED and visit.submitted_at == NOW
    assert visit.draft == {}
    concern = SafeguardingConcern.objects.get()
    assert visit.concern == concern and visit.safeguarding_concerns is True
    assert (concern.detail, concern.source, concern.raised_by, concern.placement) == (
        SECRET,
        ConcernSource.VISIT,
        pastoral,
        visit.placement,
    )
    # The visit holds the link, not the detail.
    assert SECRET not in str(model_to_dict(visit)) and SECRET not in str(visit.draft)
    assert SECRET not in str(list(visit.history.values()))
    # The DSL is told.
    assert Flag.objects.get(kind="concern_new").notices.filter(user=dsl).exists()
    assert Notification.objects.filter(recipient=dsl).exists()
    actions = {(a.side, a.description, a.owner_label, a.due_date) for a in Action.objects.all()}
    assert actions == {
        (ActionSide.SCHOOL, "Call home about transport", "Sam Senior", date(2026, 12, 4)),
        (ActionSide.PROVIDER, "Send the weekly work log", "Jo Mentor", date(2026, 12, 11)),
    }
    assert visit.learner_views == "Enjoys the practical work."


def test_a_concern_raised_in_the_last_14_days_can_be_linked_instead(client, visit, pastoral, concern_pages):  # noqa: F811
    earlier = raise_concern(
        learner=visit.placement.learner,
        placement=visit.placement,
        detail=SECRET,
        source=ConcernSource.STAFF,
        raised_by=pastoral,
        now=datetime(2026, 11, 25, 9, 0, tzinfo=LONDON),
    )
    page = client.get(edit_url(visit)).content.decode()
    assert "Concern you raised on 25/11/2026" in page
    assert SECRET not in page
    client.post(
        edit_url(visit), form_data(pastoral, safeguarding_concerns="yes", existing_concern=str(earlier.pk))
    )
    visit.refresh_from_db()
    assert visit.concern == earlier
    assert SafeguardingConcern.objects.count() == 1


def test_a_concern_someone_else_raised_cannot_be_linked(client, visit, pastoral, dsl, concern_pages):  # noqa: F811
    theirs = raise_concern(
        learner=visit.placement.learner, detail=SECRET, source=ConcernSource.STAFF, raised_by=dsl
    )
    response = client.post(
        edit_url(visit), form_data(pastoral, safeguarding_concerns="yes", existing_concern=str(theirs.pk))
    )
    assert response.status_code == 200
    assert Visit.objects.get().status == VisitStatus.DRAFT


def test_a_submitted_visit_is_read_only_and_shows_the_concern_only_as_yes(
    client,
    visit,
    pastoral,
    head,
    sendco,
    concern_pages,  # noqa: F811
):
    client.post(edit_url(visit), form_data(pastoral, safeguarding_concerns="yes", concern_detail=SECRET))
    concern = SafeguardingConcern.objects.get()
    assert client.get(edit_url(visit)).status_code == 404
    assert client.post(edit_url(visit), form_data(pastoral)).status_code == 404
    detail = reverse("monitoring:visit_detail", args=[visit.pk])
    link = f"/monitoring/concerns/{concern.pk}/"
    for user, sees_link in [(pastoral, False), (sendco, False), (head, True)]:
        client.force_login(user)
        page = client.get(detail).content.decode()
        assert 'Safeguarding concerns</dt><dd class="col-sm-8">Yes' in page
        assert SECRET not in page
        assert (link in page) is sees_link
