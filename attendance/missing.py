"""Missing-report flags: a monitor waiting for each provider's heartbeat.

Each provider-day-session moves expected -> due (after the school's cut-off)
-> missing (flag raised, admin assistants told) -> escalated (pastoral lead,
after the same delay again) -> resolved (the marks arrive, or staff record a
reason). The DSL is told at once when an unreported learner is looked-after,
has a social worker or carries a safeguarding flag. All times are the
school's local time (Europe/London), so the clock changes move nothing.
"""

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from altprov.models import Flag, FlagKind, FlagStage, Role, School
from altprov.notifications import notify, staff_with_role
from placements.models import Learner, Placement, Provider

from .expected import expected_sessions
from .models import AttendanceMark
from .recording import is_vulnerable


def flag_key(school_id: int, provider_id: int, day: date, session: str) -> str:
    return f"missing:{school_id}:{provider_id}:{day.isoformat()}:{session}"


def _later(at: time, delay: timedelta) -> time:
    return (datetime.combine(date(2000, 1, 3), at) + delay).time()


def cutoffs(school: School) -> dict[str, tuple[time, time]]:
    """Per session: when it is due, and when an open flag escalates."""
    delay = datetime.combine(date(2000, 1, 3), school.escalation_time) - datetime.combine(
        date(2000, 1, 3), school.report_cutoff
    )
    return {
        "AM": (school.report_cutoff, school.escalation_time),
        "PM": (school.pm_report_cutoff, _later(school.pm_report_cutoff, delay)),
    }


def unmarked_today(schools: list[School], day: date) -> dict[tuple[int, int, str], list[int]]:
    """(school, provider, session) -> placement ids expected that day and not yet marked."""
    placements = Placement.objects.filter(school__in=schools)
    expected = expected_sessions(day, day, placements=placements)
    if not expected:
        return {}
    marked = set(
        AttendanceMark.objects.filter(
            date=day, placement_id__in={e.placement_id for e in expected}
        ).values_list("placement_id", "session")
    )
    missing = defaultdict(list)
    for e in expected:
        if (e.placement_id, e.session) not in marked:
            missing[(e.school_id, e.provider_id, e.session)].append(e.placement_id)
    return missing


def check_missing_reports(*, now: datetime | None = None) -> dict[str, int]:
    """Raise, escalate and resolve today's missing-report flags. Safe to run any time, twice, or at once."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    day, clock = local.date(), local.time()
    summary = {"raised": 0, "escalated": 0, "resolved": 0, "dsl_alerts": 0}
    schools = [s for s in School.objects.all() if clock >= s.report_cutoff]
    if day.weekday() > 4 or not schools:
        return summary
    by_pk = {s.pk: s for s in schools}
    missing = unmarked_today(schools, day)

    for (school_id, provider_id, session), placement_ids in missing.items():
        school = by_pk[school_id]
        due, _ = cutoffs(school)[session]
        if clock < due:
            continue
        flag, created = Flag.objects.get_or_create(
            key=flag_key(school_id, provider_id, day, session),
            defaults={
                "kind": FlagKind.MISSING_REPORT,
                "school": school,
                "provider_id": provider_id,
                "day": day,
                "session": session,
                "raised_at": now,
            },
        )
        if created:
            summary["raised"] += 1
            _tell(flag, Role.ADMIN, "raised", placement_ids)
        if flag.resolved_at is None and _alert_dsl(flag, placement_ids, now):
            summary["dsl_alerts"] += 1

    summary["resolved"] = resolve_complete_flags(school_ids=list(by_pk), day=day)
    for flag in Flag.objects.open().filter(
        kind=FlagKind.MISSING_REPORT, day=day, stage=FlagStage.RAISED, school_id__in=by_pk
    ):
        _, escalate_at = cutoffs(by_pk[flag.school_id])[flag.session]
        if clock < escalate_at:
            continue
        # Claim the escalation: only the worker whose update wins sends it.
        claimed = Flag.objects.filter(pk=flag.pk, stage=FlagStage.RAISED, resolved_at__isnull=True).update(
            stage=FlagStage.ESCALATED, escalated_at=now
        )
        if claimed:
            summary["escalated"] += 1
            _tell(
                flag,
                Role.PASTORAL,
                "escalated",
                missing.get((flag.school_id, flag.provider_id, flag.session), []),
            )
    return summary


def _tell(flag: Flag, role: str, stage: str, placement_ids: list[int]) -> None:
    provider = Provider.objects.only("name", "attendance_contact_name", "attendance_contact_phone").get(
        pk=flag.provider_id
    )
    verb = "has not reported" if stage == "raised" else "still has not reported"
    notify(
        users=staff_with_role(flag.school, role),
        school=flag.school,
        key=f"flag:{flag.pk}:{stage}",
        subject=f"{provider.name} {verb} {flag.session} attendance for {flag.day:%d/%m/%Y}",
        template="attendance/email/missing_report.txt",
        context={"flag": flag, "provider": provider, "count": len(placement_ids), "stage": stage},
        url=reverse("attendance:today"),
    )


def _alert_dsl(flag: Flag, placement_ids: list[int], now: datetime) -> bool:
    learners = [
        learner
        for learner in Learner.objects.filter(placements__pk__in=placement_ids).distinct()
        if is_vulnerable(learner)
    ]
    if not learners:
        return False
    claimed = Flag.objects.filter(pk=flag.pk, dsl_alerted_at__isnull=True).update(dsl_alerted_at=now)
    if not claimed:
        return False
    notify(
        users=staff_with_role(flag.school, Role.DSL),
        school=flag.school,
        key=f"flag:{flag.pk}:dsl",
        subject=f"Unreported vulnerable learner(s): {flag.day:%d/%m/%Y} {flag.session}",
        template="attendance/email/dsl_unreported.txt",
        context={"flag": flag, "learners": learners},
        url=reverse("attendance:today"),
    )
    return True


def resolve_complete_flags(
    *,
    day: date,
    school_id: int | None = None,
    school_ids: list[int] | None = None,
    provider_id: int | None = None,
    resolution: str = "Marks arrived",
) -> int:
    """Resolve open flags whose sessions now all have marks (or are no longer expected)."""
    flags = Flag.objects.open().filter(kind=FlagKind.MISSING_REPORT, day=day)
    if school_id is not None:
        flags = flags.filter(school_id=school_id)
    if school_ids is not None:
        flags = flags.filter(school_id__in=school_ids)
    if provider_id is not None:
        flags = flags.filter(provider_id=provider_id)
    flags = list(flags.select_related("school"))
    if not flags:
        return 0
    still = unmarked_today(list({f.school for f in flags}), day)
    resolved = 0
    now = timezone.now()
    for flag in flags:
        if (flag.school_id, flag.provider_id, flag.session) not in still:
            resolved += Flag.objects.filter(pk=flag.pk, resolved_at__isnull=True).update(
                resolved_at=now, resolution=resolution
            )
    return resolved


@transaction.atomic
def close_flag(*, flag: Flag, by, reason: str) -> None:
    Flag.objects.filter(pk=flag.pk, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=by, resolution=reason
    )
