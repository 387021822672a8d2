"""Visit flags: a half term's visit due soon, and overdue (the policy's twice-termly visits).

From the visit plan (monitoring.visit_plan) of every active placement:
- "visit_due_soon": a counted half term in its last 14 days with no
  submitted visit. It resolves "Visit recorded" when one is, and "Half term
  ended" once the half term is over (the overdue flag takes over).
- "visit_overdue": a counted half term that ended without a visit. It
  resolves "Visit recorded" once a visit is submitted dated in it or later
  (the late visit catches up), or "Placement ended".
Either resolves "Placement ended" when the placement is no longer active, and
"No sessions in that half term" when a timetable change leaves none there.

One flag per placement, half term and kind (the key names them), so a second
run raises and tells nothing new. The pastoral team is responsible (it shows
under "Needs doing" for them); the placement's visiting staff member, whom
SLT appointed to make the visits, is told once when it is raised. Overdue
flags are raised only for half terms that ended in the last OVERDUE_WITHIN
days, so that the first run on a school with old placements does not raise
a flag for every half term of past years. Queries do not grow with the
number of placements or flags.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from altprov import flags
from altprov.models import Flag, Role
from altprov.notifications import Notice
from altprov.templatetags.altprov_tags import date_words
from placements.models import Placement, Status

from .visit_plan import HalfState, HalfTermPlan, plan_visits

VISIT_DUE_SOON = flags.register(
    flags.FlagKind(name="visit_due_soon", label="Visit due soon", roles=(Role.PASTORAL,))
)
VISIT_OVERDUE = flags.register(
    flags.FlagKind(name="visit_overdue", label="Visit overdue", roles=(Role.PASTORAL,))
)
KINDS = {VISIT_DUE_SOON.name: VISIT_DUE_SOON, VISIT_OVERDUE.name: VISIT_OVERDUE}
OVERDUE_WITHIN = timedelta(days=70)
VISITING_STAFF = "the visiting staff member"


def visit_key(kind: flags.FlagKind, placement_id: int, half_key: str) -> str:
    return f"{kind.name}:{placement_id}:{half_key}"


def _parse(key: str) -> tuple[int, int, int]:
    """(placement, term, half) from a key."""
    _, placement_id, half_key = key.split(":")
    term_id, half = half_key.split("-")
    return int(placement_id), int(term_id), int(half)


@dataclass(frozen=True)
class _Found:
    kind: flags.FlagKind
    placement: Placement
    half: HalfTermPlan

    @property
    def summary(self) -> str:
        learner, provider = self.placement.learner, self.placement.provider
        if self.kind is VISIT_OVERDUE:
            return (
                f"Visit overdue: {learner} at {provider} had no visit in the {self.half.half.label.lower()} "
                f"of {self.half.half.term} (ended {date_words(self.half.due_by)})"
            )
        return (
            f"Visit due soon: {learner} at {provider} needs a visit by {date_words(self.half.due_by)} "
            f"({self.half.half.label.lower()} of {self.half.half.term})"
        )


def _caught_up(plan, half: HalfTermPlan) -> bool:
    """A visit made late, after the half term it was due in, settles the overdue flag."""
    return any(v.visited_on >= half.half.start for v in plan.visits)


def _why_ended(key: str, kind: str, statuses: dict, plans: dict, today) -> str:
    placement_id, term_id, half = _parse(key)
    if statuses.get(placement_id) != Status.ACTIVE:
        return "Placement ended"
    plan = plans[placement_id]
    found = next((h for h in plan.halves if h.half.term.pk == term_id and h.half.half == half), None)
    if found is None:
        return "No sessions in that half term"
    if found.state == HalfState.DONE:
        return "Visit recorded"
    if kind == VISIT_OVERDUE.name:
        return "Visit recorded" if _caught_up(plan, found) else ""
    if found.state == HalfState.OVERDUE:
        return "Half term ended"
    return ""


def check_visits(*, now: datetime | None = None) -> dict[str, int]:
    """Raise, tell and resolve the visit flags of every school."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    summary = {"due_soon": 0, "overdue": 0, "resolved": 0}
    placements = list(
        Placement.objects.filter(status=Status.ACTIVE).select_related(
            "school", "learner", "provider", "visiting_staff"
        )
    )
    plans = plan_visits(placements, today=today)
    holding: dict[str, _Found] = {}
    for plan in plans.values():
        for half in plan.halves:
            if half.state == HalfState.DUE_SOON:
                kind = VISIT_DUE_SOON
            elif (
                half.state == HalfState.OVERDUE
                and half.due_by >= today - OVERDUE_WITHIN
                and not _caught_up(plan, half)
            ):
                kind = VISIT_OVERDUE
            else:
                continue
            holding[visit_key(kind, plan.placement.pk, half.half.key)] = _Found(kind, plan.placement, half)

    with transaction.atomic():
        raised = {}
        for kind in KINDS.values():
            result = flags.raise_flags(
                kind,
                [
                    flags.FlagSpec(
                        key=key,
                        school_id=found.placement.school_id,
                        summary=found.summary,
                        url=found.placement.get_absolute_url(),
                        subject=found.placement,
                    )
                    for key, found in holding.items()
                    if found.kind is kind
                ],
                now=now,
            )
            raised.update({key: (flag, key in result.new) for key, flag in result.flags.items()})

    open_flags = list(
        Flag.objects.open()
        .filter(kind__in=list(KINDS))
        .exclude(key__in=list(holding))
        .only("pk", "key", "kind")
    )
    if open_flags:
        ids = {_parse(f.key)[0] for f in open_flags}
        statuses = dict(Placement.objects.filter(pk__in=ids).values_list("pk", "status"))
        reasons = {}
        for flag in open_flags:
            reason = _why_ended(flag.key, flag.kind, statuses, plans, today)
            if reason:
                reasons[flag.pk] = reason
        summary["resolved"] = flags.resolve_each(reasons, now=now)

    tellings = []
    for key, (flag, is_new) in raised.items():
        if not is_new:
            continue
        found = holding[key]
        summary["overdue" if found.kind is VISIT_OVERDUE else "due_soon"] += 1
        visitor = found.placement.visiting_staff
        if visitor is None or not visitor.is_active:
            continue
        tellings.append(
            flags.Telling(
                flag=flag,
                audience=VISITING_STAFF,
                notice=Notice(
                    users=[visitor],
                    school=found.placement.school,
                    key=f"flag:{flag.pk}:raised",
                    subject=found.summary,
                    template=f"monitoring/email/{found.kind.name}.txt",
                    context={"flag": flag, "placement": found.placement, "half": found.half},
                    url=flag.url,
                ),
            )
        )
    flags.tell(tellings, now=now)
    return summary
