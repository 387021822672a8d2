import pytest
from django.db import IntegrityError, transaction

from attendance.codes import ABSENCE_CODES, ATTENDED_CODES, CODES, POSSIBLE_CODES, Counts, attended_code
from attendance.models import AttendanceMark, MarkStatus, Source
from placements.models import Arrangement

from .conftest import MONDAY


@pytest.mark.parametrize(
    ("arrangement", "code"), [(Arrangement.SCHOOL, "B"), (Arrangement.LA, "K"), (Arrangement.DUAL, "D")]
)
def test_attended_session_code_follows_who_arranged_the_provision(arrangement, code):
    assert attended_code(arrangement) == code


def test_b_and_k_count_as_attended_and_d_is_not_counted():
    assert {"B", "K"} <= ATTENDED_CODES
    assert CODES["D"].counts == Counts.NOT_COUNTED
    assert "D" not in POSSIBLE_CODES


def test_absence_codes_are_never_attended():
    assert ABSENCE_CODES.isdisjoint(ATTENDED_CODES)
    assert {"I", "M", "C", "C2", "E", "O", "N", "G", "U"} <= ABSENCE_CODES
    assert CODES["N"].counts == Counts.UNAUTHORISED
    assert CODES["C2"].counts == Counts.AUTHORISED


@pytest.mark.django_db
def test_database_refuses_an_absence_marked_b(school, active_placement, admin_assistant):
    with pytest.raises(IntegrityError), transaction.atomic():
        AttendanceMark.objects.create(
            placement=active_placement,
            school=school,
            date=MONDAY,
            session="AM",
            status=MarkStatus.ABSENT,
            code="B",
            source=Source.STAFF,
            entered_by=admin_assistant,
        )


@pytest.mark.django_db
def test_database_refuses_a_second_mark_for_the_same_session(school, active_placement, admin_assistant):
    fields = {
        "placement": active_placement,
        "school": school,
        "date": MONDAY,
        "session": "AM",
        "status": MarkStatus.PRESENT,
        "code": "B",
        "source": Source.STAFF,
        "entered_by": admin_assistant,
    }
    AttendanceMark.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        AttendanceMark.objects.create(**fields)


@pytest.mark.django_db
def test_database_refuses_a_staff_mark_without_who(school, active_placement):
    with pytest.raises(IntegrityError), transaction.atomic():
        AttendanceMark.objects.create(
            placement=active_placement,
            school=school,
            date=MONDAY,
            session="AM",
            status=MarkStatus.PRESENT,
            code="B",
            source=Source.PHONE,
        )


@pytest.mark.django_db
def test_dual_registration_sessions_are_d_even_when_absent(school, active_placement):
    from attendance.recording import MarkInput, record_marks

    active_placement.arrangement = Arrangement.DUAL
    active_placement.save()
    record_marks(
        school=school,
        entries=[
            MarkInput(active_placement, MONDAY, "AM", MarkStatus.ABSENT, code="I"),
            MarkInput(active_placement, MONDAY, "PM", MarkStatus.PRESENT),
        ],
        source=Source.PROVIDER_LINK,
    )
    absent, present = active_placement.marks.order_by("session")
    assert (absent.code, absent.status) == ("D", MarkStatus.ABSENT)
    assert absent.note.startswith("Absence reported: I")
    assert present.code == "D"


def test_code_t_uses_the_2024_wording():
    assert CODES["T"].meaning == "Leave of absence: parent travelling for occupational purposes"
    assert CODES["T"].counts == Counts.AUTHORISED
