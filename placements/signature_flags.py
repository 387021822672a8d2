"""Flags about the agreement and the contract (altprov.flags).

- Signature missing: a placement starting within a week (or already due to
  start) whose current agreement or contract is not signed. One flag per
  placement, on the head teacher's home page; it resolves when both are
  signed, or when the placement finishes. DESIGN.md: a placement cannot
  become active while either is unsigned, so this is the week's warning.
- Document hash mismatch: the nightly re-hash of every stored signed PDF
  finds a file whose SHA-256 is not the one recorded when it was frozen (or
  no file at all). One flag per document; the head teacher is told, since a
  signed record has been altered or lost.

Both jobs may run twice, or in two workers: raise_flags keys each flag, and
only the run that claimed a new flag tells anyone.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from altprov import flags
from altprov.models import Flag, Role
from altprov.notifications import Notice, staff_with_role
from altprov.templatetags.altprov_tags import date_words

from .models import Agreement, ParentContract, Placement, Status

SIGNATURE_MISSING = flags.register(
    flags.FlagKind(name="signature_missing", label="Agreement or contract not signed", roles=(Role.HEAD,))
)
DOCUMENT_HASH_MISMATCH = flags.register(
    flags.FlagKind(name="document_hash_mismatch", label="Signed document altered", roles=(Role.HEAD,))
)
WARN_BEFORE_START = timedelta(days=7)
UNSIGNED_STATUSES = (Status.REFERRED, Status.PLANNING, Status.AGREED)


def missing_key(placement_id: int) -> str:
    return f"signature-missing:{placement_id}"


def mismatch_key(document) -> str:
    return f"document-hash:{document.kind}:{document.pk}:{document.sha256}"


def _signed(model, placement_ids) -> set[int]:
    """Placements whose newest version of `model` is frozen."""
    return set(
        model.objects.latest_per_placement()
        .filter(placement_id__in=placement_ids, frozen_at__isnull=False)
        .values_list("placement_id", flat=True)
    )


def unsigned_words(*, agreement: bool, contract: bool) -> str:
    missing = [name for name, signed in (("agreement", agreement), ("contract", contract)) if not signed]
    return " and ".join(missing)


def _tell(raised: flags.Raised, template: str, now: datetime, context_of) -> None:
    tellings = []
    for key in raised.new:
        flag = raised.flags[key]
        notice = Notice(
            users=list(staff_with_role(flag.school, Role.HEAD)),
            school=flag.school,
            key=f"flag:{flag.pk}:raised",
            subject=flag.summary,
            template=template,
            context={"flag": flag, **context_of(flag)},
            url=flag.url,
        )
        tellings.append(flags.Telling(flag, notice, "the head teacher"))
    flags.tell(tellings, now=now)


def check_unsigned(*, now: datetime | None = None) -> dict[str, int]:
    """A flag for each placement starting within a week without its signed documents; resolve the rest."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    placements = list(
        Placement.objects.filter(status__in=UNSIGNED_STATUSES, start_date__lte=today + WARN_BEFORE_START)
        .select_related("learner", "school", "provider")
        .order_by("pk")
    )
    ids = [p.pk for p in placements]
    agreements, contracts = _signed(Agreement, ids), _signed(ParentContract, ids)
    specs = []
    for placement in placements:
        if placement.pk in agreements and placement.pk in contracts:
            continue
        missing = unsigned_words(agreement=placement.pk in agreements, contract=placement.pk in contracts)
        specs.append(
            flags.FlagSpec(
                key=missing_key(placement.pk),
                school_id=placement.school_id,
                summary=f"{placement.learner.display_name}: the {missing} not signed; the placement at "
                f"{placement.provider} starts {date_words(placement.start_date)}",
                url=placement.get_absolute_url() + "documents/",
                subject=placement,
            )
        )
    with transaction.atomic():
        raised = flags.raise_flags(SIGNATURE_MISSING, specs, now=now)
        _tell(raised, "placements/email/signature_missing.txt", now, lambda flag: {})
    resolved = resolve_signed(None, now=now)
    return {"raised": len(raised.new), "resolved": resolved}


def resolve_signed(placement: Placement | None, *, now: datetime | None = None) -> int:
    """Resolve open signature flags whose placement has both documents signed, or has finished."""
    open_flags = Flag.objects.open().of_kind(SIGNATURE_MISSING.name)
    if placement is not None:
        open_flags = open_flags.filter(key=missing_key(placement.pk))
    found = {int(key.rsplit(":", 1)[1]): pk for pk, key in open_flags.values_list("pk", "key")}
    if not found:
        return 0
    agreements, contracts = _signed(Agreement, found), _signed(ParentContract, found)
    statuses = dict(Placement.objects.filter(pk__in=found).values_list("pk", "status"))
    reasons = {}
    for placement_id, flag_pk in found.items():
        if placement_id in agreements and placement_id in contracts:
            reasons[flag_pk] = "Agreement and contract signed"
        elif statuses.get(placement_id) not in UNSIGNED_STATUSES:
            reasons[flag_pk] = "The placement has finished"
    return flags.resolve_each(reasons, now=now)


def check_document_hashes(*, now: datetime | None = None) -> dict[str, int]:
    """The nightly check: re-hash every stored signed PDF; a flag for each that no longer matches."""
    now = now or timezone.now()
    checked = 0
    specs = []
    for model in (Agreement, ParentContract):
        for document in model.objects.filter(frozen_at__isnull=False).select_related("placement__learner"):
            checked += 1
            try:
                matches = document.stored_hash() == document.sha256
            except OSError:
                matches = False
            if matches:
                continue
            specs.append(
                flags.FlagSpec(
                    key=mismatch_key(document),
                    school_id=document.placement.school_id,
                    summary=f"The signed {document.kind} (version {document.version}) for "
                    f"{document.placement.learner.display_name} no longer matches the file that was signed",
                    url=document.get_absolute_url(),
                    subject=document,
                )
            )
    with transaction.atomic():
        raised = flags.raise_flags(DOCUMENT_HASH_MISMATCH, specs, now=now)
        _tell(raised, "placements/email/document_hash_mismatch.txt", now, lambda flag: {})
    return {"checked": checked, "mismatched": len(specs), "raised": len(raised.new)}
