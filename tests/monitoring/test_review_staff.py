"""Staff pages of termly reviews: the list, the detail with the school response, new versions,
sending the link again, the PDF, the placement panel and the school's notice setting."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from altprov.models import LinkPurpose, LinkToken, Notification, Role
from monitoring.models import ReviewStatus, TermlyReview
from monitoring.reviews import email_links

from ..factories import TermFactory
from ..pdftext import pdf_text
from .factories import TermlyReviewFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
IN_TERM = datetime(2026, 12, 21, 10, 0, tzinfo=LONDON)  # after Autumn 2026 ended: the term just gone


@pytest.fixture
def term(school):
    return TermFactory(school=school)


def review_at(school, term, **kwargs):
    return TermlyReviewFactory(placement__learner__school=school, term=term, **kwargs)


@pytest.fixture
def returned(school, term):
    return review_at(school, term, returned=True, placement__learner__legal_first_name="Zara")


def in_order(phrase: str, text: str) -> bool:
    """Every word of `phrase`, in order, in the PDF's text (a table cell may wrap a label)."""
    at = 0
    for word in phrase.split():
        at = text.find(word, at)
        if at < 0:
            return False
        at += len(word)
    return True


def detail(review):
    return reverse("monitoring:review_detail", args=[review.pk])


def test_the_list_shows_overdue_waiting_and_returned_in_a_constant_number_of_queries(
    client, school, term, pastoral
):
    review_at(school, term, returned=True)
    waiting = review_at(school, term, due_date=date(2026, 12, 22))
    review_at(school, term)
    with time_machine.travel(IN_TERM, tick=False):
        client.force_login(pastoral)
        page = client.get(reverse("monitoring:review_list")).content.decode()
        assert "1 overdue" in page and "1 waiting" in page and "1 returned" in page
        assert str(waiting.placement.learner) in page
        with CaptureQueriesContext(connection) as few:
            client.get(reverse("monitoring:review_list"))
        for _ in range(4):
            review_at(school, term)
        with CaptureQueriesContext(connection) as many:
            page = client.get(reverse("monitoring:review_list")).content.decode()
    assert "5 overdue" in page
    assert len(many) == len(few)


def test_the_list_filters_by_term_and_hides_superseded_versions(client, school, term, pastoral):
    spring = TermFactory(
        school=school,
        name="spring",
        start_date=date(2027, 1, 5),
        end_date=date(2027, 3, 26),
        half_term_start=date(2027, 2, 15),
        half_term_end=date(2027, 2, 19),
    )
    old = review_at(school, term, returned=True)
    TermlyReview.objects.create(
        school=school, placement=old.placement, term=term, version=2, supersedes=old, due_date=term.end_date
    )
    other_term = review_at(school, spring)
    with time_machine.travel(IN_TERM, tick=False):
        client.force_login(pastoral)
        page = client.get(reverse("monitoring:review_list"), {"term": term.pk}).content.decode()
        assert (
            page.count('href="/monitoring/reviews/') == 2
        )  # the menu's "Termly reviews", and the one review
        assert str(other_term.placement.learner) not in page
        page = client.get(reverse("monitoring:review_list"), {"term": spring.pk}).content.decode()
        assert str(other_term.placement.learner) in page


def test_the_detail_shows_the_answers_and_the_response_form_to_the_pastoral_team(client, returned, pastoral):
    client.force_login(pastoral)
    page = client.get(detail(returned)).content.decode()
    for answer in ["Robin Tutor", "Two mornings missed", "Always on time", "Keen and asks", "Brickwork"]:
        assert answer in page
    assert "Save the response" in page and "Ask the provider to change it" in page


@pytest.mark.parametrize("role", [Role.HEAD, Role.SLT, Role.PASTORAL])
def test_the_school_response_records_who_and_when(client, returned, role_user, role):
    user = role_user(role)
    client.force_login(user)
    response = client.post(
        reverse("monitoring:review_respond", args=[returned.pk]), {"school_response": "Agreed targets."}
    )
    assert response.status_code == 302 and response["Location"] == detail(returned)
    returned.refresh_from_db()
    assert returned.school_response == "Agreed targets."
    assert returned.school_response_by == user and returned.school_response_at is not None


@pytest.mark.parametrize("role", [Role.DSL, Role.SENDCO, Role.ADMIN])
def test_other_roles_cannot_respond(client, returned, role_user, role):
    client.force_login(role_user(role))
    response = client.post(reverse("monitoring:review_respond", args=[returned.pk]), {"school_response": "x"})
    assert response.status_code == 403
    assert TermlyReview.objects.get(pk=returned.pk).school_response == ""


def test_another_schools_head_gets_404(client, returned, other_head):
    client.force_login(other_head)
    assert client.get(detail(returned)).status_code == 404
    assert (
        client.post(
            reverse("monitoring:review_respond", args=[returned.pk]), {"school_response": "x"}
        ).status_code
        == 404
    )


