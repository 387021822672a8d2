"""Which role may open each page and take each action, at the school of the record.

MATRIX pins the answer for every role: the roles allowed are written out (the
permission in altprov/roles.py PERMISSIONS that grants them is named beside
each row) so that a change to PERMISSIONS or to a view shows up here.
docs/roles.md is the same table for readers; a test keeps the two in step.

A role at the school without the right gets 403 (require_perm, or the access
helpers for a record of one of the user's schools). A head of another school
gets 404 for this school's records; providers are one shared directory.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from altprov.links import issue_link
from altprov.models import LinkPurpose, LinkToken, Membership, Role, SecondFactorReset
from attendance.models import AttendanceMark, ChaseNote, MarkStatus, Source
from monitoring.meetings import ActionPlan, record_meeting
from monitoring.models import (
    Action,
    AgreementReview,
    CeaseDecision,
    ConcernAttachment,
    ConcernEntry,
    Incident,
    SafeguardingConcern,
    TermlyReview,
    Visit,
    VisitStatus,
)
from placements.models import (
    Agreement,
    DocumentStatus,
    ParentContract,
    Placement,
    Provider,
    ProviderClosure,
    SchoolClosure,
    Status,
)
from placements.signing import prepare_agreement, prepare_contract, send_for_signature

from ..conftest import put_back_seeded_rows
from ..factories import (
    ContactFactory,
    LearnerFactory,
    PlacementFactory,
    PlacementTargetFactory,
    ProviderClosureFactory,
    SchoolClosureFactory,
    SchoolFactory,
    TermFactory,
    UserFactory,
    approved_provider,
    missing_report,
    signed_documents,
)
from ..monitoring.factories import TermlyReviewFactory

pytestmark = pytest.mark.django_db

HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN, EXAMS, FINANCE, BOARD = (
    Role.HEAD,
    Role.SLT,
    Role.PASTORAL,
    Role.DSL,
    Role.SENDCO,
    Role.ADMIN,
    Role.EXAMS,
    Role.FINANCE,
    Role.BOARD,
)
ROLES = [HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN, EXAMS, FINANCE, BOARD]

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture(scope="module")
def _module_transaction(django_db_setup, django_db_blocker):
    """Data made once for the module, rolled back after it; each test rolls back its own changes."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            # A transactional test run before this module (pytest groups a browser test with the
            # first test sharing its browser) leaves the seeded rows flushed; put back inside the
            # transaction, so the next serialized rollback finds the tables as it left them.
            put_back_seeded_rows()
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def school(_module_transaction):
    # The conftest `school`, made once for this module so that the world is too.
    return SchoolFactory(name="Northfield Academy", urn="137001")


@pytest.fixture(scope="module")
def private_media(tmp_path_factory):
    return tmp_path_factory.mktemp("private")


@pytest.fixture(autouse=True)
def _private_media_root(settings, private_media):
    settings.PRIVATE_MEDIA_ROOT = private_media
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": private_media, "base_url": "/private-not-served/"},
        },
    }


@pytest.fixture(scope="module")
def world(school, private_media):
    return make_world(school, private_media)


def make_world(school, private_media) -> SimpleNamespace:
    """One of everything the views act on, at `school`, each in the state its actions need.

    The accessibility run (tests/browser/test_accessibility.py) visits every page of this world too.
    """
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        checker = UserFactory()
    today = timezone.localdate()
    learner = LearnerFactory(school=school, legal_first_name="Zephyrine", legal_last_name="Quarrington")
    ContactFactory.create_batch(2, learner=learner, emergency_contact=True)
    provider = approved_provider(school, checker, today)
    evidence = provider.evidence_items.get(evidence_type__code="insurance")
    upload = SimpleUploadedFile("insurance.pdf", PDF, content_type="application/pdf")
    evidence.file = FileSystemStorage(location=private_media).save(
        f"evidence/{provider.pk}/insurance.pdf", upload
    )
    evidence.save()

    def placement(status: str, session: str, **extra) -> Placement:
        # One session each, so that no two of the learner's placements clash.
        sessions = dict.fromkeys(["mon_am", "tue_am"], False) | {session: True}
        return PlacementFactory(learner=learner, provider=provider, status=status, **sessions, **extra)

    planning = placement(Status.PLANNING, "tue_am", meeting_date=today, meeting_reasons_explained=True)
    PlacementTargetFactory(placement=planning)
    active = placement(Status.ACTIVE, "thu_am", cost_amount="1250.00", cost_basis="term")
    mark = AttendanceMark.objects.create(
        placement=active,
        school=school,
        date=today,
        session="AM",
        status=MarkStatus.PRESENT,
        code="B",
        source=Source.PHONE,
        entered_by=checker,
    )
    flag = missing_report(school=school, provider=provider, day=today, session="PM")
    visit = Visit.objects.create(
        school=school,
        placement=active,
        staff=checker,
        created_by=checker,
        status=VisitStatus.SUBMITTED,
        visited_on=today,
        safeguarding_concerns=False,
        parent_contact=True,
        submitted_at=timezone.now(),
    )
    link, _ = issue_link(purpose=LinkPurpose.PROVIDER_REGISTER, school=school, subject=provider)
    term = TermFactory(school=school)
    meetings = _meetings_world(active, checker)
    concern, concern_file, incident, slt_member = monitoring_world(
        school, learner, active, checker, private_media
    )
    referred = placement(Status.REFERRED, "mon_am")
    ContactFactory(
        learner=learner, parental_responsibility=True, emergency_contact=False, email="parent@home.test"
    )
    awaiting_agreement = prepare_agreement(placement=referred, by=checker)
    send_for_signature(document=awaiting_agreement, by=checker)
    return SimpleNamespace(
        concern=concern,
        concern_file=concern_file,
        incident=incident,
        slt_member=slt_member,
        **meetings,
        draft_agreement=prepare_agreement(placement=planning, by=checker),
        draft_contract=prepare_contract(placement=planning, by=checker),
        awaiting_agreement=awaiting_agreement,
        visit=visit,
        mark=mark,
        flag=flag,
        link=link,
        school=school,
        today=today,
        learner=learner,
        provider=provider,
        site=provider.sites.get(),
        evidence=evidence,
        provider_closure=ProviderClosureFactory(provider=provider),
        school_closure=SchoolClosureFactory(school=school, date=date(2026, 11, 2)),
        term=term,
        review=TermlyReviewFactory(placement=active, term=term, returned=True),
        waiting_review=TermlyReviewFactory(placement=planning, term=term),
        referred=referred,
        planning=planning,
        agreed=signed(placement(Status.AGREED, "wed_am")),
        active=active,
    )


