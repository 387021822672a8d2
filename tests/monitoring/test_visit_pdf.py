"""The visit proforma as a PDF: laid out like the policy's form, A4, every field's label and answer."""

import re
from datetime import date, time
from pathlib import Path

import pytest
from django.urls import reverse

from monitoring.concerns import raise_concern
from monitoring.models import Action, ActionSide, ConcernSource

from ..pdftext import _run, pdf_info, pdf_text
from .visit_support import active_placement, concern_pages, submitted_visit, terms  # noqa: F401

pytestmark = pytest.mark.django_db
PLANTED = "PLANTED-CONCERN-7f3a"


@pytest.fixture
def visit(school, pastoral, slt, concern_pages):  # noqa: F811
    terms(school)
    placement = active_placement(school, learner__legal_first_name="Zara", learner__legal_last_name="Okafor")
    concern = raise_concern(
        learner=placement.learner,
        placement=placement,
        detail=PLANTED,
        source=ConcernSource.VISIT,
        raised_by=pastoral,
    )
    visit = submitted_visit(
        placement,
        pastoral,
        date(2026, 11, 4),
        visited_at=time(10, 15),
        learner_class="10B",
        attendance_percent=80,
        attendance_prefilled=75,
        attendance_percent_note="Two sessions not yet on the register",
        safeguarding_concerns=True,
        concern=concern,
        attendance_notes="Late twice because of the bus",
        behaviour_notes="Settled and polite",
        progress_notes="Finished unit one",
        attainment_notes="Entry level 3",
        curriculum_notes="Engine basics",
        other_agencies="Youth offending team",
        parent_contact=False,
        parent_contact_reason="Mum did not answer two calls",
        review_meeting_date=date(2026, 12, 9),
        learner_views="Wants more workshop time",
    )
    Action.objects.create(
        school=school,
        placement=placement,
        visit=visit,
        side=ActionSide.SCHOOL,
        description="Arrange a bus pass",
        owner=slt,
        due_date=date(2026, 11, 11),
    )
    Action.objects.create(
        school=school,
        placement=placement,
        visit=visit,
        side=ActionSide.PROVIDER,
        description="Weekly work log",
        owner_name="Jo Mentor",
        due_date=date(2026, 11, 18),
    )
    return visit


def test_the_pdf_holds_every_field_of_the_proforma_and_only_yes_for_safeguarding(client, visit, head):
    client.force_login(head)
    response = client.get(reverse("monitoring:visit_pdf", args=[visit.pk]))
    assert response["Content-Type"] == "application/pdf"
    # Kept to look at (pdftoppm -png -r 60 var/visit-proforma.pdf /tmp/visit).
    Path("var/visit-proforma.pdf").write_bytes(response.content)
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", pdf_info(response.content))
    text = " ".join(pdf_text(response.content).split())
    # In reading order (no layout) each cell's text comes whole: the question, then its answer.
    cells = " ".join(_run("pdftotext", response.content, "-", "-").split())
    assert cells.startswith("NORTHFIELD ACADEMY Alternative Provision Visit Proforma")
    # Each question of the policy's form, and its answer (a long label may wrap beside its answer).
    for label, answer in [
        ("Name of learner:", "Zara Okafor"),
        ("Class:", "10B"),
        ("Name of Placement:", f"{visit.placement.provider.name}, {visit.placement.site.name}"),
        ("Date and Time of Visit:", "04/11/2026 10:15"),
        ("Member of Staff:", "Priya Pastoral"),
        ("Attendance %:", "80.0% (registers 75.0%: Two sessions not yet on the register)"),
        ("Safeguarding Concerns (recorded separately):", "Yes"),
        ("Attendance notes:", "Late twice because of the bus"),
        ("Behaviour and Welfare Notes:", "Settled and polite"),
        ("Progress:", "Finished unit one"),
        ("Attainment:", "Entry level 3"),
        ("Curriculum / Learning Notes:", "Engine basics"),
        ("Other agencies involved:", "Youth offending team"),
        ("Actions for Northfield Academy:", "Arrange a bus pass – Sam Senior, by 11/11/2026"),
        ("Actions for Provision:", "Weekly work log – Jo Mentor, by 18/11/2026"),
        ("Parent/Carer contact:", "NO. Reasons: Mum did not answer two calls"),
        ("Date of Review Meeting:", "09/12/2026"),
        ("The learner's views on the placement:", "Wants more workshop time"),
    ]:
        assert f"{label} {answer}" in cells, label
    # Even for the head, who may read the concern: the proforma says only Yes.
    assert PLANTED not in text


def test_a_draft_has_no_pdf_and_other_schools_get_404(client, visit, other_head, sendco):
    client.force_login(other_head)
    assert client.get(reverse("monitoring:visit_pdf", args=[visit.pk])).status_code == 404
    client.force_login(sendco)
    assert client.get(reverse("monitoring:visit_pdf", args=[visit.pk])).status_code == 200
