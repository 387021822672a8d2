"""Everything the school holds about one learner, for a subject access request (UK GDPR Article 15).

The head or the DSL downloads one ZIP: the learner's record as a PDF, the
monitoring record (visits, termly reviews, incidents, review meetings,
decisions and actions) as a PDF, safeguarding concerns as their own PDF for
those who may read them, the stored signed agreements and contracts, and
CSVs of placements, attendance marks, attendance follow-up and the access
log. Every field a record holds is written out, so a field added later is
in the export without anyone remembering to add it.

The export is what the school holds, not what it must disclose: the ICO's
guidance and the Data Protection Act 2018 (Schedule 2 Part 3, Schedule 3
Part 2) let the school withhold third-party information and information
likely to cause serious harm, and child-protection records are the DSL's to
review before anything leaves the school. The README.txt in the ZIP says so.

Building it is a read of everything, so it is recorded in the access log.
"""

import csv
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Model
from django.utils import timezone

from altprov.history import COST_FIELDS
from altprov.pdf import render_pdf
from altprov.roles import has_perm
from attendance.models import AttendanceMark, Intervention, ParentContact
from placements.access_log import reads_of, record_read
from placements.models import Agreement, Learner, ParentContract, Placement, Read

from .models import (
    Action,
    AgreementReview,
    CeaseDecision,
    Incident,
    ReviewMeeting,
    SafeguardingConcern,
    TermlyReview,
    Visit,
)

# Machinery, not information about the learner: claims, drafts, link bookkeeping and ids.
SKIPPED_FIELDS = frozenset({"id", "school", "claim", "draft", "learner"})


@dataclass
class Section:
    title: str
    records: list[list[tuple[str, str]]] = field(default_factory=list)


def _shown(obj: Model, f) -> str:
    value = getattr(obj, f.name)
    if value is None or value == "":
        return "–"
    if f.choices:
        return str(getattr(obj, f"get_{f.name}_display")())
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return (
            f"{timezone.localtime(value):%d/%m/%Y %H:%M}"
            if timezone.is_aware(value)
            else f"{value:%d/%m/%Y %H:%M}"
        )
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if hasattr(value, "name") and hasattr(value, "storage"):
        return value.name.rsplit("/", 1)[-1]
    return str(value)


def fields_of(obj: Model, *, skip: Iterable[str] = ()) -> list[tuple[str, str]]:
    """Every stored field of `obj` as (label, value), as a person reads it."""
    skipped = SKIPPED_FIELDS | set(skip)
    rows = []
    for f in obj._meta.concrete_fields:
        if f.name in skipped:
            continue
        label = str(f.verbose_name)
        rows.append((label[:1].upper() + label[1:], _shown(obj, f)))
    return rows


def _section(title: str, objects: Iterable[Model], *, skip: Iterable[str] = ()) -> Section:
    return Section(title, [fields_of(obj, skip=skip) for obj in objects])


