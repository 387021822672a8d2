"""Serious behavioural incidents: reported by staff or the provider (by link), decided by pastoral with SLT.

Policy ("Monitoring Academic Progress, Behaviour and Pastoral Welfare"): the
pastoral team, with SLT, decides the course of action; the provider and the
pastoral lead are told. So a report tells at once the pastoral team and the
placement's visiting staff member (in the app and by email; they may read
the learner's name), and raises an "incident_decision" flag for pastoral and
SLT that stays on their "Needs doing" list until the decision is recorded.
The provider's contact is told by email when staff report an incident (the
provider may not know of it) and when the decision is recorded: an outside
address, so the message carries no link and names the learner as the
provider's pages do (first name and surname initial).
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import Case, When
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from altprov import flags
from altprov.models import Flag, Role
from altprov.notifications import Notice, notify_all, staff_with_role
from altprov.templatetags.altprov_tags import date_words
from placements.models import Placement

from .models import Action, ActionSide, Incident

INCIDENT_DECISION = flags.register(
    flags.FlagKind(
        name="incident_decision",
        label="Serious incident: record the decided course of action",
        roles=(Role.PASTORAL, Role.SLT),
    )
)


def incident_url(incident: Incident) -> str:
    return reverse("monitoring:incident_detail", args=[incident.pk])


def _flag_key(incident: Incident) -> str:
    return f"incident-decision-{incident.pk}"


def _when(at: datetime) -> str:
    local = timezone.localtime(at)
    return f"{local:%H:%M} on {date_words(local)}"


@transaction.atomic
def report_incident(
    *,
    placement: Placement,
    occurred_at: datetime,
    what_happened: str,
    who_involved: str,
    immediate_action: str,
    physical_intervention: bool,
    physical_intervention_detail: str = "",
    reported_by=None,
    reported_by_name: str = "",
    reported_by_role: str = "",
    now: datetime | None = None,
) -> Incident:
    """Record the incident, raise the decision flag and tell those who must know at once."""
    now = now or timezone.now()
    incident = Incident.objects.create(
        school_id=placement.school_id,
        placement=placement,
        occurred_at=occurred_at,
        what_happened=what_happened,
        who_involved=who_involved,
        immediate_action=immediate_action,
        physical_intervention=physical_intervention,
        physical_intervention_detail=physical_intervention_detail if physical_intervention else "",
        reported_at=now,
        reported_by=reported_by,
        reported_by_name=reported_by_name,
        reported_by_role=reported_by_role,
    )
    learner, provider, school = placement.learner, placement.provider, placement.school
    by_provider = reported_by is None
    summary = (
        f"Serious incident involving {learner} at {provider.name}, {_when(occurred_at)}, "
        f"reported by {'the provider' if by_provider else reported_by.get_full_name() or reported_by}: "
        "record the decided course of action."
    )
    key = _flag_key(incident)
    raised = flags.raise_flags(
        INCIDENT_DECISION,
        [
            flags.FlagSpec(
                key=key, school_id=school.pk, summary=summary, url=incident_url(incident), subject=incident
            )
        ],
        now=now,
    )
    flag = raised.flags[key]
    context = {
        "incident": incident,
        "learner": learner,
        "provider": provider,
        "by_provider": by_provider,
        "physical": physical_intervention,
    }
    subject = f"Serious incident: {learner} at {provider.name}"
    tellings = [
        flags.Telling(
            flag=flag,
            audience="the pastoral team",
            notice=Notice(
                users=list(staff_with_role(school, Role.PASTORAL)),
                school=school,
                key=f"incident-reported-{incident.pk}",
                subject=subject,
                template="monitoring/email/incident_reported.txt",
                context=context,
                url=incident_url(incident),
            ),
        )
    ]
    if placement.visiting_staff_id and placement.visiting_staff.is_active:
        tellings.append(
            flags.Telling(
                flag=flag,
                audience="the visiting staff member",
                notice=Notice(
                    users=[placement.visiting_staff],
                    school=school,
                    key=f"incident-reported-{incident.pk}",
                    subject=subject,
                    template="monitoring/email/incident_reported.txt",
                    context={**context, "visiting": True},
                    url=incident_url(incident),
                ),
            )
        )
    if not by_provider and provider.lead_contact_email:
        tellings.append(
            flags.Telling(
                flag=flag,
                audience="the provider",
                notice=Notice(
                    users=[],
                    addresses=[provider.lead_contact_email],
                    school=school,
                    key=f"incident-reported-provider-{incident.pk}",
                    subject=f"{school.name}: a serious incident has been recorded",
                    template="monitoring/email/incident_provider_reported.txt",
                    context=context,
                ),
            )
        )
    flags.tell(tellings, now=now)
    return incident


@dataclass(frozen=True)
class ActionInput:
    side: str
    description: str
    due_date: date
    owner: object | None = None
    owner_name: str = ""


@transaction.atomic
def record_decision(
    *,
    incident: Incident,
    decision: str,
    decided_by,
    decided_with,
    actions: list[ActionInput] = (),
    now: datetime | None = None,
) -> Incident:
    """Record the course of action agreed with SLT and its actions; resolve the flag; tell the provider."""
    now = now or timezone.now()
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    if locked.decided_at is not None:
        raise ValueError("A decision is already recorded for this incident.")
    incident.decision, incident.decided_by, incident.decided_with, incident.decided_at = (
        decision,
        decided_by,
        decided_with,
        now,
    )
    incident.save(update_fields=["decision", "decided_by", "decided_with", "decided_at"])
    bulk_create_with_history(
        [
            Action(
                school_id=incident.school_id,
                placement_id=incident.placement_id,
                incident=incident,
                side=a.side,
                description=a.description,
                owner=a.owner,
                owner_name=a.owner_name,
                due_date=a.due_date,
                created_by=decided_by,
            )
            for a in actions
        ],
        Action,
        default_user=decided_by,
    )
    flags.resolve(
        Flag.objects.filter(kind=INCIDENT_DECISION.name, key=_flag_key(incident)),
        reason="Decision recorded",
        now=now,
    )
    placement = incident.placement
    provider, school = placement.provider, placement.school
    if provider.lead_contact_email:
        notice = Notice(
            users=[],
            addresses=[provider.lead_contact_email],
            school=school,
            key=f"incident-decided-provider-{incident.pk}",
            subject=f"{school.name}: the decision on a serious incident",
            template="monitoring/email/incident_provider_decided.txt",
            context={
                "incident": incident,
                "learner": placement.learner,
                "provider": provider,
                "actions": [a for a in actions if a.side == ActionSide.PROVIDER],
            },
        )
        flag = Flag.objects.filter(key=_flag_key(incident)).first()
        if flag is None:  # an incident recorded without the report's flag (imported, or demo data)
            notify_all([notice])
        else:
            flags.tell([flags.Telling(flag=flag, audience="the provider", notice=notice)], now=now)
    return incident


def incidents_for_school(school):
    """The school's incidents: those waiting for a decision first, then the newest."""
    return (
        Incident.objects.filter(school=school)
        .select_related("placement__learner", "placement__provider", "reported_by")
        .order_by(Case(When(decided_at__isnull=True, then=0), default=1), "-occurred_at", "-pk")
    )
