"""Flags: one engine for everything that needs doing (DESIGN.md "One mechanism each").

A job raises flags under unique keys, escalates them in stages when their
due time passes, and resolves them when the work is done, with the true
reason; a person may close one with a reason. Every message about a flag
is recorded as a FlagNotice, so whoever looks at it sees who has already
been told. Each app registers its kinds (a label, the roles responsible,
the roles it escalates to); what a kind needs beyond the flag lives in the
app's own model.

Races: raising is an insert that ignores conflicts on the unique key; the
announcement of a new flag and each escalation are claimed by one
conditional UPDATE that writes a random claim, and only the rows carrying
this run's claim are announced, so two workers never both send.
"""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Case, Q, QuerySet, Value, When
from django.utils import timezone

from .models import Flag, FlagNotice, FlagStage
from .notifications import Notice, notify_all


@dataclass(frozen=True)
class FlagKind:
    name: str
    label: str
    roles: tuple[str, ...]
    escalate_to: tuple[str, ...] = ()


KINDS: dict[str, FlagKind] = {}


def register(kind: FlagKind) -> FlagKind:
    """Called once per kind at import of the app module that owns it."""
    KINDS[kind.name] = kind
    return kind


def _roles(roles: Iterable[str]) -> str:
    return "," + ",".join(dict.fromkeys(roles)) + ","


@dataclass
class FlagSpec:
    key: str
    school_id: int
    summary: str
    url: str = ""
    subject: object | None = None
    escalate_at: datetime | None = None


@dataclass
class Raised:
    flags: dict[str, Flag]
    # Keys this call announces: new flags whose announcement it claimed.
    new: set[str] = field(default_factory=set)


def raise_flags(kind: FlagKind, specs: list[FlagSpec], *, now: datetime) -> Raised:
    """Raise each flag once per key; return them all, and which this call must announce.

    A flag already resolved under the same key stays resolved: the key names
    one occurrence (a provider's session on a day), not a recurring state.
    """
    if not specs:
        return Raised({})
    types: dict[type, ContentType] = {}
    rows = []
    for spec in specs:
        subject_type = subject_id = None
        if spec.subject is not None:
            model = type(spec.subject)
            if model not in types:
                types[model] = ContentType.objects.get_for_model(model)
            subject_type, subject_id = types[model], spec.subject.pk
        rows.append(
            Flag(
                kind=kind.name,
                key=spec.key,
                school_id=spec.school_id,
                subject_type=subject_type,
                subject_id=subject_id,
                summary=spec.summary[:300],
                url=spec.url,
                roles=_roles(kind.roles),
                raised_at=now,
                escalate_at=spec.escalate_at,
            )
        )
    keys = [spec.key for spec in specs]
    Flag.objects.bulk_create(rows, ignore_conflicts=True)
    claim = secrets.token_hex(16)
    Flag.objects.filter(key__in=keys, claim="", resolved_at__isnull=True).update(claim=claim)
    flags = {f.key: f for f in Flag.objects.filter(key__in=keys).select_related("school")}
    return Raised(flags, {key for key, f in flags.items() if f.claim == claim})


def escalate_due(kind: FlagKind, *, now: datetime, school_ids: Iterable[int] | None = None) -> list[Flag]:
    """Move every open flag of `kind` whose escalation time has passed to the next stage, in one UPDATE.

    Returns the flags this call escalated (to announce); a second worker's
    UPDATE finds them escalated already and returns nothing.
    """
    claim = secrets.token_hex(16)
    due = Flag.objects.open().filter(kind=kind.name, stage=FlagStage.RAISED, escalate_at__lte=now)
    if school_ids is not None:
        due = due.filter(school_id__in=list(school_ids))
    due.update(
        stage=FlagStage.ESCALATED,
        escalated_at=now,
        claim=claim,
        roles=_roles(kind.roles + kind.escalate_to),
    )
    return list(Flag.objects.filter(kind=kind.name, claim=claim).select_related("school"))


def resolve(flags: QuerySet, *, reason: str, now: datetime | None = None) -> int:
    """Resolve open flags because the work is done; `reason` says what happened (marks arrived, ...)."""
    return flags.filter(resolved_at__isnull=True).update(
        resolved_at=now or timezone.now(), resolution=reason[:300]
    )


def resolve_each(reasons: dict[int, str], *, now: datetime | None = None) -> int:
    """Resolve several flags, each with its own reason, in one UPDATE."""
    if not reasons:
        return 0
    return (
        Flag.objects.open()
        .filter(pk__in=reasons)
        .update(
            resolved_at=now or timezone.now(),
            resolution=Case(*(When(pk=pk, then=Value(reason[:300])) for pk, reason in reasons.items())),
        )
    )


@transaction.atomic
def close(flag: Flag, *, by, reason: str) -> bool:
    """A person closes a flag, saying why. False if it was already resolved."""
    return bool(
        Flag.objects.filter(pk=flag.pk, resolved_at__isnull=True).update(
            resolved_at=timezone.now(), resolved_by=by, resolution=reason[:300]
        )
    )


@dataclass
class Telling:
    """A message about a flag, and whom it tells in words the flag's page shows."""

    flag: Flag
    notice: Notice
    audience: str


def tell(tellings: list[Telling], *, now: datetime) -> None:
    """Send the messages and record who was told, how and when, in a few queries."""
    if not tellings:
        return
    notify_all([t.notice for t in tellings])
    FlagNotice.objects.bulk_create(
        [
            FlagNotice(flag=t.flag, user=user, audience=t.audience, at=now)
            for t in tellings
            for user in (t.notice.users or [None])
        ]
    )


def needs_doing(user, school_id: int, roles: Iterable[str]) -> QuerySet:
    """Open flags at the school that the user's roles are responsible for, or that they were told about.

    Most urgent first: escalated, then the oldest.
    """
    responsible = Q()
    for role in roles:
        responsible |= Q(roles__contains=f",{role},")
    told = Flag.objects.filter(notices__user=user).values("pk")
    return (
        Flag.objects.open()
        .filter(school_id=school_id)
        .filter(responsible | Q(pk__in=told))
        .order_by(Case(When(stage=FlagStage.ESCALATED, then=0), default=1), "raised_at", "pk")
    )
