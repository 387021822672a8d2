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
from altprov.notifications import Notice, notify_all, staff_with_role
from placements.models import Learner, Placement, Provider
from placements.schedule import expected_sessions

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


class _Messenger:
    """Tells staff about flags, loading each school's staff and each provider once per run."""

    def __init__(self, provider_ids):
        self.providers = Provider.objects.only(
            "name", "attendance_contact_name", "attendance_contact_phone"
        ).in_bulk(provider_ids)
        self.staff: dict[tuple[int, str], list] = {}
        self.notices: list[Notice] = []

    def users(self, school: School, role: str) -> list:
        if (school.pk, role) not in self.staff:
            self.staff[(school.pk, role)] = list(staff_with_role(school, role))
        return self.staff[(school.pk, role)]

    def tell(self, flag: Flag, school: School, role: str, stage: str, count: int) -> None:
        provider = self.providers[flag.provider_id]
        verb = "has not reported" if stage == "raised" else "still has not reported"
        self.notices.append(
            Notice(
                users=self.users(school, role),
                school=school,
                key=f"flag:{flag.pk}:{stage}",
                subject=f"{provider.name} {verb} {flag.session} attendance for {flag.day:%d/%m/%Y}",
                template="attendance/email/missing_report.txt",
                context={"flag": flag, "provider": provider, "count": count, "stage": stage},
                url=reverse("attendance:today"),
            )
        )

    def alert_dsl(self, flag: Flag, school: School, learners: list) -> None:
        self.notices.append(
            Notice(
                users=self.users(school, Role.DSL),
                school=school,
                key=f"flag:{flag.pk}:dsl",
                subject=f"Unreported vulnerable learner(s): {flag.day:%d/%m/%Y} {flag.session}",
                template="attendance/email/dsl_unreported.txt",
                context={"flag": flag, "learners": learners},
                url=reverse("attendance:today"),
            )
        )

    def send(self) -> None:
        notify_all(self.notices)
        self.notices = []


def check_missing_reports(*, now: datetime | None = None) -> dict[str, int]:
    """Raise, escalate and resolve today's missing-report flags. Safe to run any time, twice, or at once.

    Its queries do not grow with the number of providers, except one insert
    per new flag and one per message.
    """
    now = now or timezone.now()
    local = timezone.localtime(now)
    day, clock = local.date(), local.time()
    summary = {"raised": 0, "escalated": 0, "resolved": 0, "dsl_alerts": 0}
    schools = [s for s in School.objects.all() if clock >= s.report_cutoff]
    if day.weekday() > 4 or not schools:
        return summary
    by_pk = {s.pk: s for s in schools}
    missing = {
        key: ids
        for key, ids in unmarked_today(schools, day).items()
        if clock >= cutoffs(by_pk[key[0]])[key[2]][0]
    }
    messenger = _Messenger({provider_id for _, provider_id, _ in missing})

    # Raise: insert the flags not there yet; a unique key makes a second
    # worker's insert a no-op, and only flags new to this run are announced.
    keys = {
        flag_key(school_id, provider_id, day, session): (school_id, provider_id, session)
        for school_id, provider_id, session in missing
    }
    before = set(Flag.objects.filter(key__in=keys).values_list("key", flat=True))
    Flag.objects.bulk_create(
        [
            Flag(
                kind=FlagKind.MISSING_REPORT,
                key=key,
                school_id=school_id,
                provider_id=provider_id,
                day=day,
                session=session,
                raised_at=now,
            )
            for key, (school_id, provider_id, session) in keys.items()
            if key not in before
        ],
        ignore_conflicts=True,
    )
    flags = {f.key: f for f in Flag.objects.filter(key__in=keys)}
    vulnerable = _vulnerable_learners({pk for ids in missing.values() for pk in ids})
    for key, (school_id, provider_id, session) in keys.items():
        flag, school = flags[key], by_pk[school_id]
        placement_ids = missing[(school_id, provider_id, session)]
        if key not in before:
            summary["raised"] += 1
            messenger.tell(flag, school, Role.ADMIN, "raised", len(placement_ids))
        learners = [vulnerable[pk] for pk in placement_ids if pk in vulnerable]
        # Claimed first, so only one worker alerts the DSL.
        if (
            learners
            and flag.resolved_at is None
            and flag.dsl_alerted_at is None
            and Flag.objects.filter(pk=flag.pk, dsl_alerted_at__isnull=True).update(dsl_alerted_at=now)
        ):
            summary["dsl_alerts"] += 1
            messenger.alert_dsl(flag, school, learners)

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
            if flag.provider_id not in messenger.providers:
                messenger.providers.update(Provider.objects.in_bulk([flag.provider_id]))
            count = len(missing.get((flag.school_id, flag.provider_id, flag.session), []))
            messenger.tell(flag, by_pk[flag.school_id], Role.PASTORAL, "escalated", count)
    messenger.send()
    return summary


def _vulnerable_learners(placement_ids) -> dict[int, Learner]:
    """Placement id -> its learner, for learners the DSL is told about at once."""
    found = {}
    for placement in Placement.objects.filter(pk__in=placement_ids).select_related("learner"):
        if is_vulnerable(placement.learner):
            found[placement.pk] = placement.learner
    return found


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
