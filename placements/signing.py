"""Preparing, sending, signing and freezing the agreement and the parent/carer contract.

Policy, "Referral Process": the head teacher and the provider's head or
leader sign the Alternative Provision Agreement; the learner's parents/carers
sign the contract. Here: the head signs in the app; the provider's lead
contact and each parent/carer with parental responsibility sign through a
link (altprov.links: random, hashed, scoped to one signature of one document
version, expiring, revocable). When every required signature is in, the
document is frozen (models/agreements.py): its PDF is rendered once and
stored with its SHA-256.

Who must sign: the agreement, the head teacher and the provider; the
contract, every parent/carer contact of the learner with parental
responsibility when it is sent (each gets a Signature row then). A parent
who declines stops the contract from being signed: the school talks to them
and sends a new version.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from simple_history.utils import bulk_create_with_history

from altprov import links
from altprov.models import LinkAudience, LinkPurpose, LinkToken, Role
from altprov.notifications import Notice, notify_all, render_text, staff_with_role
from altprov.pdf import render_pdf

from .models import (
    Agreement,
    AgreementTemplate,
    DocumentStatus,
    ParentContract,
    Placement,
    Signature,
    SignerRole,
    SignMethod,
)
from .models.agreements import ATTENDANCE_COMMITMENT, DECLARATION  # noqa: F401
from .models.placements import OPEN_STATUSES

LINK_LIFETIME = timedelta(days=14)
# A signer who has not signed is reminded every this many days (on weekdays).
REMIND_EVERY = timedelta(days=3)
MAX_REMINDERS = 5


class SigningError(Exception):
    """What stops a document from being prepared, sent or signed, in words for the person trying."""

    def __init__(self, reasons: list[str] | str):
        self.reasons = [reasons] if isinstance(reasons, str) else reasons
        super().__init__("; ".join(self.reasons))


Document = Agreement | ParentContract


def words(day) -> str:
    return format_date(day, "l j F Y")


# The placement's parts, captured in a new version ------------------------------


def _timetable(placement: Placement) -> str:
    timetable = placement.timetable
    return timetable.sessions_display() if timetable else "No sessions yet"


def _targets(placement: Placement) -> str:
    rows = [f"{t.description} (now: {t.baseline}; measured by: {t.measure})" for t in placement.targets.all()]
    return "\n".join(rows) or "To be agreed."


def _reviews(placement: Placement) -> str:
    return (
        f"Every {placement.review_frequency_weeks} weeks from {words(placement.start_date)}, with the "
        "school, the provider, the learner and parents/carers. A termly report from the provider each "
        "term; visits from the school at least twice each term."
    )


def _dsl(placement: Placement) -> str:
    school = placement.school
    return (
        f"{school.dsl_name}, Designated Safeguarding Lead, {school.name}: phone {school.dsl_phone}, "
        f"email {school.dsl_email}. If the DSL cannot be reached, phone the school on {school.phone}. "
        "If a child is in immediate danger, phone 999 first."
    )


def _parts(placement: Placement) -> dict:
    """What both documents take from the placement when a version is prepared."""
    return {
        "learner_name": placement.learner.display_name,
        "provider_name": placement.provider.name,
        "site": f"{placement.site.name}, {placement.site.full_address}",
        "start_date": placement.start_date,
        "target_end_date": placement.target_end_date,
        "timetable": _timetable(placement),
        "targets": _targets(placement),
    }


def agreement_parts(placement: Placement) -> dict:
    code = placement.attended_code
    return _parts(placement) | {
        "learner_dob": placement.learner.date_of_birth,
        "hours": f"{placement.weekly_hours} hours a week ({placement.sessions_per_week} sessions)",
        "review_dates": _reviews(placement),
        "attendance_code": (
            f"{code}: {placement.get_arrangement_display()}. Every morning and afternoon session is "
            "reported to the school on the day; absences are given the school's absence codes."
        ),
        "dsl_contact": _dsl(placement),
        "suspension": (
            "If the learner is suspended by the school, the school tells the provider the same day, and "
            "the learner does not attend the provider during the suspension unless the school arranges "
            "it. If the provider excludes the learner from a session, it phones the school at once; the "
            "school, not the provider, decides any suspension."
        ),
    }


def contract_parts(placement: Placement) -> dict:
    reasons = "\n".join(placement.reasons_display())
    school = placement.school
    contacts = [f"{school.name}: {school.phone}" + (f", {school.email}" if school.email else "")]
    if placement.visiting_staff:
        contacts.append(f"{placement.visiting_staff}, the member of staff who visits the placement")
    contacts.append(f"For a worry about the learner's safety: {school.dsl_name} (DSL), {school.dsl_phone}")
    return _parts(placement) | {
        "reasons": f"{reasons}\n{placement.rationale}".strip(),
        "responsibilities": (
            "Parents/carers: make sure the learner goes to every session on time, and phone the school "
            "before the session if the learner cannot attend. Tell the school about anything that may "
            "affect the placement.\nThe school: keeps the learner on roll, checks attendance every "
            "session, visits the placement and keeps parents/carers informed.\nThe provider: teaches "
            "the learner and reports attendance to the school every session."
        ),
        "attendance_commitment": ATTENDANCE_COMMITMENT,
        "review_timescales": (
            f"Progress is reviewed every {placement.review_frequency_weeks} weeks against the targets "
            "below, with parents/carers invited. The contract is reviewed at the same time."
        ),
        "contacts": "\n".join(contacts),
    }


def _lock_placement(placement: Placement) -> Placement:
    return (
        Placement.objects.select_for_update(of=("self",))
        .select_related("school", "learner", "provider", "site")
        .get(pk=placement.pk)
    )


def latest(model: type[Document], placement: Placement) -> Document | None:
    return model.objects.filter(placement=placement).order_by("-version").first()


@transaction.atomic
def prepare(*, model: type[Document], placement: Placement, by) -> Document:
    """A new version from the placement as it is now (and, for the agreement, the school's current wording).

    Every earlier version not yet signed stops being the one to sign: its
    links stop working. A signed version stays as it was.
    """
    placement = _lock_placement(placement)
    if placement.status not in OPEN_STATUSES:
        raise SigningError("A placement that has finished needs no new agreement or contract.")
    version = (model.objects.filter(placement=placement).aggregate(v=Max("version"))["v"] or 0) + 1
    if model is Agreement:
        template = AgreementTemplate.current(placement.school)
        document = Agreement.objects.create(
            placement=placement,
            version=version,
            created_by=by,
            template=template,
            provider_expectations=template.provider_expectations,
            school_expectations=template.school_expectations,
            **agreement_parts(placement),
        )
    else:
        document = ParentContract.objects.create(
            placement=placement, version=version, created_by=by, **contract_parts(placement)
        )
    older = model.objects.filter(placement=placement, frozen_at__isnull=True).exclude(pk=document.pk)
    older_signatures = Signature.objects.filter(**{f"{model.kind}__in": older})
    LinkToken.objects.about(Signature, older_signatures.values("pk")).usable(timezone.now()).update(
        revoked_at=timezone.now(), revoked_by=by
    )
    return document


def prepare_agreement(*, placement: Placement, by) -> Agreement:
    return prepare(model=Agreement, placement=placement, by=by)


def prepare_contract(*, placement: Placement, by) -> ParentContract:
    return prepare(model=ParentContract, placement=placement, by=by)


def is_current(document: Document) -> bool:
    return (
        not type(document)
        .objects.filter(placement_id=document.placement_id, version__gt=document.version)
        .exists()
    )


# Sending ----------------------------------------------------------------------


def _signers(document: Document) -> list[Signature]:
    """The Signature rows (not saved) a document needs, or the reasons it cannot be sent."""
    placement = document.placement
    now = timezone.now()
    if isinstance(document, Agreement):
        provider = placement.provider
        problems = []
        if not provider.lead_contact_email.strip():
            problems.append(
                f"{provider} has no lead contact email. Add it on the provider page, then send the "
                "agreement for signature."
            )
        if problems:
            raise SigningError(problems)
        return [
            Signature(
                agreement=document,
                role=SignerRole.HEAD,
                requested_name=f"Head teacher, {placement.school}",
                requested_at=now,
            ),
            Signature(
                agreement=document,
                role=SignerRole.PROVIDER,
                requested_name=provider.lead_contact_name,
                requested_email=provider.lead_contact_email.strip(),
                requested_at=now,
            ),
        ]
    parents = list(placement.learner.contacts.filter(parental_responsibility=True).order_by("priority", "pk"))
    if not parents:
        raise SigningError(
            "No contact on the learner's record has parental responsibility. Record who has it on the "
            "learner's record, then send the contract for signature."
        )
    missing = [c.name for c in parents if not c.email.strip()]
    if missing:
        raise SigningError(
            [
                f"{name} has parental responsibility but no email address. Add it on the learner's record, "
                "then send the contract for signature."
                for name in missing
            ]
        )
    return [
        Signature(
            contract=document,
            role=SignerRole.PARENT,
            contact=contact,
            requested_name=contact.name,
            requested_email=contact.email.strip(),
            requested_at=now,
        )
        for contact in parents
    ]


def _lock(document: Document) -> Document:
    return (
        type(document)
        .objects.select_for_update(of=("self",))
        .select_related("placement__school", "placement__learner", "placement__provider")
        .get(pk=document.pk)
    )


@transaction.atomic
def send_for_signature(*, document: Document, by) -> list[Signature]:
    """Ask every signer: a link to each one outside the school, a note to the head teachers."""
    document = _lock(document)
    if document.status != DocumentStatus.DRAFT:
        raise SigningError("This version has already been sent for signature.")
    if not is_current(document):
        raise SigningError("A newer version has been prepared: send that one.")
    signatures = _signers(document)
    bulk_create_with_history(signatures, Signature, default_user=by)
    document.status = DocumentStatus.AWAITING
    document.sent_at = timezone.now()
    document.save(update_fields=["status", "sent_at"])
    signatures = list(Signature.objects.filter(**{document.kind: document}).select_related("contact"))
    for signature in signatures:
        signature.agreement = document if document.kind == "agreement" else None
        signature.contract = document if document.kind == "contract" else None
    email_links([s for s in signatures if s.role != SignerRole.HEAD], kind="request", by=by)
    tell_heads(document, [s for s in signatures if s.role == SignerRole.HEAD], key="request")
    return signatures


@dataclass(frozen=True)
class _Email:
    subject: str
    template: str


EMAILS = {
    "request": _Email("please sign the {title} for {name}", "placements/email/signature_request.txt"),
    "reminder": _Email(
        "reminder: please sign the {title} for {name}", "placements/email/signature_request.txt"
    ),
    "fresh": _Email("your new link to sign the {title} for {name}", "placements/email/signature_request.txt"),
}


def email_links(signatures: list[Signature], *, kind: str, by=None, key_suffix: str = "") -> None:
    """A link for each signer outside the school, emailed to the address the school holds.

    Each new link switches off the signer's earlier ones. Call inside the
    transaction: the outbox sends after commit.
    """
    notices = []
    for signature in signatures:
        document = signature.document
        placement = document.placement
        school = placement.school
        link, token = links.issue_link(
            purpose=LinkPurpose.SIGNATURE,
            school=school,
            subject=signature,
            audience=LinkAudience.PARENT if signature.role == SignerRole.PARENT else LinkAudience.PROVIDER,
            recipient_name=signature.requested_name,
            recipient_email=signature.requested_email,
            by=by,
            expires_at=timezone.now() + LINK_LIFETIME,
            replace=True,
        )
        email = EMAILS[kind]
        title = "parent/carer contract" if document.kind == "contract" else "alternative provision agreement"
        context = {
            "signature": signature,
            "document": document,
            "title": title,
            "learner_name": document.learner_name,
            "provider_name": document.provider_name,
            "link_url": links.link_url(token),
            "last_day": words(timezone.localtime(link.expires_at).date()),
            "school": school,
            "reminder": kind == "reminder",
        }
        subject = email.subject.format(title=title, name=document.learner_name)
        notices.append(
            Notice(
                users=[],
                school=school,
                key=f"signature:{signature.pk}:{kind}{key_suffix}",
                subject=f"{school.name}: {subject}",
                body=render_text(email.template, context),
                addresses=[signature.requested_email],
                secret=True,
            )
        )
    notify_all(notices)


def tell_heads(document: Document, signatures: list[Signature], *, key: str) -> None:
    """The head teachers are asked, in the app and by email, to sign the agreement."""
    if not signatures:
        return
    placement = document.placement
    notify_all(
        [
            Notice(
                users=list(staff_with_role(placement.school, Role.HEAD)),
                school=placement.school,
                key=f"signature:{signatures[0].pk}:{key}",
                subject=f"Sign the alternative provision agreement for {document.learner_name}",
                template="placements/email/head_sign.txt",
                context={"document": document},
                url=reverse("placements:agreement_sign", args=[document.pk]),
            )
        ]
    )


# Signing ----------------------------------------------------------------------


def _locked_signature(signature: Signature) -> tuple[Signature, Document]:
    """Lock the document first (every signer of it waits in the same order), then the signature."""
    document = _lock(signature.document)
    signature = (
        Signature.objects.select_for_update(of=("self",)).select_related("contact").get(pk=signature.pk)
    )
    return signature, document


def _check_can_sign(signature: Signature, document: Document) -> None:
    if signature.is_signed:
        raise SigningError("This has already been signed.")
    if signature.is_declined:
        raise SigningError("This was declined. The school will be in touch.")
    if document.is_frozen or document.status != DocumentStatus.AWAITING:
        raise SigningError("This document is no longer waiting for signatures.")
    if not is_current(document):
        raise SigningError(
            "The school has changed this document since it was sent: a new version will follow."
        )
    if signature.role == SignerRole.PARENT and not signature.contact.parental_responsibility:
        # Checked at signing, not only at sending: the school's record may have changed since.
        raise SigningError(
            "Only a parent or carer with parental responsibility can sign this contract. Please phone the "
            "school."
        )


@transaction.atomic
def sign(
    *,
    signature: Signature,
    name: str,
    declaration: bool,
    ip: str | None,
    drawn: str = "",
    user=None,
    link: LinkToken | None = None,
    now: datetime | None = None,
) -> Signature:
    """Record a signature (typed name, declaration, IP, how); the last one freezes the document."""
    now = now or timezone.now()
    signature, document = _locked_signature(signature)
    _check_can_sign(signature, document)
    if not name.strip() or not declaration:
        raise SigningError("Type your full name and tick the declaration to sign.")
    signature.name = name.strip()
    signature.declaration = True
    signature.drawn = drawn if drawn.startswith("data:image/png;base64,") else ""
    signature.signed_at = now
    signature.ip_address = ip
    signature.method = SignMethod.STAFF if user is not None else SignMethod.LINK
    signature.user = user
    signature.link = link
    # The link keeps working until it expires: it is how the signer downloads what they signed.
    signature.save()
    if all_signed(document):
        freeze(document=document, now=now)
    return signature


@transaction.atomic
def decline(
    *, signature: Signature, reason: str, ip: str | None, link: LinkToken | None = None, now=None
) -> Signature:
    """A parent/carer declines, saying why; the staff who prepare documents are told."""
    now = now or timezone.now()
    signature, document = _locked_signature(signature)
    _check_can_sign(signature, document)
    if signature.role != SignerRole.PARENT:
        raise SigningError("Only a parent or carer may decline.")
    if not reason.strip():
        raise SigningError("Say why you do not want to sign.")
    signature.declined_at = now
    signature.decline_reason = reason.strip()
    signature.ip_address = ip
    signature.link = link
    signature.save()
    placement = document.placement
    notify_all(
        [
            Notice(
                users=list(staff_with_role(placement.school, Role.HEAD, Role.SLT, Role.PASTORAL)),
                school=placement.school,
                key=f"signature:{signature.pk}:declined",
                subject=f"Contract not signed: {signature.requested_name} declined ({document.learner_name})",
                template="placements/email/contract_declined.txt",
                context={"signature": signature, "document": document},
                url=document.get_absolute_url(),
            )
        ]
    )
    return signature


def all_signed(document: Document) -> bool:
    states = [(s.role, s.is_signed) for s in Signature.objects.filter(**{document.kind: document})]
    if not states or not all(signed for _, signed in states):
        return False
    if isinstance(document, Agreement):
        return {role for role, _ in states} == {SignerRole.HEAD, SignerRole.PROVIDER}
    return True


def render(document: Document) -> bytes:
    """The document's PDF as it stands (a draft says so on every page)."""
    template = "pdf/agreement.html" if isinstance(document, Agreement) else "pdf/contract.html"
    signatures = list(Signature.objects.filter(**{document.kind: document}).select_related("contact"))
    return render_pdf(
        template,
        {
            "document": document,
            "school": document.placement.school,
            "signatures": signatures,
        },
    )


def freeze(*, document: Document, now: datetime | None = None) -> None:
    """Render the PDF once, store it with its SHA-256; from now on the document cannot change."""
    now = now or timezone.now()
    # Set before rendering, so the stored PDF says it is signed (saved below, with the file and hash).
    document.status = DocumentStatus.SIGNED
    document.frozen_at = now
    data = render(document)
    document.pdf.save(document.filename, ContentFile(data), save=False)
    document.sha256 = hashlib.sha256(data).hexdigest()
    document.save(update_fields=["pdf", "sha256", "status", "frozen_at"])
    from .signature_flags import resolve_signed

    resolve_signed(document.placement, now=now)


# Links ------------------------------------------------------------------------


def reissue_signature_link(link: LinkToken) -> None:
    """ "Email me a fresh link": to the address the school holds, while the signature is still wanted."""
    signature = (
        Signature.objects.filter(pk=link.subject_id)
        .select_related("agreement", "contract", "contact")
        .first()
    )
    if signature is None or link.subject_type.model_class() is not Signature:
        return
    document = signature.document
    if document.placement.school_id != link.school_id or signature.state != "waiting":
        return
    if document.status != DocumentStatus.AWAITING or not is_current(document):
        return
    with transaction.atomic():
        sent = LinkToken.objects.about(Signature, [signature.pk]).count()
        email_links([signature], kind="fresh", key_suffix=f"-{sent}")


def send_reminders(*, now: datetime | None = None) -> int:
    """Remind every signer who has not signed, every few days (a few times at most), once per reminder.

    The claim is one conditional UPDATE of `reminded_at`: a second run, or
    a second worker, finds nothing due and sends nothing.
    """
    now = now or timezone.now()
    due = (
        Signature.objects.pending()
        .filter(
            requested_at__lte=now - REMIND_EVERY,
            reminders__lt=MAX_REMINDERS,
        )
        .exclude(reminded_at__gt=now - REMIND_EVERY)
    )
    due = due.filter(
        Q(agreement__status=DocumentStatus.AWAITING) | Q(contract__status=DocumentStatus.AWAITING)
    )
    ids = list(due.values_list("pk", flat=True))
    if not ids:
        return 0
    with transaction.atomic():
        # A claim by conditional update (no history row): a reminder's time and count decide
        # nothing about the signature, and the outbox keeps each reminder sent.
        Signature.objects.filter(pk__in=ids).exclude(reminded_at__gt=now - REMIND_EVERY).update(
            reminded_at=now, reminders=F("reminders") + 1
        )
        claimed = list(
            Signature.objects.filter(pk__in=ids, reminded_at=now).select_related(
                "contact", "agreement__placement__school", "contract__placement__school"
            )
        )
        current = [s for s in claimed if is_current(s.document)]
        for signature in current:
            if signature.role == SignerRole.HEAD:
                tell_heads(signature.document, [signature], key=f"reminder-{signature.reminders}")
            else:
                email_links([signature], kind="reminder", key_suffix=f"-{signature.reminders}")
    return len(current)
