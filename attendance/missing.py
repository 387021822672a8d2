"""Missing-report flags: a monitor waiting for each provider's heartbeat.

Each provider-day-session moves expected -> due (after the school's cut-off)
-> missing (flag raised, admin assistants told) -> escalated (pastoral lead,
at the school's escalation time) -> resolved (the marks arrive, the provider
reports it is closed, or staff record a reason). The DSL is told at once
when an unreported learner is looked-after, has a social worker or carries
a safeguarding flag. All times are the school's local time (Europe/London),
so the clock changes move nothing. The flags themselves are altprov.flags';
this module decides when and what to say.
"""

from collections import defaultdict
from datetime import date, datetime, time

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from altprov import flags
from altprov.models import Flag, Role, School
from altprov.notifications import Notice, staff_with_role
from altprov.templatetags.altprov_tags import date_words
from placements.models import Learner, Placement, Provider
from placements.schedule import expected_sessions

from .models import AttendanceMark, MissingReport
from .recording import is_vulnerable

MISSING_REPORT = flags.register(
    flags.FlagKind(
        name="missing_report",
        label="Attendance not reported",
        roles=(Role.ADMIN,),
        # Escalated, it is the pastoral lead's to chase and on the head's list too.
        escalate_to=(Role.PASTORAL, Role.HEAD),
    )
)
AUDIENCE = {Role.ADMIN: "the admin assistants", Role.PASTORAL: "the pastoral team", Role.DSL: "the DSL"}


def flag_key(school_id: int, provider_id: int, day: date, session: str) -> str:
    return f"missing:{school_id}:{provider_id}:{day.isoformat()}:{session}"


def cutoffs(school: School) -> dict[str, tuple[time, time]]:
    """Per session: when it is due, and when an open flag escalates (each the school's own setting)."""
    return {
        "AM": (school.report_cutoff, school.escalation_time),
        "PM": (school.pm_report_cutoff, school.pm_escalation_time),
    }


def _at(day: date, clock: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock))


def today_url(day: date) -> str:
    return f"{reverse('attendance:today')}?day={day.isoformat()}"


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
    """Tells staff about flags, loading each school's staff once per run."""

    def __init__(self, providers: dict[int, Provider]):
        self.providers = providers
        self.staff: dict[tuple[int, str], list] = {}
        self.tellings: list[flags.Telling] = []

    def users(self, school: School, role: str) -> list:
        if (school.pk, role) not in self.staff:
            self.staff[(school.pk, role)] = list(staff_with_role(school, role))
        return self.staff[(school.pk, role)]

    def tell(self, report: MissingReport, school: School, role: str, stage: str, count: int) -> None:
        provider = self.providers[report.provider_id]
        verb = "has not reported" if stage == "raised" else "still has not reported"
        notice = Notice(
            users=self.users(school, role),
            school=school,
            key=f"flag:{report.pk}:{stage}",
            subject=f"{provider.name} {verb} {report.session} attendance for {date_words(report.day)}",
            template="attendance/email/missing_report.txt",
            context={"report": report, "provider": provider, "count": count, "stage": stage},
            url=today_url(report.day),
        )
        self.tellings.append(flags.Telling(report.flag, notice, AUDIENCE[role]))

    def alert_dsl(self, report: MissingReport, school: School, learner: Learner) -> None:
        provider = self.providers[report.provider_id]
        notice = Notice(
            users=self.users(school, Role.DSL),
            school=school,
            key=f"flag:{report.pk}:dsl:{learner.pk}",
            subject=(
                f"Not reported: {learner} at {provider.name}, {date_words(report.day)} {report.session}. "
                f"Check where they are"
            ),
            template="attendance/email/dsl_unreported.txt",
            context={"report": report, "learner": learner, "provider": provider},
            url=(
                reverse("attendance:learner_attendance", args=[learner.pk])
                + f"?day={report.day.isoformat()}&session={report.session}"
                + f"#d-{report.day.isoformat()}-{report.session}"
            ),
        )
        self.tellings.append(flags.Telling(report.flag, notice, AUDIENCE[Role.DSL]))

    def send(self, now: datetime) -> None:
        flags.tell(self.tellings, now=now)
        self.tellings = []