def monitoring_world(school, learner, placement, checker, private_media) -> tuple:
    """A concern with a file, an incident waiting for a decision, and a member of SLT to agree it with."""
    now = timezone.now()
    concern = SafeguardingConcern.objects.create(
        school=school,
        learner=learner,
        placement=placement,
        source="staff",
        raised_at=now,
        raised_by=checker,
        detail="Said an older cousin takes her money.",
    )
    stored = FileSystemStorage(location=private_media).save(
        f"concerns/{concern.pk}/note.pdf", SimpleUploadedFile("note.pdf", PDF, content_type="application/pdf")
    )
    concern_file = ConcernAttachment.objects.create(
        concern=concern, file=stored, description="Handwritten note", uploaded_by=checker
    )
    incident = Incident.objects.create(
        school=school,
        placement=placement,
        occurred_at=now,
        what_happened="Threw a chair.",
        who_involved="The learner and a tutor.",
        immediate_action="Taken to the quiet room.",
        physical_intervention=False,
        reported_at=now,
        reported_by_name="Jo Tutor",
    )
    slt_member = UserFactory(first_name="Sam", last_name="Senior")
    Membership.objects.create(user=slt_member, school=school, role=Role.SLT)
    return concern, concern_file, incident, slt_member


def _meetings_world(active: Placement, by) -> dict:
    """Two unsatisfactory review meetings (so a decision on ceasing is open) and an action of the first."""
    today = timezone.localdate()
    common = {"attendees": "SLT, parent, provider", "learner_views": "Mixed.", "outcome": "unsatisfactory"}
    plan = ActionPlan(side="provider", description="Send the work home", due_date=today, owner_name="Lee")
    first = record_meeting(placement=active, by=by, held_on=today, actions=[plan], **common)
    second = record_meeting(placement=active, by=by, held_on=today, **common)
    return {"meeting": first, "decision": second.cease_decision, "action": first.actions.get()}


def signed(placement: Placement) -> Placement:
    signed_documents(placement)
    return placement


def _status(name: str, expected: str) -> Callable[[Any], bool]:
    def check(w) -> bool:
        return Placement.objects.get(pk=getattr(w, name).pk).status == expected

    return check


@dataclass(frozen=True)
class Case:
    url_name: str
    kwargs: Callable[[Any], dict]
    method: str
    allowed: frozenset
    data: Callable[[Any], dict] | None = None
    # For an allowed POST: where the 302 goes, and what must have changed.
    redirect_to: Callable[[Any], str] | None = None
    effect: Callable[[Any], bool] | None = None
    # True for a record that belongs to one school (another school's staff get 404).
    school_record: bool = False

    @property
    def id(self) -> str:
        name = self.url_name.split(":")[-1]
        return name if self.method == "get" else f"{name}-post"


def none(w) -> dict:
    return {}


def learner(w) -> dict:
    return {"pk": w.learner.pk}


def provider(w) -> dict:
    return {"pk": w.provider.pk}


def placement(name: str) -> Callable[[Any], dict]:
    return lambda w: {"pk": getattr(w, name).pk}


def placement_url(name: str) -> Callable[[Any], str]:
    return lambda w: getattr(w, name).get_absolute_url()


