"""Recording marks: from the provider's link, a phone call, an email or staff.

A mark is created once per placement, date and session (a unique
constraint, so a double click or two concurrent submissions store one).
A different value later is an amendment that keeps the old one.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.urls import reverse

from altprov.models import Role, School
from altprov.notifications import notify, staff_with_role
from altprov.templatetags.altprov_tags import date_words
from placements.models import Arrangement, Placement

from .codes import CODES, NOT_YET_PROVIDED, attended_code
from .models import AttendanceMark, MarkAmendment, MarkStatus, Source
from .summary import refresh_summary

PROVIDER_CORRECTION = "corrected by provider"


@dataclass
class MarkInput:
    placement: Placement
    day: date
    session: str
    status: str
    code: str = ""
    late_minutes: int | None = None
    note: str = ""
    # "All present" fills in unmarked sessions only: if someone marked the
    # session meanwhile (a phone call), that mark stands.
    only_if_new: bool = False


@dataclass
class RecordResult:
    created: list[AttendanceMark] = field(default_factory=list)
    amended: list[MarkAmendment] = field(default_factory=list)


def code_for(entry: MarkInput) -> str:
    # Dual registration (2024 regulations): every session the learner is due at
    # the other school is D here, present or not; that school records the
    # absence. The provider's report is kept in the mark's status and note.
    if (
        entry.status in (MarkStatus.PRESENT, MarkStatus.LATE)
        or entry.placement.arrangement == Arrangement.DUAL
    ):
        return attended_code(entry.placement.arrangement)
    return entry.code


def dual_absence_reason_for(entry: MarkInput) -> str:
    """For a dual-registered absence, the reason given (the register says D): the rules decide by it."""
    if entry.status == MarkStatus.ABSENT and entry.placement.arrangement == Arrangement.DUAL:
        return entry.code or NOT_YET_PROVIDED
    return ""


REPORTED = re.compile(r"^Absence reported: [A-Z][0-9]? – [^.]*\.? ?")


def _note_for(entry: MarkInput) -> str:
    """For dual registration the reason is not the register code: the note says it too, for people."""
    reason_code = dual_absence_reason_for(entry)
    if not reason_code:
        return entry.note
    reason = f"Absence reported: {reason_code} – {CODES[reason_code].meaning}"
    if entry.note.startswith(reason):
        return entry.note
    # A changed reason replaces the one the note said before.
    rest = REPORTED.sub("", entry.note)
    return f"{reason}. {rest}" if rest else reason


def mark_values(mark_or_entry) -> tuple:
    """What a mark says, or what an entry would make it say: equal values need no amendment."""
    if isinstance(mark_or_entry, MarkInput):
        late = mark_or_entry.late_minutes if mark_or_entry.status == MarkStatus.LATE else None
        return (
            mark_or_entry.status,
            code_for(mark_or_entry),
            late,
            _note_for(mark_or_entry),
            dual_absence_reason_for(mark_or_entry),
        )
    return (
        mark_or_entry.status,
        mark_or_entry.code,
        mark_or_entry.late_minutes,
        mark_or_entry.note,
        mark_or_entry.dual_absence_reason,
    )


def amend_mark(
    *, mark: AttendanceMark, entry: MarkInput, reason: str, by=None, source: str = Source.STAFF
) -> MarkAmendment | None:
    """Change a mark, keeping the old value, the reason, who, how and when.

    Without `by` the provider corrected it through its link, whatever `source` says.
    """
    with transaction.atomic():
        amendment = _amend(mark=mark, entry=entry, reason=reason, by=by, source=source)
        if amendment:
            refresh_summary(placement_ids=[mark.placement_id], weeks=[mark.date])
    return amendment


def _amend(*, mark: AttendanceMark, entry: MarkInput, reason: str, by, source: str) -> MarkAmendment | None:
    old, new = mark_values(mark), mark_values(entry)
    if old == new:
        return None
    amendment = MarkAmendment.objects.create(
        mark=mark,
        by=by,
        by_provider=by is None,
        source=Source.PROVIDER_LINK if by is None else source,
        reason=reason,
        old_status=old[0],
        old_code=old[1],
        old_late_minutes=old[2],
        old_note=old[3],
        new_status=new[0],
        new_code=new[1],
        new_late_minutes=new[2],
        new_note=new[3],
    )
    mark.status, mark.code, mark.late_minutes, mark.note, mark.dual_absence_reason = new
    mark.save(update_fields=["status", "code", "late_minutes", "note", "dual_absence_reason"])
    return amendment


def record_marks(
    *,
    school: School,
    entries: Iterable[MarkInput],
    source: str,
    by=None,
    extra: bool = False,
    reason: str = "",
) -> RecordResult:
    """Store marks; an existing mark with another value is amended (provider: 'corrected by provider')."""
    entries = list(entries)
    result = RecordResult()
    if not entries:
        return result
    if source != Source.PROVIDER_LINK and by is None:
        raise ValueError("Staff-entered marks record who entered them.")
    with transaction.atomic():
        keys = {(e.placement.pk, e.day, e.session) for e in entries}
        placement_ids = {k[0] for k in keys}
        days = {k[1] for k in keys}
        before = {
            (m.placement_id, m.date, m.session)
            for m in AttendanceMark.objects.filter(placement_id__in=placement_ids, date__in=days)
        }
        new_marks = [
            AttendanceMark(
                placement=e.placement,
                school=school,
                date=e.day,
                session=e.session,
                status=e.status,
                code=code_for(e),
                late_minutes=e.late_minutes if e.status == MarkStatus.LATE else None,
                note=_note_for(e),
                dual_absence_reason=dual_absence_reason_for(e),
                source=source,
                entered_by=by,
                is_extra=extra,
            )
            for e in entries
            if (e.placement.pk, e.day, e.session) not in before
        ]
        AttendanceMark.objects.bulk_create(new_marks, ignore_conflicts=True)
        stored = {
            (m.placement_id, m.date, m.session): m
            for m in AttendanceMark.objects.select_for_update()
            .filter(placement_id__in=placement_ids, date__in=days)
            .select_related("placement__learner")
        }
        for e in entries:
            mark = stored[(e.placement.pk, e.day, e.session)]
            if (e.placement.pk, e.day, e.session) not in before and mark_values(mark) == mark_values(e):
                result.created.append(mark)
                continue
            if e.only_if_new:
                continue
            if source != Source.PROVIDER_LINK and not reason:
                raise ValueError("A staff change to an existing mark needs a reason.")
            amendment = _amend(mark=mark, entry=e, reason=reason or PROVIDER_CORRECTION, by=by, source=source)
            if amendment:
                result.amended.append(amendment)
        # bulk_create (with ignore_conflicts, for two submissions at once) writes no history;
        # the marks this call created get their "Created" row here. Amendments save() and get theirs.
        AttendanceMark.history.bulk_history_create(result.created, default_user=by)
        refresh_summary(placement_ids=placement_ids, weeks=days)
        _after_recording(school, result, source=source)
    return result


def _after_recording(school: School, result: RecordResult, *, source: str) -> None:
    from .missing import resolve_complete_flags

    touched = {(m.placement.provider_id, m.date) for m in result.created}
    touched |= {(a.mark.placement.provider_id, a.mark.date) for a in result.amended}
    for provider_id, day in touched:
        resolve_complete_flags(school_id=school.pk, provider_id=provider_id, day=day)
    marks = result.created + [a.mark for a in result.amended]
    alert_dsl_for_unexplained(school, [m for m in marks if m.is_unexplained])
    if source == Source.PROVIDER_LINK:
        for amendment in result.amended:
            mark = amendment.mark
            notify(
                users=staff_with_role(school, Role.ADMIN),
                school=school,
                key=f"amendment:{amendment.pk}",
                subject=(
                    f"{mark.placement.provider} corrected {mark.placement.learner}'s mark for "
                    f"{date_words(mark.date)} {mark.session}"
                ),
                template="attendance/email/provider_correction.txt",
                context={"amendment": amendment, "mark": mark},
                url=f"{reverse('attendance:today')}?day={mark.date.isoformat()}",
            )


def is_vulnerable(learner) -> bool:
    """The DSL is told at once about these learners (DESIGN.md: escalation)."""
    return learner.looked_after or learner.has_social_worker or learner.safeguarding_flag


def why_vulnerable(learner) -> list[str]:
    """For the DSL's eyes only: safeguarding detail."""
    reasons = []
    if learner.looked_after:
        reasons.append("looked-after")
    if learner.has_social_worker:
        reasons.append("has a social worker")
    if learner.safeguarding_flag:
        reasons.append("safeguarding flag")
    return reasons


def alert_dsl_for_unexplained(school: School, marks: list[AttendanceMark]) -> None:
    """Tell the DSL about each absence with no reason known of a vulnerable learner, once per mark.

    Decided by the absence's reason, whatever the arrangement: a dual-registered
    absence is D on the register but still unexplained.
    """
    for mark in marks:
        if not mark.is_unexplained:
            continue
        learner = mark.placement.learner
        if not is_vulnerable(learner):
            continue
        notify(
            users=staff_with_role(school, Role.DSL),
            school=school,
            key=f"dsl:absence:{mark.pk}",
            subject=(
                f"Absent without a reason: {learner} at {mark.placement.provider}, "
                f"{date_words(mark.date)} {mark.session}. Check where they are"
            ),
            template="attendance/email/dsl_absence.txt",
            context={
                "mark": mark,
                "learner": learner,
                "provider": mark.placement.provider,
                "why": why_vulnerable(learner),
            },
            url=(
                reverse("attendance:learner_attendance", args=[learner.pk])
                + f"?day={mark.date.isoformat()}&session={mark.session}"
                + f"#d-{mark.date.isoformat()}-{mark.session}"
            ),
        )
