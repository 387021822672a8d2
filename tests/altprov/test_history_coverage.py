"""Every model that holds personal data or a decision keeps its history (django-simple-history).

A new model must be put in one of the two lists below: with history, or
without it and why. Bulk writes in workflows write the history too
(bulk_create_with_history, bulk_history_create), pinned by the last tests.
"""

import pytest
from django.apps import apps
from django.utils import timezone

from attendance.models import AttendanceMark, MarkStatus, Source
from attendance.recording import MarkInput, record_marks
from placements.models import Signature, Status
from placements.signing import prepare_agreement, send_for_signature

from ..factories import ContactFactory, LearnerFactory, PlacementFactory, UserFactory, approved_provider

MUST_HAVE_HISTORY = {
    # The school, who holds which role, and the people and decisions of placements.
    "altprov.school",
    "altprov.membership",
    "placements.learner",
    "placements.contact",
    "placements.provider",
    "placements.providersite",
    "placements.evidenceitem",
    "placements.providerapproval",
    "placements.providerreview",
    "placements.placement",
    "placements.placementtarget",
    "placements.placementtimetable",
    "placements.term",
    "placements.schoolclosure",
    "placements.providerclosure",
    "placements.agreement",
    "placements.parentcontract",
    "placements.signature",
    # Attendance: each mark, and what was done about it.
    "attendance.attendancemark",
    "attendance.intervention",
    "attendance.parentcontact",
    "attendance.chasenote",
    # Monitoring and safeguarding.
    "monitoring.visit",
    "monitoring.termlyreview",
    "monitoring.incident",
    "monitoring.reviewmeeting",
    "monitoring.targetprogress",
    "monitoring.ceasedecision",
    "monitoring.agreementreview",
    "monitoring.action",
    "monitoring.safeguardingconcern",
    "monitoring.concernentry",
    "monitoring.concernattachment",
}

WITHOUT_HISTORY = {
    # Logs that only grow: each row is itself the history.
    "placements.accesslog": "append-only access log",
    "placements.disposalrecord": "append-only disposal log",
    "placements.statuschange": "the placement's status log",
    "attendance.markamendment": "each correction of a mark, keeping the original",
    "monitoring.concernread": "who read a concern",
    "altprov.flagnotice": "who was told about a flag",
    "altprov.secondfactorreset": "each reset of a lost second factor, by whom and why",
    # Versions kept as rows: a change is a new row.
    "placements.agreementtemplate": "standard wording, one row per version; no personal data",
    "placements.evidencetype": "a list of kinds of evidence; no personal data",
    # Staff accounts: a role given or taken is in Membership's history; the account itself
    # (name, email, password hash) is Django's auth model, left to the sign-in work.
    "altprov.user": "staff account; roles are kept with history in Membership",
    # Machinery: claims, counters, outbox and flags point at records that keep their own history.
    "altprov.linktoken": "a link's hash, expiry and use count",
    "altprov.ratecount": "request counters",
    "altprov.flag": "a to-do raised and resolved by jobs, with its reason",
    "altprov.notification": "the outbox; bodies with secrets are cleared once sent",
    "placements.evidenceflag": "the evidence flag's bookkeeping",
    "attendance.dailylinkemail": "which register link went to which provider",
    "attendance.missingreport": "the missing-report flag's bookkeeping",
    "attendance.attendanceweek": "a summary of the marks, rebuilt from them at any time",
}

PROJECT_APPS = ("altprov", "placements", "attendance", "monitoring")


def _models():
    for app in PROJECT_APPS:
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical"):
                continue
            yield model


def _has_history(model) -> bool:
    manager = getattr(model, "history", None)
    return manager is not None and manager.model.__name__ == f"Historical{model.__name__}"


def test_every_model_is_listed_with_or_without_history():
    labels = {m._meta.label_lower for m in _models()}
    listed = MUST_HAVE_HISTORY | set(WITHOUT_HISTORY)
    assert labels - listed == set(), "new models: decide whether they keep history"
    assert listed - labels == set(), "listed models that no longer exist"


@pytest.mark.parametrize("label", sorted(MUST_HAVE_HISTORY))
def test_model_with_personal_data_or_decisions_keeps_history(label):
    assert _has_history(apps.get_model(label)), f"{label} has no HistoricalRecords"


@pytest.mark.django_db
def test_marks_recorded_in_bulk_get_a_created_history_row():
    placement = PlacementFactory()
    by = UserFactory()
    day = timezone.localdate()
    result = record_marks(
        school=placement.school,
        entries=[MarkInput(placement=placement, day=day, session="AM", status=MarkStatus.PRESENT)],
        source=Source.PHONE,
        by=by,
    )
    (mark,) = result.created
    (row,) = AttendanceMark.history.filter(id=mark.pk)
    assert (row.history_type, row.history_user) == ("+", by)


@pytest.mark.django_db
def test_signers_asked_in_bulk_get_a_created_history_row(school):
    head = UserFactory()
    learner = LearnerFactory(school=school)
    ContactFactory(learner=learner, parental_responsibility=True, email="parent@home.test")
    provider = approved_provider(school, head, timezone.localdate())
    placement = PlacementFactory(learner=learner, provider=provider, status=Status.REFERRED)
    agreement = prepare_agreement(placement=placement, by=head)
    signatures = send_for_signature(document=agreement, by=head)
    assert signatures
    for signature in signatures:
        (row,) = Signature.history.filter(id=signature.pk)
        assert (row.history_type, row.history_user) == ("+", head)