def test_an_empty_response_says_what_to_do(client, returned, pastoral):
    client.force_login(pastoral)
    response = client.post(reverse("monitoring:review_respond", args=[returned.pk]), {"school_response": ""})
    assert response.status_code == 200
    assert "Enter the school&#x27;s response" in response.content.decode()


def test_asking_for_a_change_makes_a_new_version_and_keeps_the_old(client, returned, pastoral):
    client.force_login(pastoral)
    response = client.post(reverse("monitoring:review_new_version", args=[returned.pk]))
    copy = TermlyReview.objects.get(supersedes=returned)
    assert response["Location"] == detail(copy)
    assert (copy.version, copy.status, copy.placement, copy.term) == (
        2,
        ReviewStatus.REQUESTED,
        returned.placement,
        returned.term,
    )
    assert copy.skills_covered == returned.skills_covered and copy.completed_by_name == "Robin Tutor"
    assert copy.submitted_at is None and copy.requested_at is not None
    assert LinkToken.objects.about(TermlyReview, [copy.pk]).filter(purpose=LinkPurpose.TERMLY_REVIEW).exists()
    assert Notification.objects.filter(key=f"termly-review:{copy.pk}:request").exists()
    old = TermlyReview.objects.get(pk=returned.pk)
    assert old.status == ReviewStatus.SUBMITTED and old.skills_covered
    page = client.get(detail(old)).content.decode()
    assert "A newer version replaces this one" in page and "Ask the provider to change it" not in page
    # Only the latest returned version can be changed.
    client.post(reverse("monitoring:review_new_version", args=[returned.pk]))
    assert TermlyReview.objects.filter(placement=returned.placement).count() == 2


def test_sending_the_link_again_withdraws_the_old_one(client, school, term, pastoral):
    review = review_at(school, term)
    review = TermlyReview.objects.select_related(
        "school", "term", "placement__learner", "placement__provider", "placement__site"
    ).get(pk=review.pk)
    email_links([review], kind="request", key="termly-review:{pk}:request", replace=False)
    first = LinkToken.objects.get()
    client.force_login(pastoral)
    page = client.get(detail(review)).content.decode()
    assert "Send the link again" in page
    response = client.post(reverse("monitoring:review_resend", args=[review.pk]))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert LinkToken.objects.filter(revoked_at__isnull=True).count() == 1
    assert Notification.objects.count() == 2


def test_the_pdf_holds_every_field_label_and_answer_and_the_response(client, returned, pastoral):
    TermlyReview.objects.filter(pk=returned.pk).update(school_response="Agreed; next visit in January.")
    client.force_login(pastoral)
    response = client.get(reverse("monitoring:review_pdf", args=[returned.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for words in [
        "Northfield Academy",
        "Alternative Provision – Termly Review",
        "Learner name:",
        "Zara",
        "Provision attended:",
        returned.provision_attended,
        "Dates attended:",
        "7 September 2026 to 18 December 2026",
        "Name of staff completing this form:",
        "Robin Tutor",
        "Attendance this term",
        "(include commentary if attendance is below 100%)",
        "95.0%",
        "Two mornings missed with illness.",
        "Punctuality:",
        "Always on time.",
        "Attitude to learning:",
        "Keen and asks questions.",
        "Brief summary of skills covered this term:",
        "Brickwork: laying to a line; site safety.",
        "Targets for next term:",
        "Build a corner; Level 1 numeracy.",
        "Any other comments:",
        "A good term.",
        "School response",
        "Agreed; next visit in January.",
    ]:
        assert in_order(words, text), words


def test_the_placement_page_shows_its_reviews_to_monitoring_roles_only(
    client, returned, pastoral, admin_assistant
):
    client.force_login(pastoral)
    page = client.get(returned.placement.get_absolute_url()).content.decode()
    assert "Termly reviews" in page and detail(returned) in page
    client.force_login(admin_assistant)
    page = client.get(returned.placement.get_absolute_url()).content.decode()
    assert detail(returned) not in page


def test_the_school_sets_how_many_days_before_the_term_ends(client, school, head):
    client.force_login(head)
    page = client.get(reverse("school_settings")).content.decode()
    assert "Send termly review requests (days before the term ends)" in page
    data = {
        "address": school.address,
        "phone": school.phone,
        "email": school.email,
        "dsl_name": school.dsl_name,
        "dsl_phone": school.dsl_phone,
        "dsl_email": school.dsl_email,
        "attendance_target": "95",
        "provider_email_time": "08:00",
        "report_cutoff": "10:00",
        "escalation_time": "12:00",
        "pm_report_cutoff": "14:00",
        "pm_escalation_time": "16:00",
    }
    bad = client.post(reverse("school_settings"), data | {"review_notice_days": "0"})
    assert "Send termly review requests at least 1 day before the term ends" in bad.content.decode()
    client.post(reverse("school_settings"), data | {"review_notice_days": "21"})
    school.refresh_from_db()
    assert school.review_notice_days == 21
