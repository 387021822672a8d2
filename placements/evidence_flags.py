"""Provider evidence flags: an approval lapsed while learners are placed there, and evidence about to expire.

The evidence register is one for the whole installation (providers are a
shared directory); approvals and placements are each school's. So each
school gets its own flags about a shared provider, told to its own staff.

- Approval lapsed: a school's approval (not withdrawn) of a provider where
  it has active placements, while a mandatory item is missing or expired.
  One flag per school, provider and cause (the item's type and expiry date,
  or "missing"); the DSL and the pastoral team are told. It resolves when
  the evidence is renewed, the approval is withdrawn, or the school has no
  active placement there any more.
- Evidence expiring: a mandatory item, of a provider the school uses (an
  active or agreed placement, or an approval not withdrawn), whose expiry
  date falls in the next 30 days. One flag per school, provider, type and
  expiry date; whoever keeps the register at the school is told. It
  resolves when the item is renewed or the provider is no longer used, and
  with "Expired" once the date has passed (the lapsed kind then takes over
  where learners are placed).

Only mandatory items count: they are what makes an approval lapse and what
the provider's evidence status is made of.

A key names one occurrence, and a resolved flag is never raised again under
its key. The lapsed kind relies on that safely: while an item stays expired
no placement there can become active and the provider cannot be approved
again, so the same cause cannot come back.

Raising, announcing and resolving go through altprov.flags, so the job may
run twice, or in two workers at once: one flag, one message. Its queries do
not grow with the number of providers, items or flags.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from altprov import flags
from altprov.models import Membership, Role
from altprov.notifications import Notice
from altprov.roles import PERMISSIONS
from altprov.templatetags.altprov_tags import date_words

from .models import (
    EvidenceFlag,
    EvidenceItem,
    EvidenceStatus,
    EvidenceType,
    Placement,
    Provider,
    ProviderApproval,
    Status,
)

APPROVAL_LAPSED = flags.register(
    flags.FlagKind(
        name="approval_lapsed",
        label="Provider approval lapsed",
        # Policy: the DSL approves providers; the pastoral team works with the learners placed there.
        roles=(Role.DSL, Role.PASTORAL),
    )
)
EVIDENCE_EXPIRING = flags.register(
    flags.FlagKind(
        name="evidence_expiring",
        label="Provider evidence expiring",
        # Whoever keeps the evidence register at the school.
        roles=tuple(role for role in Role if role in PERMISSIONS["provider.evidence"]),
    )
)
LAPSED_AUDIENCES = {Role.DSL: "the DSL", Role.PASTORAL: "the pastoral team"}
REGISTER_KEEPERS = "the head teacher, SLT and DSL"


def _expiry(expires_on: date | None) -> str:
    return expires_on.isoformat() if expires_on else "missing"


def lapsed_key(school_id: int, provider_id: int, type_id: int, expires_on: date | None) -> str:
    return f"approval-lapsed:{school_id}:{provider_id}:{type_id}:{_expiry(expires_on)}"


def expiring_key(school_id: int, provider_id: int, type_id: int, expires_on: date) -> str:
    return f"evidence-expiring:{school_id}:{provider_id}:{type_id}:{expires_on.isoformat()}"


@dataclass(frozen=True)
class _Found:
    """A flag that holds now: which school, provider, type and expiry date, in words."""

    kind: flags.FlagKind
    school_id: int
    provider: Provider
    evidence_type: EvidenceType
    expires_on: date | None
    summary: str


def _current_items(providers, types, today: date) -> dict[tuple[int, int], EvidenceItem | None]:
    """(provider, mandatory type) -> the item that counts now (the latest), or None when there is none."""
    return {
        (provider.pk, row["type"].pk): row["item"]
        for provider in providers.values()
        for row in provider.evidence_summary(types, today=today)
    }


def _holding_now(today: date, approvals, placed, providers, types) -> dict[str, _Found]:
    """Key -> every flag that holds today, of both kinds."""
    found = {}
    for (school_id, provider_id), statuses in placed.items():
        approval = approvals.get((school_id, provider_id))
        if Status.ACTIVE not in statuses or approval is None:
            continue
        provider = approval.provider = providers[provider_id]
        for cause in provider.lapse_causes(types, today=today):
            key = lapsed_key(school_id, provider_id, cause.evidence_type.pk, cause.expires_on)
            found[key] = _Found(
                APPROVAL_LAPSED,
                school_id,
                provider,
                cause.evidence_type,
                cause.expires_on,
                approval.describe_lapse([cause], naming_provider=True),
            )
    for school_id, provider_id in set(placed) | set(approvals):
        provider = providers[provider_id]
        for row in provider.evidence_summary(types, today=today):
            if row["status"] != EvidenceStatus.EXPIRING:
                continue
            item = row["item"]
            key = expiring_key(school_id, provider_id, item.evidence_type_id, item.expires_on)
            found[key] = _Found(
                EVIDENCE_EXPIRING,
                school_id,
                provider,
                row["type"],
                item.expires_on,
                f"{provider.name}: {row['type'].name} due to expire on {date_words(item.expires_on)}",
            )
    return found


def _replaced(flag: EvidenceFlag, item: EvidenceItem | None) -> str | None:
    """Why the register no longer holds the item the flag was raised for (None: it still does)."""
    if item is None:
        return None if flag.expires_on is None else "Evidence removed from the register"
    if flag.expires_on is None:
        return "Evidence recorded"
    if item.expires_on == flag.expires_on:
        return None
    if item.expires_on is None or item.expires_on > flag.expires_on:
        return "Evidence renewed"
    return f"Expiry date corrected to {date_words(item.expires_on)}"


def _why_ended(
    flag: EvidenceFlag, today: date, current: dict, approvals, placed, types: dict[int, EvidenceType]
) -> str | None:
    """The true reason an open flag no longer holds (None: it still does)."""
    if flag.evidence_type_id not in types:
        return "Evidence no longer required"
    replaced = _replaced(flag, current.get((flag.provider_id, flag.evidence_type_id)))
    if replaced:
        return replaced
    pair = (flag.flag.school_id, flag.provider_id)
    if flag.flag.kind == APPROVAL_LAPSED.name:
        if pair not in approvals:
            return "Approval withdrawn"
        if Status.ACTIVE not in placed.get(pair, ()):
            return "No active placements"
        return None
    if flag.expires_on < today:
        return "Expired"
    if pair not in approvals and pair not in placed:
        return "Provider no longer used"
    return None


class _Messenger:
    """Tells each school's staff about new flags, loading every school's staff in one query."""

    def __init__(self, school_ids: set[int]):
        self.staff: dict[tuple[int, str], list] = defaultdict(list)
        roles = set(APPROVAL_LAPSED.roles) | set(EVIDENCE_EXPIRING.roles)
        memberships = (
            Membership.objects.filter(school_id__in=school_ids, role__in=roles, user__is_active=True)
            .select_related("user")
            .order_by()
        )
        for membership in memberships:
            self.staff[(membership.school_id, membership.role)].append(membership.user)
        self.tellings: list[flags.Telling] = []

    def users(self, school_id: int, roles) -> list:
        found = {user.pk: user for role in roles for user in self.staff[(school_id, role)]}
        return list(found.values())

    def tell(self, flag, found: _Found) -> None:
        context = {"flag": flag, "provider": found.provider, "evidence_type": found.evidence_type}
        if found.kind is APPROVAL_LAPSED:
            for role, audience in LAPSED_AUDIENCES.items():
                notice = Notice(
                    users=self.users(flag.school_id, [role]),
                    school=flag.school,
                    # One key for both: someone who is DSL and pastoral gets one message.
                    key=f"flag:{flag.pk}:raised",
                    subject=flag.summary,
                    template="placements/email/approval_lapsed.txt",
                    context=context,
                    url=flag.url,
                )
                self.tellings.append(flags.Telling(flag, notice, audience))
            return
        notice = Notice(
            users=self.users(flag.school_id, EVIDENCE_EXPIRING.roles),
            school=flag.school,
            key=f"flag:{flag.pk}:raised",
            subject=flag.summary,
            template="placements/email/evidence_expiring.txt",
            context={**context, "expires_on": found.expires_on},
            url=flag.url,
        )
        self.tellings.append(flags.Telling(flag, notice, REGISTER_KEEPERS))

    def send(self, now: datetime) -> None:
        flags.tell(self.tellings, now=now)
        self.tellings = []


def check_provider_evidence(*, now: datetime | None = None) -> dict[str, int]:
    """Raise, announce and resolve the approval-lapsed and evidence-expiring flags of every school."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    summary = {"lapsed": 0, "expiring": 0, "resolved": 0}
    types = {t.pk: t for t in EvidenceType.objects.filter(mandatory=True)}
    approvals = {
        (a.school_id, a.provider_id): a
        for a in ProviderApproval.objects.filter(withdrawn_at__isnull=True).only(
            "school_id", "provider_id", "approved_at"
        )
    }
    placed: dict[tuple[int, int], set[str]] = defaultdict(set)
    for school_id, provider_id, status in (
        Placement.objects.filter(status__in=[Status.ACTIVE, Status.AGREED])
        .values_list("school_id", "provider_id", "status")
        .order_by()
        .distinct()
    ):
        placed[(school_id, provider_id)].add(status)
    open_flags = list(
        EvidenceFlag.objects.filter(
            flag__kind__in=[APPROVAL_LAPSED.name, EVIDENCE_EXPIRING.name], flag__resolved_at__isnull=True
        ).select_related("flag")
    )
    provider_ids = {pair[1] for pair in placed} | {pair[1] for pair in approvals}
    providers = (
        Provider.objects.only("name")
        .prefetch_related(
            Prefetch(
                "evidence_items",
                EvidenceItem.objects.filter(evidence_type_id__in=types).only(
                    "provider_id", "evidence_type_id", "date_received", "expires_on"
                ),
            )
        )
        .in_bulk(provider_ids | {f.provider_id for f in open_flags})
    )
    mandatory = list(types.values())

    holding = _holding_now(today, approvals, placed, providers, mandatory)
    with transaction.atomic():
        raised = {}
        for kind in (APPROVAL_LAPSED, EVIDENCE_EXPIRING):
            specs = [
                flags.FlagSpec(
                    key=key,
                    school_id=found.school_id,
                    summary=found.summary,
                    url=found.provider.get_absolute_url(),
                    subject=found.provider,
                )
                for key, found in holding.items()
                if found.kind is kind
            ]
            result = flags.raise_flags(kind, specs, now=now)
            raised.update({key: (flag, key in result.new) for key, flag in result.flags.items()})
        EvidenceFlag.objects.bulk_create(
            [
                EvidenceFlag(
                    flag=flag,
                    provider=holding[key].provider,
                    evidence_type=holding[key].evidence_type,
                    expires_on=holding[key].expires_on,
                )
                for key, (flag, _) in raised.items()
            ],
            ignore_conflicts=True,
        )

    current = _current_items(providers, mandatory, today)
    reasons = {}
    for flag in open_flags:
        if flag.flag.key in holding:
            continue
        reason = _why_ended(flag, today, current, approvals, placed, types)
        if reason:
            reasons[flag.pk] = reason
    summary["resolved"] = flags.resolve_each(reasons, now=now)

    new = [(flag, holding[key]) for key, (flag, is_new) in raised.items() if is_new]
    if new:
        messenger = _Messenger({flag.school_id for flag, _ in new})
        for flag, found in new:
            summary["lapsed" if found.kind is APPROVAL_LAPSED else "expiring"] += 1
            messenger.tell(flag, found)
        messenger.send(now)
    return summary