def _csv(header: list[str], rows: Iterable[Iterable]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    # A byte-order mark so that Excel reads the names' accents right.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _pdf(school, learner: Learner, heading: str, sections: list[Section]) -> bytes:
    return render_pdf(
        "pdf/subject_access.html",
        {"school": school, "learner": learner, "heading": heading, "sections": sections},
    )


README = """Everything altprov holds about {learner} at {school}, exported on {when} by {by}.

learner.pdf                 the learner's record and contacts
placements.csv              every placement, with its status and dates
attendance-marks.csv        every attendance mark at a provider
monitoring.pdf              visits, termly reviews, incidents, review meetings, decisions and actions
attendance-follow-up.pdf    interventions and contacts with parents about attendance
safeguarding-concerns.pdf   the safeguarding log (only when exported by the DSL or the head)
documents/                  the signed agreements and parent/carer contracts, as stored
access-log.csv              who opened this learner's record, and when

Before anything is disclosed, the DSL and the data protection officer review
it: third-party information and information likely to cause serious harm may
be withheld (Data Protection Act 2018, Schedule 2 Part 3 and Schedule 3 Part 2).
"""

MISSING_FILE = (
    "The stored file of this signed document could not be read: ask the head teacher to check it.\n"
)


def subject_access_zip(*, learner: Learner, user, now: datetime | None = None) -> bytes:
    """The ZIP of everything held about `learner`; the export is logged as a read."""
    now = now or timezone.now()
    school = learner.school
    record_read(user=user, school=learner.school_id, what=Read.SUBJECT_ACCESS, learner=learner, now=now)
    placements = list(
        Placement.objects.filter(learner=learner)
        .select_related("provider", "site")
        .order_by("start_date", "pk")
    )
    of_learner = {"placement__learner": learner}
    # The placement's cost is the school's contract, shown only to roles that see costs.
    hidden_costs = () if has_perm(user, learner.school_id, "placement.cost.view") else COST_FIELDS
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt",
            README.format(
                learner=learner,
                school=school,
                when=f"{timezone.localtime(now):%d/%m/%Y %H:%M}",
                by=user.get_full_name() or user.get_username(),
            ),
        )
        archive.writestr(
            "learner.pdf",
            _pdf(
                school,
                learner,
                f"Learner record: {learner}",
                [
                    Section("Learner", [fields_of(learner)]),
                    _section("Parents, carers and emergency contacts", learner.contacts.all()),
                ],
            ),
        )
        archive.writestr(
            "placements.csv",
            _csv(
                ["Placement", "Provider", "Site", "Status", "Start", "Target end", "End"],
                (
                    [
                        p.pk,
                        p.provider,
                        p.site.name,
                        p.get_status_display(),
                        p.start_date,
                        p.target_end_date,
                        p.end_date or "",
                    ]
                    for p in placements
                ),
            ),
        )
        marks = (
            AttendanceMark.objects.filter(**of_learner)
            .select_related("placement__provider", "entered_by")
            .order_by("date", "session")
        )
        archive.writestr(
            "attendance-marks.csv",
            _csv(
                [
                    "Date",
                    "Session",
                    "Provider",
                    "Status",
                    "Code",
                    "Minutes late",
                    "Note",
                    "Source",
                    "Entered by",
                ],
                (
                    [
                        m.date,
                        m.get_session_display(),
                        m.placement.provider,
                        m.get_status_display(),
                        m.code,
                        m.late_minutes or "",
                        m.note,
                        m.get_source_display(),
                        m.entered_by or "",
                    ]
                    for m in marks
                ),
            ),
        )
        monitoring = [_section(f"Placement at {p.provider}", [p], skip=hidden_costs) for p in placements] + [
            _section("Visits", Visit.objects.filter(**of_learner).order_by("visited_on", "pk")),
            _section(
                "Termly reviews", TermlyReview.objects.filter(**of_learner).order_by("due_date", "version")
            ),
            _section("Serious incidents", Incident.objects.filter(**of_learner).order_by("pk")),
            _section("Review meetings", ReviewMeeting.objects.filter(**of_learner).order_by("pk")),
            _section(
                "Decisions on ceasing a placement", CeaseDecision.objects.filter(**of_learner).order_by("pk")
            ),
            _section("Agreement reviews", AgreementReview.objects.filter(**of_learner).order_by("pk")),
            _section("Actions", Action.objects.filter(**of_learner).order_by("pk")),
        ]
        archive.writestr("monitoring.pdf", _pdf(school, learner, f"Monitoring record: {learner}", monitoring))
        archive.writestr(
            "attendance-follow-up.pdf",
            _pdf(
                school,
                learner,
                f"Attendance follow-up: {learner}",
                [
                    _section("Interventions", Intervention.objects.filter(learner=learner).order_by("pk")),
                    _section(
                        "Contacts with parents and carers",
                        ParentContact.objects.filter(learner=learner).order_by("pk"),
                    ),
                ],
            ),
        )
        if has_perm(user, learner.school_id, "concern.read"):
            concerns = []
            for concern in SafeguardingConcern.objects.filter(learner=learner).order_by("raised_at", "pk"):
                concerns.append(
                    _section(f"Concern raised {timezone.localtime(concern.raised_at):%d/%m/%Y}", [concern])
                )
                concerns.append(_section("Chronology", concern.entries.order_by("pk"), skip=("concern",)))
                concerns.append(_section("Files held", concern.attachments.order_by("pk"), skip=("concern",)))
            archive.writestr(
                "safeguarding-concerns.pdf",
                _pdf(school, learner, f"Safeguarding concerns: {learner}", concerns),
            )
        for model in (Agreement, ParentContract):
            for document in model.objects.filter(placement__in=placements).exclude(pdf="").order_by("pk"):
                name = f"{model._meta.model_name}-placement-{document.placement_id}-v{document.version}.pdf"
                try:
                    with document.pdf.open("rb") as stored:
                        archive.writestr(f"documents/{name}", stored.read())
                except OSError:
                    # The export still goes out, saying what is missing (the nightly hash check flags it).
                    archive.writestr(f"documents/{name}.missing.txt", MISSING_FILE)
        archive.writestr(
            "access-log.csv",
            _csv(
                ["When", "Who", "What they opened", "Detail"],
                (
                    [
                        f"{timezone.localtime(r.at):%d/%m/%Y %H:%M}",
                        r.user.get_full_name() or r.user.get_username(),
                        r.get_what_display(),
                        r.detail,
                    ]
                    for r in reads_of(learner)
                ),
            ),
        )
    return buffer.getvalue()


def zip_name(learner: Learner, today: date) -> str:
    return f"subject-access-{learner.upn or learner.pk}-{today:%Y-%m-%d}.zip"
