"""The access log (ASVS V8.3.5): who opened a learner's record, passport, concerns, files and exports.

It says who, when and what kind of record, never its content; nobody can
change or remove a row; the head and the DSL see a learner's log, and
another school's learner answers 404.
"""

from datetime import UTC, date, datetime

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from altprov.models import Role
from placements.access_log import record_disposal, record_read
from placements.models import AccessLog, AppendOnly, DisposalRecord, Read

from ..factories import LearnerFactory, SchoolClosureFactory, approved_provider
from ..monitoring.concern_factories import make_concern, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(school):
    return LearnerFactory(school=school, legal_first_name="Zephyrine", learner_passport="Needs a quiet room.")


def test_opening_a_learner_record_is_logged_with_what_the_role_saw(client, learner, head, sendco, exams):
    for user in (head, sendco, exams):
        client.force_login(user)
        assert client.get(reverse("placements:learner_detail", args=[learner.pk])).status_code == 200
    reads = {row.user: row.what for row in AccessLog.objects.filter(learner=learner)}
    assert reads == {head: Read.SAFEGUARDING, sendco: Read.PASSPORT, exams: Read.LEARNER}


def test_the_log_never_holds_the_records_content(client, learner, dsl):
    client.force_login(dsl)
    client.get(reverse("placements:learner_detail", args=[learner.pk]))
    concern = make_concern(learner, raised_by=dsl, detail="She said she was scared to go home.")
    client.get(reverse("monitoring:concern_detail", args=[concern.pk]))
    stored = " ".join(
        str(value) for row in AccessLog.objects.values() for value in row.values() if value is not None
    )
    for content in ("Zephyrine", "quiet room", "scared"):
        assert content not in stored


def test_reading_a_concern_is_logged_once_against_its_learner(client, learner, dsl):
    concern = make_concern(learner, raised_by=dsl)
    client.force_login(dsl)
    assert client.get(reverse("monitoring:concern_detail", args=[concern.pk])).status_code == 200
    row = AccessLog.objects.get(what=Read.CONCERN)
    assert (row.user, row.learner, row.subject_type, row.subject_id) == (
        dsl,
        learner,
        "monitoring.safeguardingconcern",
        concern.pk,
    )
    # The concern's own "Read by" table keeps its read too: one read, one row in each.
    assert concern.reads.count() == 1