MATRIX = [
    # Signed in with a role at the school: no permission needed.
    Case("home", none, "get", frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN, EXAMS, FINANCE, BOARD})),
    Case(
        "switch_school",
        none,
        "post",
        frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN, EXAMS, FINANCE, BOARD}),
        data=lambda w: {"school": w.school.pk},
        redirect_to=lambda w: reverse("home"),
    ),
    # learner.view
    Case("placements:learner_list", none, "get", frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN, EXAMS})),
    # learner.edit
    Case("placements:learner_create", none, "get", frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN})),
    # learner.view
    Case(
        "placements:learner_detail",
        learner,
        "get",
        frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN, EXAMS}),
        school_record=True,
    ),
    # learner.edit
    Case(
        "placements:learner_edit",
        learner,
        "get",
        frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN}),
        school_record=True,
    ),
    # accesslog.view
    Case(
        "placements:learner_access_log",
        learner,
        "get",
        frozenset({HEAD, DSL}),
        school_record=True,
    ),
    # learner.subject_access
    Case(
        "monitoring:subject_access",
        learner,
        "get",
        frozenset({HEAD, DSL}),
        school_record=True,
    ),
    # learner.subject_access
    Case(
        "monitoring:subject_access",
        learner,
        "post",
        frozenset({HEAD, DSL}),
        school_record=True,
    ),
    # retention.review (the head decides on records past their retention period)
    Case("monitoring:retention_review", none, "get", frozenset({HEAD})),
    # retention.review
    Case(
        "monitoring:retention_dispose",
        lambda w: {"kind": "learners", "pk": w.learner.pk},
        "get",
        frozenset({HEAD}),
        school_record=True,
    ),
    # retention.review (the learner is within its period: refused with a message, nothing deleted)
    Case(
        "monitoring:retention_dispose",
        lambda w: {"kind": "learners", "pk": w.learner.pk},
        "post",
        frozenset({HEAD}),
        data=lambda w: {"reason": "Past its period", "confirm": "on"},
        redirect_to=lambda w: reverse("monitoring:retention_review"),
        school_record=True,
    ),
    # learner.attainment.edit
    Case(
        "placements:learner_attainment",
        learner,
        "get",
        frozenset({HEAD, SLT, EXAMS}),
        school_record=True,
    ),
    # provider.view
    Case(
        "placements:provider_list",
        none,
        "get",
        frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN, EXAMS, FINANCE, BOARD}),
    ),
    # provider.edit
    Case("placements:provider_create", none, "get", frozenset({HEAD, SLT, DSL})),
    # provider.view
    Case(
        "placements:provider_detail",
        provider,
        "get",
        frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN, EXAMS, FINANCE, BOARD}),
    ),
    # provider.edit
    Case("placements:provider_edit", provider, "get", frozenset({HEAD, SLT, DSL})),
    # provider.edit
    Case("placements:site_create", provider, "get", frozenset({HEAD, SLT, DSL})),
    # provider.evidence
    Case("placements:evidence_create", provider, "get", frozenset({HEAD, SLT, DSL})),
    # provider.evidence (the files may hold staff safeguarding checks)
    Case(
        "placements:evidence_file",
        lambda w: {"pk": w.evidence.pk},
        "get",
        frozenset({HEAD, SLT, DSL}),
    ),
    # provider.approve
    Case("placements:provider_approve", provider, "get", frozenset({DSL})),
    # provider.approve
    Case("placements:provider_withdraw", provider, "get", frozenset({DSL})),
    # provider.review
    Case("placements:review_create", provider, "get", frozenset({HEAD, SLT})),
    # provider.edit or calendar.edit
    Case("placements:provider_closure_create", provider, "get", frozenset({HEAD, SLT, DSL, ADMIN})),
    # provider.edit or calendar.edit
    Case(
        "placements:provider_closure_delete",
        lambda w: {"pk": w.provider.pk, "closure_pk": w.provider_closure.pk},
        "post",
        frozenset({HEAD, SLT, DSL, ADMIN}),
        redirect_to=lambda w: w.provider.get_absolute_url(),
        effect=lambda w: not ProviderClosure.objects.filter(pk=w.provider_closure.pk).exists(),
    ),
    # placement.view
    Case(
        "placements:placement_list",
        none,
        "get",
        frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN, EXAMS, FINANCE, BOARD}),
    ),
    # placement.edit
    Case("placements:placement_create", none, "get", frozenset({HEAD, SLT, PASTORAL})),
    # learner.view
    Case(
        "placements:where_is",
        none,
        "get",
        frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN, EXAMS}),
    ),
    # learner.view (JSON for the learner chooser)
    Case(
        "placements:learner_search",
        none,
        "get",
        frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN, EXAMS}),
    ),
    # provider.view (JSON for the provider and site choosers)
    Case(
        "placements:provider_search",
        none,
        "get",
        frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN, EXAMS, FINANCE, BOARD}),
    ),
    Case(
        "placements:site_search",
        none,
        "get",
        frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN, EXAMS, FINANCE, BOARD}),
    ),
    # placement.view
    Case(
        "placements:placement_detail",
        placement("active"),
        "get",
        frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN, EXAMS, FINANCE, BOARD}),
        school_record=True,
    ),
    # placement.edit
    Case(
        "placements:placement_edit",
        placement("referred"),
        "get",
        frozenset({HEAD, SLT, PASTORAL}),
        school_record=True,
    ),
    # placement.edit
    Case(
        "placements:placement_targets",
        placement("planning"),
        "get",
        frozenset({HEAD, SLT, PASTORAL}),
        school_record=True,
    ),
    # placement.meeting
    Case(
        "placements:placement_meeting",
        placement("referred"),
        "get",
        frozenset({HEAD, SLT, PASTORAL}),
        school_record=True,
    ),
    # placement.meeting
    Case(
        "placements:placement_meeting",
        placement("referred"),
        "post",
        frozenset({HEAD, SLT, PASTORAL}),
        data=lambda w: {
            "on": w.today.isoformat(),
            "attendees": "Sam Senior (SLT), parent, learner",
            "parents_attended": "on",
            "reasons_explained": "on",
        },
        redirect_to=placement_url("referred"),
        effect=_status("referred", Status.PLANNING),
        school_record=True,
    ),
    # placement.decide
    Case(
        "placements:placement_agree",
        placement("planning"),
        "post",
        frozenset({HEAD, SLT}),
        redirect_to=placement_url("planning"),
        effect=_status("planning", Status.AGREED),
        school_record=True,
    ),
    # placement.decide
    Case(
        "placements:placement_activate",
        placement("agreed"),
        "post",
        frozenset({HEAD, SLT}),
        redirect_to=placement_url("agreed"),
        effect=_status("agreed", Status.ACTIVE),
        school_record=True,
    ),
    # placement.decide
    Case(
        "placements:placement_end",
        placement("active"),
        "get",
        frozenset({HEAD, SLT}),
        school_record=True,
    ),
    # placement.decide
    Case(
        "placements:placement_end",
        placement("active"),
        "post",
        frozenset({HEAD, SLT}),
        data=lambda w: {"on": w.today.isoformat(), "reason": "completed"},
        redirect_to=placement_url("active"),
        effect=_status("active", Status.ENDED),
        school_record=True,
    ),
    # placement.decide
    Case(
        "placements:placement_cease",
        placement("active"),
        "get",
        frozenset({HEAD, SLT}),
        school_record=True,
    ),
    # placement.decide
    Case(
        "placements:placement_cease",
        placement("active"),
        "post",
        frozenset({HEAD, SLT}),
        data=lambda w: {
            "on": w.today.isoformat(),
            "reason": "A serious incident at the provider.",
            "confirm": "on",
        },
        redirect_to=placement_url("active"),
        effect=_status("active", Status.CEASED),
        school_record=True,
    ),
    # placement.cost.authorise
    Case(
        "placements:placement_authorise_cost",
        placement("active"),
        "post",
        frozenset({HEAD}),
        redirect_to=placement_url("active"),
        effect=lambda w: Placement.objects.get(pk=w.active.pk).cost_authorised_by_id is not None,
        school_record=True,
    ),
    # placement.view: the agreement and contract page
    Case(
        "placements:documents",
        placement("agreed"),
        "get",
        frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN, EXAMS, FINANCE, BOARD}),
        school_record=True,
    ),
    # agreement.edit
    Case(
        "placements:agreement_prepare",
        placement("planning"),
        "post",
        frozenset({HEAD, SLT, PASTORAL}),
        redirect_to=lambda w: reverse(
            "placements:agreement_edit",
            args=[Agreement.objects.filter(placement=w.planning).latest("version").pk],
        ),
        effect=lambda w: Agreement.objects.filter(placement=w.planning, version=2).exists(),
        school_record=True,
    ),
    # agreement.edit
    Case(
        "placements:contract_prepare",
        placement("planning"),
        "post",
        frozenset({HEAD, SLT, PASTORAL}),
        redirect_to=lambda w: reverse(
            "placements:contract_edit",
            args=[ParentContract.objects.filter(placement=w.planning).latest("version").pk],
        ),
        effect=lambda w: ParentContract.objects.filter(placement=w.planning, version=2).exists(),
        school_record=True,
    ),
    # agreement.edit
    Case(
        "placements:agreement_edit",
        lambda w: {"pk": w.draft_agreement.pk},
        "get",
        frozenset({HEAD, SLT, PASTORAL}),
        school_record=True,
    ),
    # agreement.edit
    Case(
        "placements:contract_edit",
        lambda w: {"pk": w.draft_contract.pk},
        "get",
        frozenset({HEAD, SLT, PASTORAL}),
        school_record=True,
    ),
    # agreement.edit
    Case(
        "placements:agreement_send",
        lambda w: {"pk": w.draft_agreement.pk},
        "post",
        frozenset({HEAD, SLT, PASTORAL}),
        redirect_to=lambda w: reverse("placements:documents", args=[w.planning.pk]),
        effect=lambda w: Agreement.objects.get(pk=w.draft_agreement.pk).status == DocumentStatus.AWAITING,
        school_record=True,
    ),
    # agreement.edit
    Case(
        "placements:contract_send",
        lambda w: {"pk": w.draft_contract.pk},
        "post",
        frozenset({HEAD, SLT, PASTORAL}),
        redirect_to=lambda w: reverse("placements:documents", args=[w.planning.pk]),
        effect=lambda w: ParentContract.objects.get(pk=w.draft_contract.pk).status == DocumentStatus.AWAITING,
        school_record=True,
    ),
    # agreement.sign
    Case(
        "placements:agreement_sign",
        lambda w: {"pk": w.awaiting_agreement.pk},
        "get",
        frozenset({HEAD}),
        school_record=True,
    ),
    # placement.view
    Case(
        "placements:agreement_pdf",
        lambda w: {"pk": w.draft_agreement.pk},
        "get",
        frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN, EXAMS, FINANCE, BOARD}),
        school_record=True,
    ),
    # placement.view
    Case(
        "placements:contract_pdf",
        lambda w: {"pk": w.draft_contract.pk},
        "get",
        frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN, EXAMS, FINANCE, BOARD}),
        school_record=True,
    ),
    # agreement.template
    Case("placements:agreement_template", none, "get", frozenset({HEAD, SLT})),
    # calendar.view
    Case(
        "placements:calendar_overview",
        none,
        "get",
        frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN, EXAMS, FINANCE}),
    ),
    # calendar.edit
    Case("placements:term_create", none, "get", frozenset({HEAD, SLT, ADMIN})),
    # calendar.edit
    Case(
        "placements:term_edit",
        lambda w: {"pk": w.term.pk},
        "get",
        frozenset({HEAD, SLT, ADMIN}),
        school_record=True,
    ),
    # calendar.edit
    Case("placements:closure_create", none, "get", frozenset({HEAD, SLT, ADMIN})),
    # calendar.edit
    Case(
        "placements:closure_delete",
        lambda w: {"pk": w.school_closure.pk},
        "post",
        frozenset({HEAD, SLT, ADMIN}),
        redirect_to=lambda w: reverse("placements:calendar_overview"),
        effect=lambda w: not SchoolClosure.objects.filter(pk=w.school_closure.pk).exists(),
        school_record=True,
    ),
    # attendance.view
    Case("attendance:today", none, "get", frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN})),
    # attendance.view
    Case("attendance:register_grid", none, "get", frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN})),
    # attendance.view
    Case("attendance:unexplained", none, "get", frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN})),
    # attendance.view
    Case(
        "attendance:learner_attendance",
        learner,
        "get",
        frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN}),
        school_record=True,
    ),
    # attendance.record
    Case("attendance:record_marks", provider, "get", frozenset({HEAD, SLT, PASTORAL, DSL, ADMIN})),
    # attendance.record
    Case(
        "attendance:chase",
        provider,
        "post",
        frozenset({HEAD, SLT, PASTORAL, DSL, ADMIN}),
        data=lambda w: {"note": "Left a voicemail"},
        redirect_to=lambda w: reverse("attendance:today"),
        effect=lambda w: ChaseNote.objects.filter(provider=w.provider, note="Left a voicemail").exists(),
    ),
    # attendance.record
    Case(
        "attendance:amend_mark",
        lambda w: {"pk": w.mark.pk},
        "get",
        frozenset({HEAD, SLT, PASTORAL, DSL, ADMIN}),
        school_record=True,
    ),
    # attendance.record
    Case(
        "attendance:close_flag",
        lambda w: {"pk": w.flag.pk},
        "get",
        frozenset({HEAD, SLT, PASTORAL, DSL, ADMIN}),
        school_record=True,
    ),
    # attendance.intervene
    Case("attendance:follow_up", none, "get", frozenset({HEAD, SLT, PASTORAL, DSL})),
    # attendance.intervene
    Case(
        "attendance:intervention_create",
        learner,
        "get",
        frozenset({HEAD, SLT, PASTORAL, DSL}),
        school_record=True,
    ),
    # attendance.contact
    Case(
        "attendance:parent_contact_create",
        learner,
        "get",
        frozenset({HEAD, SLT, PASTORAL, DSL, ADMIN}),
        school_record=True,
    ),
    # attendance.export
    Case("attendance:export_marks", none, "get", frozenset({HEAD, SLT, ADMIN})),
    # attendance.export
    Case("attendance:export_summary", none, "get", frozenset({HEAD, SLT, ADMIN})),
    # attendance.export
    Case("attendance:register_grid_csv", none, "get", frozenset({HEAD, SLT, ADMIN})),
    # attendance.record
    Case(
        "attendance:resend_link",
        provider,
        "post",
        frozenset({HEAD, SLT, PASTORAL, DSL, ADMIN}),
        redirect_to=lambda w: reverse("attendance:today"),
        effect=lambda w: LinkToken.objects.about(Provider, [w.provider.pk]).count() > 1,
    ),
    # attendance.record
    Case(
        "attendance:revoke_link",
        lambda w: {"pk": w.link.pk},
        "post",
        frozenset({HEAD, SLT, PASTORAL, DSL, ADMIN}),
        redirect_to=lambda w: reverse("attendance:today"),
        effect=lambda w: LinkToken.objects.get(pk=w.link.pk).revoked_at is not None,
        school_record=True,
    ),
    # Signed in: each user's own notifications.
    Case(
        "notifications_read",
        none,
        "post",
        frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN, EXAMS, FINANCE, BOARD}),
        redirect_to=lambda w: reverse("notifications"),
    ),
    # school.settings
    Case("school_settings", none, "get", frozenset({HEAD, SLT})),
    # Signed in: one's own second factor (altprov/mfa.py).
    Case(
        "mfa_manage", none, "get", frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN, EXAMS, FINANCE, BOARD})
    ),
    Case(
        "mfa_setup", none, "get", frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN, EXAMS, FINANCE, BOARD})
    ),
    # account.reset_mfa (the head resets a lost phone for staff at the school)
    Case("mfa_staff", none, "get", frozenset({HEAD})),
    # account.reset_mfa
    Case(
        "mfa_reset",
        lambda w: {"pk": w.slt_member.pk},
        "get",
        frozenset({HEAD}),
        school_record=True,
    ),
    # account.reset_mfa
    Case(
        "mfa_reset",
        lambda w: {"pk": w.slt_member.pk},
        "post",
        frozenset({HEAD}),
        data=lambda w: {"reason": "Lost phone"},
        redirect_to=lambda w: reverse("mfa_staff"),
        effect=lambda w: SecondFactorReset.objects.filter(user=w.slt_member).exists(),
        school_record=True,
    ),
    # monitoring.visit
    Case("monitoring:visit_list", none, "get", frozenset({HEAD, SLT, PASTORAL, DSL})),
    # monitoring.visit
    Case(
        "monitoring:visit_start",
        placement("active"),
        "post",
        frozenset({HEAD, SLT, PASTORAL, DSL}),
        redirect_to=lambda w: reverse(
            "monitoring:visit_edit", args=[Visit.objects.filter(status=VisitStatus.DRAFT).latest("pk").pk]
        ),
        effect=lambda w: Visit.objects.filter(placement=w.active, status=VisitStatus.DRAFT).exists(),
        school_record=True,
    ),
    # monitoring.view
    Case(
        "monitoring:visit_detail",
        lambda w: {"pk": w.visit.pk},
        "get",
        frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO}),
        school_record=True,
    ),
    # monitoring.view
    Case(
        "monitoring:visit_pdf",
        lambda w: {"pk": w.visit.pk},
        "get",
        frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO}),
        school_record=True,
    ),
    # monitoring.view
    Case("monitoring:review_list", none, "get", frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO})),
    # monitoring.view
    Case(
        "monitoring:review_detail",
        lambda w: {"pk": w.review.pk},
        "get",
        frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO}),
        school_record=True,
    ),
    # monitoring.view
    Case(
        "monitoring:review_pdf",
        lambda w: {"pk": w.review.pk},
        "get",
        frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO}),
        school_record=True,
    ),
    # monitoring.review
    Case(
        "monitoring:review_respond",
        lambda w: {"pk": w.review.pk},
        "post",
        frozenset({HEAD, SLT, PASTORAL}),
        data=lambda w: {"school_response": "Targets agreed with the provider."},
        redirect_to=lambda w: w.review.get_absolute_url(),
        effect=lambda w: TermlyReview.objects.filter(
            pk=w.review.pk, school_response="Targets agreed with the provider."
        ).exists(),
        school_record=True,
    ),
    # monitoring.review
    Case(
        "monitoring:review_new_version",
        lambda w: {"pk": w.review.pk},
        "post",
        frozenset({HEAD, SLT, PASTORAL}),
        redirect_to=lambda w: TermlyReview.objects.get(supersedes=w.review).get_absolute_url(),
        effect=lambda w: TermlyReview.objects.filter(supersedes=w.review).exists(),
        school_record=True,
    ),
    # monitoring.review
    Case(
        "monitoring:review_resend",
        lambda w: {"pk": w.waiting_review.pk},
        "post",
        frozenset({HEAD, SLT, PASTORAL}),
        redirect_to=lambda w: w.waiting_review.get_absolute_url(),
        effect=lambda w: LinkToken.objects.about(TermlyReview, [w.waiting_review.pk]).exists(),
        school_record=True,
    ),
    # Signed in: each user's own notifications.
    Case(
        "notifications",
        none,
        "get",
        frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN, EXAMS, FINANCE, BOARD}),
    ),
    # monitoring.view
    Case(
        "monitoring:meeting_detail",
        lambda w: {"pk": w.meeting.pk},
        "get",
        frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO}),
        school_record=True,
    ),
    # placement.meeting
    Case(
        "monitoring:meeting_create",
        placement("active"),
        "get",
        frozenset({HEAD, SLT, PASTORAL}),
        school_record=True,
    ),
    # placement.meeting
    Case(
        "monitoring:agreement_review_create",
        placement("active"),
        "get",
        frozenset({HEAD, SLT, PASTORAL}),
        school_record=True,
    ),
    # placement.meeting
    Case(
        "monitoring:agreement_review_create",
        placement("active"),
        "post",
        frozenset({HEAD, SLT, PASTORAL}),
        data=lambda w: {"held_on": w.today.isoformat(), "notes": "Timetable and targets kept."},
        redirect_to=placement_url("active"),
        effect=lambda w: AgreementReview.objects.filter(placement=w.active).exists(),
        school_record=True,
    ),
    # placement.decide
    Case(
        "monitoring:cease_decision",
        lambda w: {"pk": w.decision.pk},
        "get",
        frozenset({HEAD, SLT}),
        school_record=True,
    ),
    # placement.decide
    Case(
        "monitoring:cease_decision",
        lambda w: {"pk": w.decision.pk},
        "post",
        frozenset({HEAD, SLT}),
        data=lambda w: {"outcome": "continue", "reason": "A new mentor starts next week."},
        redirect_to=placement_url("active"),
        effect=lambda w: CeaseDecision.objects.get(pk=w.decision.pk).decided_at is not None,
        school_record=True,
    ),
    # monitoring.view
    Case("monitoring:action_list", none, "get", frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO})),
    # the action's owner, monitoring.oversee or placement.edit (of the monitoring.view roles)
    Case(
        "monitoring:action_done",
        lambda w: {"pk": w.action.pk},
        "get",
        frozenset({HEAD, SLT, PASTORAL}),
        school_record=True,
    ),
    # the action's owner, monitoring.oversee or placement.edit (of the monitoring.view roles)
    Case(
        "monitoring:action_done",
        lambda w: {"pk": w.action.pk},
        "post",
        frozenset({HEAD, SLT, PASTORAL}),
        data=lambda w: {"note": "Work sent home.", "on": w.today.isoformat()},
        redirect_to=lambda w: reverse("monitoring:action_list"),
        effect=lambda w: Action.objects.get(pk=w.action.pk).done_on is not None,
        school_record=True,
    ),
    # concern.raise (JSON for the concern and incident forms' choosers)
    Case(
        "monitoring:report_learner_search",
        none,
        "get",
        frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN, EXAMS, FINANCE}),
    ),
    Case(
        "monitoring:report_placement_search",
        none,
        "get",
        frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN, EXAMS, FINANCE}),
    ),
    # concern.raise (every member of staff; KCSIE: anyone may raise a concern)
    Case(
        "monitoring:concern_raise",
        none,
        "get",
        frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN, EXAMS, FINANCE}),
    ),
    # concern.raise
    Case(
        "monitoring:concern_sent",
        none,
        "get",
        frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN, EXAMS, FINANCE}),
    ),
    # concern.raise
    Case(
        "monitoring:concern_mine",
        none,
        "get",
        frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN, EXAMS, FINANCE}),
    ),
    # concern.read (only the DSL and the head read the safeguarding log)
    Case("monitoring:concern_list", none, "get", frozenset({HEAD, DSL})),
    # concern.read
    Case(
        "monitoring:concern_detail",
        lambda w: {"pk": w.concern.pk},
        "get",
        frozenset({HEAD, DSL}),
        school_record=True,
    ),
    # concern.read
    Case(
        "monitoring:concern_file",
        lambda w: {"pk": w.concern_file.pk},
        "get",
        frozenset({HEAD, DSL}),
        school_record=True,
    ),
    # concern.read
    Case(
        "monitoring:concern_entry_create",
        lambda w: {"pk": w.concern.pk},
        "post",
        frozenset({HEAD, DSL}),
        data=lambda w: {
            "entry-kind": "decision",
            "entry-happened_on": w.today.isoformat(),
            "entry-what": "Spoke to mum.",
        },
        redirect_to=lambda w: reverse("monitoring:concern_detail", args=[w.concern.pk]) + "#chronology",
        effect=lambda w: ConcernEntry.objects.filter(concern=w.concern).exists(),
        school_record=True,
    ),
    # concern.read
    Case(
        "monitoring:concern_attachment_create",
        lambda w: {"pk": w.concern.pk},
        "post",
        frozenset({HEAD, DSL}),
        data=lambda w: {"file-file": SimpleUploadedFile("more.pdf", PDF), "file-description": "More"},
        redirect_to=lambda w: reverse("monitoring:concern_detail", args=[w.concern.pk]) + "#files",
        effect=lambda w: w.concern.attachments.count() == 2,
        school_record=True,
    ),
    # concern.read
    Case(
        "monitoring:concern_close",
        lambda w: {"pk": w.concern.pk},
        "post",
        frozenset({HEAD, DSL}),
        data=lambda w: {"close-outcome": "Early help offered.", "close-closed_on": w.today.isoformat()},
        redirect_to=lambda w: reverse("monitoring:concern_detail", args=[w.concern.pk]),
        effect=lambda w: SafeguardingConcern.objects.get(pk=w.concern.pk).closed_on is not None,
        school_record=True,
    ),
    # monitoring.view
    Case("monitoring:incident_list", none, "get", frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO})),
    # incident.report
    Case(
        "monitoring:incident_report", none, "get", frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO, ADMIN, EXAMS})
    ),
    # monitoring.view
    Case(
        "monitoring:incident_detail",
        lambda w: {"pk": w.incident.pk},
        "get",
        frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO}),
        school_record=True,
    ),
    # incident.decide
    Case(
        "monitoring:incident_decide",
        lambda w: {"pk": w.incident.pk},
        "get",
        frozenset({HEAD, SLT, PASTORAL}),
        school_record=True,
    ),
    # incident.decide
    Case(
        "monitoring:incident_decide",
        lambda w: {"pk": w.incident.pk},
        "post",
        frozenset({HEAD, SLT, PASTORAL}),
        data=lambda w: {
            "decision": "A restorative meeting at the provider.",
            "decided_with": w.slt_member.pk,
            "actions-TOTAL_FORMS": "0",
            "actions-INITIAL_FORMS": "0",
        },
        redirect_to=lambda w: reverse("monitoring:incident_detail", args=[w.incident.pk]),
        effect=lambda w: Incident.objects.get(pk=w.incident.pk).decided_at is not None,
        school_record=True,
    ),
]

