"""The provider's termly review link: issued hashed, opens, submits, locks; expired, withdrawn and
wrong links refused; a fresh link on request; the commentary rule."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from altprov.links import issue_link
from altprov.models import LinkPurpose, LinkToken, Notification
from monitoring.models import ReviewStatus, TermlyReview
from monitoring.reviews import new_version

from .factories import TermlyReviewFactory

pytestmark = pytest.mark.django_db

ANSWERS = {
    "completed_by_name": "Robin Tutor",
    "attendance_percent": "92.5",
    "attendance_commentary": "Missed two mornings with a cold.",
    "punctuality": "On time every day but one.",
    "attitude_to_learning": "Keen, asks good questions.",
    "skills_covered": "Laying bricks to a line; site safety.",
    "next_targets": "Build a corner; Level 1 numeracy.",
    "other_comments": "A good term.",
}


@pytest.fixture
def review(school):
    return TermlyReviewFactory(placement__learner__school=school, placement__learner__legal_first_name="Zara")


def link_for(review, *, expired=False):
    link, token = issue_link(purpose=LinkPurpose.TERMLY_REVIEW, school=review.school, subject=review)
    if expired:
        LinkToken.objects.filter(pk=link.pk).update(
            created_at=timezone.now() - timedelta(days=2), expires_at=timezone.now() - timedelta(minutes=1)
        )
    return link, reverse("link_page", kwargs={"token": token})


def test_the_link_is_stored_hashed_and_opens_the_form_with_only_what_it_needs(client, review):
    link, url = link_for(review)
    secret = url.split(".")[1].rstrip("/")
    assert secret not in link.token_hash and len(link.token_hash) == 64
    TermlyReview.objects.filter(pk=review.pk).update(school_response="STAFF-ONLY-RESPONSE")
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Zara" in page and review.provision_attended in page and review.dates_attended in page
    assert 'value="95.0"' in page or 'value="95"' in page
    assert "Send the review" in page
    assert "STAFF-ONLY-RESPONSE" not in page
    assert review.placement.learner.upn not in page
    assert reverse("login") not in page
    assert response["Referrer-Policy"] == "no-referrer"


def test_submitting_locks_the_review_and_the_link_then_shows_the_answers(client, review):
    _, url = link_for(review)
    response = client.post(url, ANSWERS)
    assert response.status_code == 302 and response["Location"] == url
    review.refresh_from_db()
    assert review.status == ReviewStatus.SUBMITTED and review.submitted_at is not None
    assert review.completed_by_name == "Robin Tutor" and str(review.attendance_percent) == "92.5"
    assert review.next_targets == ANSWERS["next_targets"]

    page = client.get(url).content.decode()
    assert f"Thank you, sent on {timezone.localtime(review.submitted_at):%A %-d %B %Y}" in page
    assert "Laying bricks to a line" in page
    assert "<textarea" not in page and "Send the review" not in page

    again = client.post(url, ANSWERS | {"next_targets": "Changed afterwards"})
    assert again.status_code == 200 and "Thank you" in again.content.decode()
    review.refresh_from_db()
    assert review.next_targets == ANSWERS["next_targets"]


def test_attendance_below_100_needs_a_commentary_and_nothing_typed_is_lost(client, review):
    _, url = link_for(review)
    response = client.post(url, ANSWERS | {"attendance_commentary": "", "attendance_percent": "90"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a commentary on attendance: it is below 100%" in page
    assert "Error: " in page  # the title's prefix
    assert "Laying bricks to a line" in page and "Robin Tutor" in page
    assert TermlyReview.objects.get(pk=review.pk).status == ReviewStatus.REQUESTED

    full = client.post(url, ANSWERS | {"attendance_commentary": "", "attendance_percent": "100"})
    assert full.status_code == 302


def test_each_missing_answer_says_what_to_do(client, review):
    _, url = link_for(review)
    page = client.post(url, {"attendance_percent": "101"}).content.decode()
    for message in [
        "Enter the name of the staff member completing this review",
        "Attendance must be 100% or less",
        "Say how punctual the learner has been this term",
        "Describe the learner&#x27;s attitude to learning",
        "Give a brief summary of the skills covered this term",
        "Enter the targets for next term",
    ]:
        assert message in page


def test_expired_and_withdrawn_links_answer_410(client, review):
    expired, expired_url = link_for(review, expired=True)
    revoked, revoked_url = link_for(review)
    LinkToken.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    assert client.get(expired_url).status_code == 410
    assert client.get(revoked_url).status_code == 410
    assert client.post(revoked_url, ANSWERS).status_code == 410
    assert TermlyReview.objects.get(pk=review.pk).status == ReviewStatus.REQUESTED


def test_a_wrong_secret_or_another_reviews_link_id_answers_404(client, review, school):
    link, url = link_for(review)
    other, _ = link_for(TermlyReviewFactory(placement__learner__school=school, term=review.term))
    secret = url.split(".")[1].rstrip("/")
    assert client.get(reverse("link_page", kwargs={"token": f"{link.pk}.{'A' * 43}"})).status_code == 404
    assert client.get(reverse("link_page", kwargs={"token": f"{other.pk}.{secret}"})).status_code == 404
    assert (
        client.post(reverse("link_page", kwargs={"token": f"{other.pk}.{secret}"}), ANSWERS).status_code
        == 404
    )


def test_a_link_whose_subject_is_not_a_review_of_its_school_is_not_valid(client, review, other_school):
    link, url = link_for(review)
    LinkToken.objects.filter(pk=link.pk).update(school=other_school)
    assert client.get(url).status_code == 404


def test_an_expired_link_asks_for_a_fresh_one_sent_to_the_providers_lead_contact(client, review):
    link, url = link_for(review, expired=True)
    token = url.split("/l/")[1].rstrip("/")
    response = client.post(reverse("link_fresh", kwargs={"token": token}))
    assert response.status_code == 200
    message = Notification.objects.get()
    assert message.to_email == review.placement.provider.lead_contact_email
    assert "/l/" in message.body
    fresh_url = "/l/" + message.body.split("/l/")[1].split()[0]
    assert client.get(fresh_url).status_code == 200


def test_a_new_version_withdraws_the_old_link_and_opens_with_the_answers(client, review, pastoral):
    _, url = link_for(review)
    client.post(url, ANSWERS)
    review.refresh_from_db()
    copy = new_version(review=review, by=pastoral)
    assert client.get(url).status_code == 410
    message = Notification.objects.get(key=f"termly-review:{copy.pk}:request")
    new_url = "/l/" + message.body.split("/l/")[1].split()[0]
    page = client.get(new_url).content.decode()
    assert "Laying bricks to a line" in page and "Send the review" in page
    assert "The answers you sent before are filled in" in page


def test_the_pastoral_team_and_the_visiting_member_of_staff_are_told_it_is_back(client, review):
    from altprov.models import Role

    from ..factories import MembershipFactory, UserFactory

    pastoral = UserFactory(email="pastoral@example.org")
    MembershipFactory(user=pastoral, school=review.school, role=Role.PASTORAL)
    visitor = UserFactory(email="visitor@example.org")
    review.placement.visiting_staff = visitor
    review.placement.save(update_fields=["visiting_staff"])
    _, url = link_for(review)
    client.post(url, ANSWERS)
    told = Notification.objects.filter(key=f"termly-review:{review.pk}:returned")
    assert {n.recipient for n in told} == {pastoral, visitor}
    message = told.first()
    assert "Robin Tutor" in message.body and "What to do" in message.body
    assert message.url == reverse("monitoring:review_detail", args=[review.pk])
    client.post(url, ANSWERS)
    assert told.count() == 2