def test_opening_an_evidence_file_is_logged(client, school, dsl, tmp_path, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    provider = approved_provider(school, dsl, date.today())
    item = provider.evidence_items.first()
    item.file = FileSystemStorage(location=tmp_path).save(
        "evidence/x.pdf", SimpleUploadedFile("x.pdf", b"%PDF-1.4\n", content_type="application/pdf")
    )
    item.save()
    client.force_login(dsl)
    response = client.get(reverse("placements:evidence_file", args=[item.pk]))
    assert response.status_code == 200
    row = AccessLog.objects.get(what=Read.EVIDENCE_FILE)
    assert (row.user, row.school, row.subject_id, row.learner) == (dsl, school, item.pk, None)


def test_downloading_an_attendance_export_is_logged_with_its_name(client, school, admin_assistant):
    client.force_login(admin_assistant)
    response = client.get(reverse("attendance:export_marks"), {"start": "2026-09-07", "end": "2026-09-11"})
    assert response.status_code == 200
    b"".join(response.streaming_content)
    row = AccessLog.objects.get(what=Read.EXPORT)
    assert row.user == admin_assistant
    assert row.detail.endswith(".csv")


def test_a_refused_read_is_not_logged(client, learner, finance, other_head):
    for user in (finance, other_head):
        client.force_login(user)
        assert client.get(reverse("placements:learner_detail", args=[learner.pk])).status_code in (403, 404)
    assert not AccessLog.objects.exists()


def test_log_rows_cannot_be_changed_or_deleted(learner, head):
    row = record_read(user=head, school=learner.school, what=Read.LEARNER, learner=learner)
    row.what = Read.PASSPORT
    with pytest.raises(AppendOnly):
        row.save()
    with pytest.raises(AppendOnly):
        row.delete()
    with pytest.raises(AppendOnly):
        AccessLog.objects.filter(pk=row.pk).update(what=Read.PASSPORT)
    with pytest.raises(AppendOnly):
        AccessLog.objects.all().delete()
    with pytest.raises(AppendOnly):
        AccessLog.objects.bulk_update([row], ["what"])
    row.refresh_from_db()
    assert row.what == Read.LEARNER


def test_the_admin_shows_the_log_read_only(admin_client, learner, head):
    record_read(user=head, school=learner.school, what=Read.LEARNER, learner=learner)
    assert admin_client.get(reverse("admin:placements_accesslog_changelist")).status_code == 200
    row = AccessLog.objects.get()
    assert admin_client.get(reverse("admin:placements_accesslog_add")).status_code == 403
    assert admin_client.post(reverse("admin:placements_accesslog_delete", args=[row.pk])).status_code == 403
    assert AccessLog.objects.count() == 1


def test_record_read_refuses_an_unknown_kind(learner, head):
    with pytest.raises(ValueError, match="Unknown kind"):
        record_read(user=head, school=learner.school, what="gossip", learner=learner)


def test_a_disposal_is_recorded_without_content_and_cannot_be_undone(school, head):
    closure = SchoolClosureFactory(school=school)
    pk = closure.pk
    disposal = record_disposal(record=closure, school=school, by=head, reason="Past its retention period")
    assert not type(closure).objects.filter(pk=pk).exists()
    assert (disposal.record_type, disposal.record_id, disposal.by) == (
        "placements.schoolclosure",
        pk,
        head,
    )
    with pytest.raises(AppendOnly):
        DisposalRecord.objects.all().delete()
    with pytest.raises(ValueError, match="reason"):
        record_disposal(record=SchoolClosureFactory(school=school), school=school, by=head, reason=" ")


# The page: "Who has opened this record".


def test_head_and_dsl_see_who_opened_the_record_newest_first(client, learner, head, dsl, sendco):
    record_read(
        user=sendco,
        school=learner.school,
        what=Read.PASSPORT,
        learner=learner,
        now=datetime(2026, 11, 3, 9, 15, tzinfo=UTC),
    )
    record_read(
        user=head,
        school=learner.school,
        what=Read.LEARNER,
        learner=learner,
        now=datetime(2026, 11, 4, 14, 0, tzinfo=UTC),
    )
    client.force_login(dsl)
    response = client.get(reverse("placements:learner_access_log", args=[learner.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("Helen Head") < page.index("Sunil Sendco")
    assert "Tuesday 3 November 2026" in page
    assert "Learner record with passport and SEN detail" in page


def test_the_learner_page_links_the_access_log_for_the_head_and_dsl_only(client, learner, head, dsl, slt):
    url = reverse("placements:learner_access_log", args=[learner.pk])
    for user, shown in ((head, True), (dsl, True), (slt, False)):
        client.force_login(user)
        page = client.get(reverse("placements:learner_detail", args=[learner.pk])).content.decode()
        assert (url in page) is shown


@pytest.mark.parametrize("role", [Role.SLT, Role.PASTORAL, Role.SENDCO, Role.ADMIN, Role.EXAMS])
def test_other_roles_are_refused_the_access_log(client, learner, school, role):
    client.force_login(staff(school, role))
    assert client.get(reverse("placements:learner_access_log", args=[learner.pk])).status_code == 403


def test_another_schools_learner_access_log_answers_404(client, learner, other_head):
    client.force_login(other_head)
    assert client.get(reverse("placements:learner_access_log", args=[learner.pk])).status_code == 404


def test_access_log_page_queries_do_not_grow_with_rows(
    client, learner, school, dsl, django_assert_max_num_queries
):
    readers = [staff(school, Role.PASTORAL) for _ in range(5)]
    for reader in readers:
        for what in (Read.LEARNER, Read.PASSPORT):
            record_read(user=reader, school=school, what=what, learner=learner)
    other = LearnerFactory(school=school)
    record_read(user=dsl, school=school, what=Read.LEARNER, learner=other)
    client.force_login(dsl)
    # session, user, memberships (school switcher and roles), the learner, the log with its readers,
    # the insert of this read, plus what base.html shows (notification count, needs-doing): at most 12.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("placements:learner_access_log", args=[learner.pk]))
    assert response.content.decode().count("<tr>") == 1 + 10