# (case id, role) pairs where the view does not yet do what the table says.
KNOWN_BUGS: dict[tuple[str, str], str] = {}


def _request(client, case: Case, w):
    url = reverse(case.url_name, kwargs=case.kwargs(w))
    if case.method == "get":
        return client.get(url)
    return client.post(url, case.data(w) if case.data else {})


def _matrix_params():
    for case in MATRIX:
        for role in ROLES:
            reason = KNOWN_BUGS.get((case.id, role))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            yield pytest.param(case, role, id=f"{case.id}-{role}", marks=marks)


@pytest.mark.parametrize(("case", "role"), list(_matrix_params()))
def test_role_gets_what_the_matrix_says(client, world, role_user, case, role):
    client.force_login(role_user(role))
    response = _request(client, case, world)
    if role not in case.allowed:
        assert response.status_code == 403, f"{role} should be refused {case.id}"
        if case.effect:
            assert not case.effect(world), f"{role} was refused {case.id} but it happened"
        return
    if case.redirect_to is None:
        assert response.status_code == 200, f"{role} should get {case.id}"
    else:
        assert response.status_code == 302, f"{role} should be able to {case.id}"
        assert response["Location"] == case.redirect_to(world)
    if case.effect:
        assert case.effect(world), f"{case.id} by {role} redirected but did not happen"


