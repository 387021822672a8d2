import csv
import io
from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from attendance.export import MARKS_HEADER, SUMMARY_HEADER, export_range, one_year_after, safe_cell
from attendance.models import Source
from placements.models import Status

from ..factories import LearnerFactory, PlacementFactory, TermFactory, approved_provider
from .conftest import MONDAY, london, mark

pytestmark = pytest.mark.django_db

MARKS = reverse("attendance:export_marks")
SUMMARY = reverse("attendance:export_summary")


@pytest.fixture(autouse=True)
def monday_morning():
    with time_machine.travel(london(MONDAY, 11), tick=False):
        yield


def rows_of(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_admin_assistant_downloads_the_session_marks(
    client, school, autumn, active_placement, admin_assistant
):
    p = active_placement
    mark(p, MONDAY - timedelta(days=7), "AM", "B")
    mark(p, MONDAY - timedelta(days=7), "PM", "I", source=Source.PHONE, entered_by=admin_assistant)
    mark(p, MONDAY, "AM", "N")
    client.force_login(admin_assistant)

    response = client.get(MARKS, {"start": "2026-11-23", "end": "2026-11-27"})

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="altprov-marks-2026-11-23-2026-11-27.csv"'
    rows = rows_of(response)
    assert (
        rows[0]
        == MARKS_HEADER
        == ["UPN", "surname", "forename", "date", "session", "code", "source", "provider"]
    )
    upn = p.learner.upn
    assert rows[1:] == [
        [upn, "Brookes", "Tyler", "2026-11-23", "AM", "B", "provider_link", "Riverside Skills"],
        [upn, "Brookes", "Tyler", "2026-11-23", "PM", "I", "phone", "Riverside Skills"],
    ]


def test_the_default_is_this_term_so_far(client, school, autumn, active_placement, head):
    mark(active_placement, MONDAY, "AM", "B")
    client.force_login(head)
    response = client.get(MARKS)
    assert response["Content-Disposition"] == 'attachment; filename="altprov-marks-2026-09-02-2026-11-30.csv"'
    assert [row[3] for row in rows_of(response)[1:]] == ["2026-11-30"]


def test_cells_that_a_spreadsheet_would_run_as_formulas_are_escaped(client, school, autumn, dsl, slt):
    provider = approved_provider(school, dsl, MONDAY, name='=HYPERLINK("http://evil.example","Click")')
    placement = PlacementFactory(
        learner=LearnerFactory(school=school, legal_last_name="@SUM(A1:A9)", legal_first_name="-2+3"),
        provider=provider,
        status=Status.ACTIVE,
        start_date=date(2026, 9, 7),
        activated_on=date(2026, 9, 7),
    )
    mark(placement, MONDAY, "AM", "B")
    client.force_login(slt)

    row = rows_of(client.get(MARKS, {"start": "2026-11-30", "end": "2026-11-30"}))[1]

    assert row[1] == "'@SUM(A1:A9)"
    assert row[2] == "'-2+3"
    assert row[7] == '\'=HYPERLINK("http://evil.example","Click")'


def test_safe_cell_leaves_ordinary_values_alone():
    assert safe_cell("O'Neill") == "O'Neill"
    assert safe_cell("+44 7700 900000") == "'+44 7700 900000"
    assert safe_cell("\t=1+1") == "'\t=1+1"
    assert safe_cell(12) == 12


def test_only_the_current_schools_marks_are_exported(client, school, other_school, autumn, provider, head):
    theirs = PlacementFactory(
        learner=LearnerFactory(school=other_school, legal_last_name="Elsewhere"),
        provider=provider,
        status=Status.ACTIVE,
        start_date=date(2026, 9, 7),
        activated_on=date(2026, 9, 7),
    )
    mark(theirs, MONDAY, "AM", "B")
    client.force_login(head)
    assert rows_of(client.get(MARKS, {"start": "2026-11-30", "end": "2026-11-30"})) == [MARKS_HEADER]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"start": "30/11/2026", "end": "2026-12-01"},
            "The start date '30/11/2026' is not a date: use YYYY-MM-DD",
        ),
        ({"start": "2026-11-30", "end": "tomorrow"}, "The end date 'tomorrow' is not a date"),
        ({"start": "2026-11-30"}, "Give both a start and an end date"),
        ({"start": "2026-12-01", "end": "2026-11-30"}, "The end date is before the start date."),
        ({"start": "2025-09-01", "end": "2026-09-01"}, "Export at most one year at a time."),
    ],
)
def test_bad_dates_get_400_with_a_plain_message(client, autumn, admin_assistant, params, message):
    client.force_login(admin_assistant)
    for url in (MARKS, SUMMARY):
        response = client.get(url, params)
        assert response.status_code == 400
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert message in response.content.decode()