def check_missing_reports(*, now: datetime | None = None) -> dict[str, int]:
    """Raise, escalate and resolve missing-report flags. Safe to run any time, twice, or at once.

    Its queries do not grow with the number of providers or flags, except
    one UPDATE per DSL alert claimed.
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
    providers = Provider.objects.only("name", "attendance_contact_name", "attendance_contact_phone").in_bulk(
        {provider_id for _, provider_id, _ in missing}
    )
    messenger = _Messenger(providers)

    keys = {
        flag_key(school_id, provider_id, day, session): (school_id, provider_id, session)
        for school_id, provider_id, session in missing
    }
    specs = [
        flags.FlagSpec(
            key=key,
            school_id=school_id,
            summary=(
                f"{providers[provider_id].name} has not reported {session} attendance for {date_words(day)}"
            ),
            url=today_url(day),
            subject=providers[provider_id],
            escalate_at=_at(day, cutoffs(by_pk[school_id])[session][1]),
        )
        for key, (school_id, provider_id, session) in keys.items()
    ]
    with transaction.atomic():
        raised = flags.raise_flags(MISSING_REPORT, specs, now=now)
        MissingReport.objects.bulk_create(
            [
                MissingReport(
                    flag=raised.flags[key],
                    school_id=school_id,
                    provider_id=provider_id,
                    day=day,
                    session=session,
                )
                for key, (school_id, provider_id, session) in keys.items()
            ],
            ignore_conflicts=True,
        )
    reports = {r.flag.key: r for r in MissingReport.objects.filter(flag__key__in=keys).select_related("flag")}
    vulnerable = _vulnerable_learners({pk for ids in missing.values() for pk in ids})
    for key, (school_id, provider_id, session) in keys.items():
        report, school = reports[key], by_pk[school_id]
        placement_ids = missing[(school_id, provider_id, session)]
        if key in raised.new:
            summary["raised"] += 1
            messenger.tell(report, school, Role.ADMIN, "raised", len(placement_ids))
        learners = [vulnerable[pk] for pk in placement_ids if pk in vulnerable]
        # Claimed first, so only one worker alerts the DSL.
        if (
            learners
            and report.flag.resolved_at is None
            and report.dsl_alerted_at is None
            and MissingReport.objects.filter(pk=report.pk, dsl_alerted_at__isnull=True).update(
                dsl_alerted_at=now
            )
        ):
            summary["dsl_alerts"] += 1
            for learner in learners:
                messenger.alert_dsl(report, school, learner)

    summary["resolved"] = resolve_complete_flags(school_ids=list(by_pk), day=day)
    escalated = flags.escalate_due(MISSING_REPORT, now=now, school_ids=by_pk)
    if escalated:
        found = MissingReport.objects.filter(flag__in=escalated).select_related("flag")
        unknown = {r.provider_id for r in found} - set(providers)
        providers.update(
            Provider.objects.only("name", "attendance_contact_name", "attendance_contact_phone").in_bulk(
                unknown
            )
        )
        for report in found:
            summary["escalated"] += 1
            count = len(missing.get((report.school_id, report.provider_id, report.session), []))
            messenger.tell(report, by_pk[report.school_id], Role.PASTORAL, "escalated", count)
    messenger.send(now)
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
    """Resolve open flags whose sessions now all have marks (or are no longer expected), in one UPDATE."""
    reports = MissingReport.objects.filter(day=day, flag__resolved_at__isnull=True)
    if school_id is not None:
        reports = reports.filter(school_id=school_id)
    if school_ids is not None:
        reports = reports.filter(school_id__in=school_ids)
    if provider_id is not None:
        reports = reports.filter(provider_id=provider_id)
    reports = list(reports.select_related("school"))
    if not reports:
        return 0
    still = unmarked_today(list({r.school for r in reports}), day)
    done = [r.pk for r in reports if (r.school_id, r.provider_id, r.session) not in still]
    if not done:
        return 0
    return flags.resolve(Flag.objects.filter(pk__in=done), reason=resolution)


def close_flag(*, flag: MissingReport | Flag, by, reason: str) -> bool:
    """Staff close a missing-report flag, saying why (phoned: all present, ...)."""
    return flags.close(getattr(flag, "flag", flag), by=by, reason=reason)
