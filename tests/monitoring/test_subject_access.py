"""The subject access export: everything held about one learner, as a ZIP, for the head or the DSL."""

import csv
import io
import zipfile
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from altprov.models import Role
from attendance.models import AttendanceMark, MarkStatus, Source
from monitoring.models import ConcernEntry, EntryKind
from placements.models import AccessLog, Read, Status

from ..factories import ContactFactory, LearnerFactory, PlacementFactory, signed_documents
from ..pdftext import pdf_text
from .concern_factories import make_concern, make_incident, staff

pytestmark = pytest.mark.django_db

SIGNED_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture
def private_media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    return tmp_path


@pytest.fixture
def learner(school, dsl, private_media):
    learner = LearnerFactory(
        school=school,
        legal_first_name="Zephyrine",
        legal_last_name="Quarrington",
        learner_passport="Needs a quiet room for tests.",
    )
    ContactFactory(learner=learner, name="Marguerite Quarrington")
    placement = PlacementFactory(learner=learner, status=Status.ACTIVE)
    AttendanceMark.objects.create(
        placement=placement,
        school=school,
        date=date(2026, 11, 30),
        session="AM",
        status=MarkStatus.LATE,
        late_minutes=12,
        code="B",
        source=Source.PHONE,
        entered_by=dsl,
    )
    make_incident(placement, reported_by=dsl)
    concern = make_concern(learner, raised_by=dsl, detail="She said she was scared to go home.")
    ConcernEntry.objects.create(
        concern=concern,
        by=dsl,
        kind=EntryKind.ACTION,
        happened_on=date(2026, 11, 30),
        what="Spoke to the social worker.",
    )
    agreement, _ = signed_documents(placement)
    default_storage.save(agreement.pdf.name, ContentFile(SIGNED_PDF))
    return learner


def _download(client, user, learner):
    client.force_login(user)
    response = client.post(reverse("monitoring:subject_access", args=[learner.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="subject-access-')
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_the_dsl_downloads_everything_held_about_the_learner(client, learner, dsl):
    archive = _download(client, dsl, learner)
    names = set(archive.namelist())
    assert {
        "README.txt",
        "learner.pdf",
        "placements.csv",
        "attendance-marks.csv",
        "monitoring.pdf",
        "attendance-follow-up.pdf",
        "safeguarding-concerns.pdf",
        "access-log.csv",
    } <= names
    record = pdf_text(archive.read("learner.pdf"))
    assert "Zephyrine" in record and "Quarrington" in record
    assert "Needs a quiet room for tests." in record
    assert "Marguerite Quarrington" in record
    concerns = pdf_text(archive.read("safeguarding-concerns.pdf"))
    assert "scared to go home" in concerns
    assert "Spoke to the social worker." in concerns
    assert "Threw a chair" in pdf_text(archive.read("monitoring.pdf"))
    marks = list(csv.reader(io.StringIO(archive.read("attendance-marks.csv").decode("utf-8-sig"))))
    assert marks[1][:6] == ["2026-11-30", "AM", marks[1][2], "Late", "B", "12"]
    (stored,) = [n for n in names if n.startswith("documents/agreement-")]
    assert archive.read(stored) == SIGNED_PDF


def test_the_export_is_in_the_access_log_and_in_the_export(client, learner, head):
    client.force_login(head)
    client.get(reverse("placements:learner_detail", args=[learner.pk]))
    archive = _download(client, head, learner)
    row = AccessLog.objects.get(what=Read.SUBJECT_ACCESS)
    assert (row.user, row.learner) == (head, learner)
    log = archive.read("access-log.csv").decode("utf-8-sig")
    assert "Subject access export" in log
    assert "Learner record with safeguarding, passport and SEN detail" in log


def test_the_page_describes_the_export_and_logs_nothing(client, learner, dsl):
    client.force_login(dsl)
    response = client.get(reverse("monitoring:subject_access", args=[learner.pk]))
    assert response.status_code == 200
    assert "Download everything held (ZIP)" in response.content.decode()
    assert not AccessLog.objects.filter(what=Read.SUBJECT_ACCESS).exists()


@pytest.mark.parametrize("role", [Role.SLT, Role.PASTORAL, Role.SENDCO, Role.ADMIN, Role.EXAMS, Role.FINANCE])
def test_other_roles_are_refused(client, learner, school, role):
    client.force_login(staff(school, role))
    assert client.post(reverse("monitoring:subject_access", args=[learner.pk])).status_code == 403
    assert client.get(reverse("monitoring:subject_access", args=[learner.pk])).status_code == 403
    assert not AccessLog.objects.filter(what=Read.SUBJECT_ACCESS).exists()


def test_another_schools_learner_answers_404(client, learner, other_head):
    client.force_login(other_head)
    assert client.post(reverse("monitoring:subject_access", args=[learner.pk])).status_code == 404


def test_a_missing_stored_file_is_said_not_hidden(client, learner, dsl):
    default_storage.delete(learner.placements.get().agreements.get().pdf.name)
    archive = _download(client, dsl, learner)
    assert any(n.endswith(".missing.txt") for n in archive.namelist())