def test_evidence_file_is_served_inline_as_the_stored_pdf(client, world, dsl):
    client.force_login(dsl)
    response = client.get(reverse("placements:evidence_file", args=[world.evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["X-Content-Type-Options"] == "nosniff"
    assert not response.get("Content-Disposition", "").startswith("attachment")


@pytest.mark.parametrize("case", [c for c in MATRIX if c.school_record], ids=lambda c: c.id)
def test_head_of_another_school_gets_404_for_this_schools_records(client, world, other_head, case):
    client.force_login(other_head)
    response = _request(client, case, world)
    assert response.status_code == 404
    if case.effect:
        assert not case.effect(world)


def test_providers_are_a_shared_directory_for_another_schools_head(client, world, other_head):
    client.force_login(other_head)
    response = client.get(reverse("placements:provider_detail", args=[world.provider.pk]))
    assert response.status_code == 200
    assert world.provider.name in response.content.decode()
    # The provider's placements at `school` are not theirs to see.
    assert "Quarrington" not in response.content.decode()


@dataclass(frozen=True)
class FieldCase:
    id: str
    url_name: str
    kwargs: Callable[[Any], dict]
    marker: Callable[[Any], str]
    shown_to: frozenset
    bug: str = ""


def text(value: str) -> Callable[[Any], str]:
    return lambda w: value


# What each role sees of a page it may open: the restricted fields and parts.
FIELDS = [
    # learner.safeguarding
    FieldCase(
        "safeguarding-flag-shown",
        "placements:learner_detail",
        learner,
        text("Safeguarding flag</dt>"),
        frozenset({HEAD, DSL}),
    ),
    # learner.passport.view
    FieldCase(
        "passport-shown",
        "placements:learner_detail",
        learner,
        text("Learner passport / SEN support</h2>"),
        frozenset({HEAD, SLT, PASTORAL, DSL, SENDCO}),
    ),
    # history.view
    FieldCase(
        "learner-history-shown",
        "placements:learner_detail",
        learner,
        text('id="history-heading"'),
        frozenset({HEAD, SLT, DSL}),
    ),
    # learner.safeguarding
    FieldCase(
        "safeguarding-flag-editable",
        "placements:learner_edit",
        learner,
        text('name="safeguarding_flag"'),
        frozenset({HEAD, DSL}),
    ),
    # learner.passport.edit
    FieldCase(
        "passport-editable",
        "placements:learner_edit",
        learner,
        text('name="learner_passport"'),
        frozenset({HEAD, SENDCO}),
    ),
    # learner.attainment.edit, of the roles that may open the learner form (learner.edit)
    FieldCase(
        "attainment-editable",
        "placements:learner_edit",
        learner,
        text('name="attainment_baseline"'),
        frozenset({HEAD, SLT}),
    ),
    # placement.cost.view
    FieldCase(
        "placement-cost-shown",
        "placements:placement_detail",
        placement("active"),
        text('<dt class="col-sm-5">Cost</dt>'),
        frozenset({HEAD, SLT, FINANCE, BOARD}),
    ),
    # placement.cost.authorise
    FieldCase(
        "authorise-cost-button",
        "placements:placement_detail",
        placement("active"),
        lambda w: reverse("placements:placement_authorise_cost", args=[w.active.pk]),
        frozenset({HEAD}),
    ),
    # placement.cost.view, of the roles that may edit a placement (placement.edit)
    FieldCase(
        "placement-cost-editable",
        "placements:placement_edit",
        placement("referred"),
        text('name="cost_amount"'),
        frozenset({HEAD, SLT}),
    ),
    # placement.decide
    FieldCase(
        "visiting-staff-editable",
        "placements:placement_edit",
        placement("referred"),
        text('name="visiting_staff"'),
        frozenset({HEAD, SLT}),
    ),
    # placement.cost.view
    FieldCase(
        "provider-rates-shown",
        "placements:provider_detail",
        provider,
        text("Rates</dt>"),
        frozenset({HEAD, SLT, FINANCE, BOARD}),
    ),
    # placement.cost.view, of the roles that may edit a provider (provider.edit)
    FieldCase(
        "provider-rates-editable",
        "placements:provider_edit",
        provider,
        text('name="session_rate"'),
        frozenset({HEAD, SLT}),
    ),
]


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, id=c.id, marks=[pytest.mark.xfail(strict=True, reason=c.bug)] if c.bug else [])
        for c in FIELDS
    ],
)
def test_restricted_parts_of_a_page_follow_the_role(client, world, role_user, case):
    url = reverse(case.url_name, kwargs=case.kwargs(world))
    marker = case.marker(world)
    shown = set()
    for role in ROLES:
        client.force_login(role_user(role))
        response = client.get(url)
        if response.status_code == 200 and marker in response.content.decode():
            shown.add(role)
    assert shown == set(case.shown_to)