def test_a_whole_school_year_is_allowed():
    start, end = export_range({"start": "2026-09-01", "end": "2027-08-31"}, school_id=0, today=MONDAY)
    assert (start, end) == (date(2026, 9, 1), date(2027, 8, 31))
    assert one_year_after(date(2028, 2, 29)) == date(2029, 3, 1)


def test_without_term_dates_the_dates_must_be_given(client, school, admin_assistant):
    client.force_login(admin_assistant)
    response = client.get(MARKS)
    assert response.status_code == 400
    assert "There are no term dates" in response.content.decode()


@pytest.mark.parametrize("persona", ["pastoral", "dsl", "sendco", "exams", "finance"])
def test_export_is_refused_without_the_export_right(client, persona, request, autumn):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(MARKS).status_code == 403
    assert client.get(SUMMARY).status_code == 403


def test_summary_gives_each_learners_figures_and_band(
    client, school, autumn, active_placement, provider, head
):
    p = active_placement
    for day, code in [(MONDAY - timedelta(days=7), "B"), (MONDAY - timedelta(days=6), "C2"), (MONDAY, "N")]:
        mark(p, day, "AM", code)
    mark(p, MONDAY, "PM", "D")
    other = PlacementFactory(
        learner=LearnerFactory(school=school, legal_last_name="Adams", legal_first_name="Zoë"),
        provider=provider,
        status=Status.ACTIVE,
        start_date=date(2026, 9, 7),
        activated_on=date(2026, 9, 7),
    )
    mark(other, MONDAY, "AM", "B")
    client.force_login(head)

    response = client.get(SUMMARY, {"start": "2026-11-23", "end": "2026-11-30"})

    assert (
        response["Content-Disposition"] == 'attachment; filename="altprov-summary-2026-11-23-2026-11-30.csv"'
    )
    assert rows_of(response) == [
        SUMMARY_HEADER,
        [other.learner.upn, "Adams", "Zoë", "1", "1", "0", "0", "100.0", "At or above target"],
        [p.learner.upn, "Brookes", "Tyler", "3", "1", "1", "1", "33.3", "Severe absence"],
    ]


def test_in_the_holiday_the_default_is_the_term_just_ended(
    client, school, autumn, active_placement, admin_assistant
):
    TermFactory(
        school=school,
        name="spring",
        school_year="2026/27",
        start_date=date(2027, 1, 5),
        end_date=date(2027, 3, 26),
        half_term_start=date(2027, 2, 15),
        half_term_end=date(2027, 2, 19),
    )
    with time_machine.travel(london(date(2026, 12, 29), 9), tick=False):
        client.force_login(admin_assistant)
        response = client.get(MARKS)
    assert response["Content-Disposition"] == 'attachment; filename="altprov-marks-2026-09-02-2026-12-18.csv"'


def test_an_amended_mark_is_exported_with_the_source_of_its_current_value(
    client, school, autumn, active_placement, admin_assistant
):
    from attendance.recording import MarkInput, record_marks

    p = active_placement
    day = MONDAY - timedelta(days=7)

    def report(session, status, code, source, by=None, reason=""):
        record_marks(
            school=school,
            entries=[MarkInput(p, day, session, status, code=code)],
            source=source,
            by=by,
            reason=reason,
        )

    # AM: the provider said N; a parent's call to the office made it I.
    report("AM", "absent", "N", Source.PROVIDER_LINK)
    report("AM", "absent", "I", Source.PHONE, by=admin_assistant, reason="Mother phoned")
    # PM: staff recorded a phone call; the provider then corrected it through its link.
    report("PM", "absent", "N", Source.PHONE, by=admin_assistant)
    report("PM", "present", "", Source.PROVIDER_LINK)
    client.force_login(admin_assistant)
    rows = rows_of(client.get(MARKS, {"start": day.isoformat(), "end": day.isoformat()}))
    assert [(r[4], r[5], r[6]) for r in rows[1:]] == [("AM", "I", "phone"), ("PM", "B", "provider_link")]


def test_a_staff_amendment_on_the_amend_page_is_exported_as_staff(
    client, school, autumn, active_placement, admin_assistant
):
    found = mark(active_placement, MONDAY - timedelta(days=7), "AM", "N")
    client.force_login(admin_assistant)
    client.post(
        reverse("attendance:amend_mark", args=[found.pk]),
        {"status": "absent", "code": "O", "reason": "No reason after five days"},
    )
    rows = rows_of(client.get(MARKS, {"start": "2026-11-23", "end": "2026-11-23"}))
    assert [(r[5], r[6]) for r in rows[1:]] == [("O", "staff")]
