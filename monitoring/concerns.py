"""The safeguarding log: raising a concern, and the one way to read one.

KCSIE keeps child-protection records separate and DSL-controlled: any member
of staff (from a visit or on its own) and a provider (through its register
link) may raise a concern; only the DSL and the head teacher read one. Every
read goes through `read_concern`, which records who read what and when, so a
second-factor check can be added in one place.

A new concern tells every DSL at the school at once, in the app (a flag on
their "Needs doing" list until one of them reads it) and by email. Neither
the email nor the flag carries any detail: not the learner, not what was
seen; they say a concern is waiting and where to read it.
"""

from datetime import date, datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from altprov import flags
from altprov.access import get_for_user
from altprov.models import Flag, Role
from altprov.notifications import Notice, staff_with_role
from altprov.templatetags.altprov_tags import date_words
from placements.access_log import record_read
from placements.models import Learner, Placement, Read

from .models import (
    ConcernAttachment,
    ConcernEntry,
    ConcernRead,
    ConcernSource,
    EntryKind,
    SafeguardingConcern,
)

NEW_CONCERN = flags.register(
    flags.FlagKind(name="concern_new", label="New safeguarding concern to read", roles=(Role.DSL,))
)


def concern_url(concern: SafeguardingConcern) -> str:
    return reverse("monitoring:concern_detail", args=[concern.pk])


@transaction.atomic
def raise_concern(
    *,
    learner: Learner,
    detail: str,
    source: str,
    placement: Placement | None = None,
    raised_by=None,
    raised_by_name: str = "",
    raised_by_role: str = "",
    about_provider_staff: bool = False,
    now: datetime | None = None,
) -> SafeguardingConcern:
    """Log a concern and tell the school's DSLs at once (no detail in the message)."""
    now = now or timezone.now()
    if source not in ConcernSource.values:
        raise ValueError(f"Unknown concern source {source!r}.")
    concern = SafeguardingConcern.objects.create(
        school_id=learner.school_id,
        learner=learner,
        placement=placement,
        source=source,
        raised_at=now,
        raised_by=raised_by,
        raised_by_name=raised_by_name,
        raised_by_role=raised_by_role,
        detail=detail,
        about_provider_staff=about_provider_staff,
    )
    who = "the provider" if source == ConcernSource.PROVIDER else "a member of staff"
    local = timezone.localtime(now)
    summary = f"A safeguarding concern was raised by {who} at {local:%H:%M} on {date_words(local)}."
    raised = flags.raise_flags(
        NEW_CONCERN,
        [
            flags.FlagSpec(
                key=f"concern-new-{concern.pk}",
                school_id=concern.school_id,
                summary=summary,
                url=concern_url(concern),
                subject=concern,
            )
        ],
        now=now,
    )
    flag = raised.flags[f"concern-new-{concern.pk}"]
    dsls = list(staff_with_role(learner.school, Role.DSL))
    flags.tell(
        [
            flags.Telling(
                flag=flag,
                audience="the DSL",
                notice=Notice(
                    users=dsls,
                    school=learner.school,
                    key=f"concern-new-{concern.pk}",
                    subject="A safeguarding concern needs reading",
                    template="monitoring/email/concern_new.txt",
                    context={"summary": summary},
                    url=concern_url(concern),
                ),
            )
        ],
        now=now,
    )
    return concern


def read_concern(user, pk: int, *, what: str = "concern", now: datetime | None = None) -> SafeguardingConcern:
    """The concern `pk`, for its school's DSL or head (404 elsewhere, 403 for others); the read is recorded.

    The one way any page, export or file download reads a concern.
    """
    concern = get_for_user(
        SafeguardingConcern.objects.select_related("school", "learner", "placement__provider", "raised_by"),
        user,
        pk,
        perm="concern.read",
    )
    now = now or timezone.now()
    ConcernRead.objects.create(concern=concern, user=user, at=now, what=what[:50])
    # The same read in the school-wide access log, so the learner's "Who has opened this record" shows it.
    record_read(
        user=user,
        school=concern.school_id,
        what=Read.CONCERN,
        learner=concern.learner,
        subject=concern,
        detail="" if what == "concern" else what,
        now=now,
    )
    flags.resolve(
        Flag.objects.filter(kind=NEW_CONCERN.name, key=f"concern-new-{concern.pk}"),
        reason=f"Read by {user.get_full_name() or user.get_username()}",
        now=now,
    )
    return concern


def add_entry(
    *,
    concern: SafeguardingConcern,
    by,
    kind: str,
    happened_on: date,
    what: str,
    why: str = "",
    referred_to: str = "",
) -> ConcernEntry:
    """One line of the chronology (KCSIE: decisions recorded with their reasons)."""
    return ConcernEntry.objects.create(
        concern=concern,
        by=by,
        kind=kind,
        happened_on=happened_on,
        what=what,
        why=why,
        referred_to=referred_to,
    )


def add_attachment(*, concern: SafeguardingConcern, by, file, description: str = "") -> ConcernAttachment:
    return ConcernAttachment.objects.create(
        concern=concern, uploaded_by=by, file=file, description=description
    )


@transaction.atomic
def close_concern(*, concern: SafeguardingConcern, by, outcome: str, on: date) -> None:
    """Close the concern with its outcome; the outcome is also the chronology's last line."""
    locked = SafeguardingConcern.objects.select_for_update().get(pk=concern.pk)
    if locked.closed_on is not None:
        raise ValueError("This concern is already closed.")
    concern.outcome, concern.closed_on, concern.closed_by = outcome, on, by
    concern.save(update_fields=["outcome", "closed_on", "closed_by"])
    ConcernEntry.objects.create(concern=concern, by=by, kind=EntryKind.OUTCOME, happened_on=on, what=outcome)


def raised_by_user(user, school) -> list[dict]:
    """What a member of staff may know of the concerns they raised: when, and about whom. Nothing else."""
    return list(
        SafeguardingConcern.objects.filter(school=school, raised_by=user)
        .order_by("-raised_at", "-pk")
        .values(
            "raised_at",
            "learner__preferred_name",
            "learner__legal_first_name",
            "learner__legal_last_name",
        )
    )


def visit_date(concern: SafeguardingConcern) -> date | None:
    """The date of the visit a concern was raised from (the visit points at the concern)."""
    if concern.source != ConcernSource.VISIT:
        return None
    from .models import Visit

    visit = Visit.objects.filter(concern=concern).only("visited_on").first()
    return visit.visited_on if visit else None