@pytest.mark.parametrize(
    ("record", "url_name", "field_name"),
    [
        ("active", "placements:placement_detail", "cost_amount"),
        ("provider", "placements:provider_detail", "session_rate"),
    ],
)
def test_cost_changes_stay_out_of_the_history_for_roles_without_cost_view(
    client, world, dsl, record, url_name, field_name
):
    obj = getattr(world, record)
    setattr(obj, field_name, Decimal("7391.25"))
    obj.save()
    client.force_login(dsl)
    response = client.get(reverse(url_name, args=[obj.pk]))
    assert 'id="history-heading"' in response.content.decode()
    assert "7391" not in response.content.decode()


def test_exams_officer_can_edit_the_attainment_baseline(client, world, exams):
    client.force_login(exams)
    response = client.get(reverse("placements:learner_attainment", args=[world.learner.pk]))
    assert response.status_code == 200
    assert 'name="attainment_baseline"' in response.content.decode()
    response = client.post(
        reverse("placements:learner_attainment", args=[world.learner.pk]),
        {"attainment_baseline": "KS2 SATs 98/101"},
    )
    assert response.status_code == 302
    world.learner.refresh_from_db()
    assert world.learner.attainment_baseline == "KS2 SATs 98/101"


def test_docs_roles_table_matches_the_matrix():
    doc = Path(__file__).resolve().parents[2] / "docs" / "roles.md"
    rows = {}
    for line in doc.read_text().splitlines():
        found = re.match(r"\|[^|]*\|\s*`([\w:]+)`\s*(POST)?\s*\|(.*)\|\s*$", line)
        if found:
            name, post, cells = found.groups()
            marks = [cell.strip() for cell in cells.split("|")]
            assert len(marks) == len(ROLES), line
            rows[(name, "post" if post else "get")] = {r for r, m in zip(ROLES, marks) if m == "✓"}
    table = {(c.url_name.split(":")[-1], c.method): set(c.allowed) for c in MATRIX}
    assert rows == table


def test_world_placements_are_ready_for_their_actions(world):
    assert world.agreed.activation_problems() == []
    assert world.planning.targets.exists()
    assert world.active.cost_amount is not None
    assert world.learner.contacts.filter(emergency_contact=True).count() == 2
