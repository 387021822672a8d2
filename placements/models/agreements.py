"""The Alternative Provision Agreement, the parent/carer contract and their signatures.

Policy, "Referral Process" and "Example of documentation"; DESIGN.md
"Documents". Each document is versioned per placement. Its placement-specific
parts are captured when it is prepared (so the signed text is what was
shown), and once every required signature is in it is frozen: its PDF is
rendered once and stored with its SHA-256, and the row, its signatures and the
file refuse any change. A change is a new version, which starts unsigned.

Freezing is enforced here in the model (save(), delete()) and in the
QuerySet (update(), delete()), not only in the views: nothing in the code
can alter a signed document by a path that forgets to check.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from altprov.models import LinkToken, School

from .learners import Contact
from .placements import Placement

# The policy's "Example of documentation", with one change: its template says
# attendance is reported weekly, the policy's own "Attendance and
# Safeguarding" section and the law (a mark every AM and PM session, School
# Attendance (Pupil Registration) (England) Regulations 2024) need it daily,
# every session. The law wins (DESIGN.md).
PROVIDER_EXPECTATIONS = "\n".join(
    (
        "Adhere to the Child Protection and Safeguarding policies held by the school.",
        "Contact the school whenever the learner is absent, on the day, before the morning report cut-off.",
        (
            "Provide the school with attendance details every day, for every morning and afternoon "
            "session the learner is expected."
        ),
        "Inform the school of any serious behavioural incidents, on the day they happen.",
        "Raise any safeguarding concerns with the school's Designated Safeguarding Lead (DSL) at once.",
        "Facilitate regular visits from a school representative (at least twice each term).",
        "Complete a termly report as part of the school's monitoring process.",
    )
)

SCHOOL_EXPECTATIONS = "\n".join(
    (
        (
            "Ensure that the alternative provider holds copies of the school's Child Protection "
            "and Safeguarding policies."
        ),
        (
            "Provide relevant learner data to help facilitate the transition from school to the "
            "alternative provider."
        ),
        (
            "If appropriate, provide details of provision mapping and other relevant information "
            "to the alternative provider to cater for the Special Educational Needs of the "
            "learner."
        ),
        (
            "Arrange for an appropriate staff member to conduct periodic visits to the alternative "
            "provision site(s) to review the progress of the learner."
        ),
        (
            "Coordinate arrangements with the alternative provider for public examination entries "
            "and the completion of public examinations."
        ),
    )
)

# Policy, "Referral Process": "Once committed to alternative provision, learners
# must attend and parents/carers must support this."
ATTENDANCE_COMMITMENT = (
    "Once the placement starts, the learner must attend every session on the timetable, and "
    "parents/carers must support this. Not attending has the same consequences as not attending "
    "school, and may put the placement at risk."
)


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class FrozenDocument(Exception):
    """A signed (frozen) document, its signatures or its file were about to change."""

    def __init__(self, message: str = "This document is signed and frozen: make a new version to change it."):
        super().__init__(message)


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AWAITING = "awaiting", "Awaiting signatures"
    SIGNED = "signed", "Signed"


class FrozenQuerySet(models.QuerySet):
    """Bulk changes refuse to touch frozen rows (`frozen_filter` names what makes a row frozen)."""

    frozen_filter = Q(frozen_at__isnull=False)

    def _refuse_frozen(self) -> None:
        if self.filter(self.frozen_filter).exists():
            raise FrozenDocument

    def update(self, **kwargs):
        self._refuse_frozen()
        return super().update(**kwargs)

    update.queryset_only = True

    def delete(self):
        self._refuse_frozen()
        return super().delete()

    delete.queryset_only = True

    def latest_per_placement(self):
        """The newest version of each placement's document (older versions are kept as they were)."""
        newer = type(self)(self.model).filter(
            placement=models.OuterRef("placement"), version__gt=models.OuterRef("version")
        )
        return self.filter(~models.Exists(newer))


def document_upload_to(instance, filename: str) -> str:
    # Private storage (settings.STORAGES["default"]): never a public media URL.
    return f"documents/{instance.placement_id}/{filename}"


class SignedDocument(models.Model):
    """What the agreement and the contract share: version, status, dates, freezing.

    Freezing is held in three places, all here: save() and delete() refuse a
    frozen row, the QuerySet refuses bulk changes to one, and the database
    refuses a signed row without its time, file and hash
    (`document_constraints`). A subclass sets `kind` (its anchor on the
    placement's documents page and its file name) and `title`.
    """

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT)
    version = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    frozen_at = models.DateTimeField(null=True, blank=True)
    pdf = models.FileField(upload_to=document_upload_to, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)

    objects = FrozenQuerySet.as_manager()

    kind: str
    title: str

    class Meta:
        abstract = True
        ordering = ["placement", "-version"]

    def save(self, *args, **kwargs):
        if self.pk is not None and type(self).objects.filter(pk=self.pk, frozen_at__isnull=False).exists():
            raise FrozenDocument
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("placements:documents", args=[self.placement_id]) + f"#{self.kind}"

    def delete(self, *args, **kwargs):
        if self.pk is not None and type(self).objects.filter(pk=self.pk, frozen_at__isnull=False).exists():
            raise FrozenDocument
        return super().delete(*args, **kwargs)

    @staticmethod
    def document_constraints(prefix: str) -> list[models.BaseConstraint]:
        """The database's rules for a signed document, named `<prefix>_...` as in migration 0012.

        One version number per placement; a known status; a signed document
        has its frozen time, its stored file and a SHA-256, and an unsigned
        one is never frozen; the target end date is after the start date.
        """
        return [
            models.UniqueConstraint(fields=["placement", "version"], name=f"{prefix}_unique_version"),
            models.CheckConstraint(
                condition=Q(status__in=DocumentStatus.values), name=f"{prefix}_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(
                    status=DocumentStatus.SIGNED, frozen_at__isnull=False, sha256__regex=r"^[0-9a-f]{64}$"
                )
                & ~Q(pdf="")
                | (~Q(status=DocumentStatus.SIGNED) & Q(frozen_at__isnull=True)),
                name=f"{prefix}_signed_is_frozen",
            ),
            models.CheckConstraint(
                condition=Q(target_end_date__gt=models.F("start_date")), name=f"{prefix}_dates"
            ),
        ]

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    @property
    def school(self) -> School:
        return self.placement.school

    def stored_hash(self) -> str:
        """The SHA-256 of the stored file as it is now (for the nightly check)."""
        digest = hashlib.sha256()
        with self.pdf.open("rb") as stored:
            for chunk in iter(lambda: stored.read(65536), b""):
                digest.update(chunk)
        return digest.hexdigest()

    @property
    def filename(self) -> str:
        return f"{self.kind}-{self.placement_id}-v{self.version}.pdf"


class AgreementTemplate(models.Model):
    """The standard clauses of the agreement, editable by SLT; each change is a new version."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="agreement_templates")
    version = models.PositiveSmallIntegerField()
    provider_expectations = models.TextField(
        "the school expects that the alternative provider will",
        default=PROVIDER_EXPECTATIONS,
        help_text="One expectation per line.",
    )
    school_expectations = models.TextField(
        "the alternative provider can expect that the school will",
        default=SCHOOL_EXPECTATIONS,
        help_text="One expectation per line.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["school", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["school", "version"], name="agreement_template_unique_version"),
            models.CheckConstraint(
                condition=~Q(provider_expectations="") & ~Q(school_expectations=""),
                name="agreement_template_has_clauses",
            ),
        ]

    def __str__(self) -> str:
        return f"Agreement wording, version {self.version}"

    @classmethod
    def current(cls, school: School) -> "AgreementTemplate":
        """The school's newest wording; the policy's own wording as version 1 if it has none."""
        found = cls.objects.filter(school=school).order_by("-version").first()
        if found is None:
            found, _ = cls.objects.get_or_create(school=school, version=1)
        return found

    @property
    def provider_list(self) -> list[str]:
        return lines(self.provider_expectations)

    @property
    def school_list(self) -> list[str]:
        return lines(self.school_expectations)


class Agreement(SignedDocument):
    """The Alternative Provision Agreement between the school and the provider, one version of it."""

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="agreements")
    template = models.ForeignKey(AgreementTemplate, on_delete=models.PROTECT, related_name="agreements")
    # The standard clauses as they stood in the template used: the signed text never changes.
    provider_expectations = models.TextField()
    school_expectations = models.TextField()
    # Placement-specific parts, captured when the agreement is prepared.
    learner_name = models.CharField("name of learner", max_length=200)
    learner_dob = models.DateField("date of birth", null=True, blank=True)
    provider_name = models.CharField("alternative provider", max_length=200)
    site = models.TextField("site and address")
    start_date = models.DateField()
    target_end_date = models.DateField()
    timetable = models.TextField("timetable", help_text="The weekly sessions at the provider.")
    hours = models.CharField("hours a week", max_length=100)
    targets = models.TextField("objectives and targets")
    review_dates = models.TextField("review dates")
    attendance_code = models.CharField(
        "attendance code", max_length=200, help_text="The register code used for sessions attended."
    )
    dsl_contact = models.TextField("how to reach the DSL urgently")
    suspension = models.TextField("if the learner is suspended")
    history = HistoricalRecords()

    kind = "agreement"
    title = "Alternative Provision Agreement"

    class Meta(SignedDocument.Meta):
        constraints = SignedDocument.document_constraints("agreement")

    def __str__(self) -> str:
        return f"Alternative Provision Agreement v{self.version}: {self.learner_name}"

    @property
    def provider_list(self) -> list[str]:
        return lines(self.provider_expectations)

    @property
    def school_list(self) -> list[str]:
        return lines(self.school_expectations)


class ParentContract(SignedDocument):
    """The parent/carer contract (policy, "Referral Process"): one placement, one version."""

    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, related_name="contracts")
    learner_name = models.CharField("name of learner", max_length=200)
    provider_name = models.CharField("alternative provider", max_length=200)
    site = models.TextField("site and address")
    start_date = models.DateField()
    target_end_date = models.DateField()
    timetable = models.TextField("timetable")
    reasons = models.TextField(
        "why the placement is offered", help_text="As explained to the learner and parents/carers."
    )
    responsibilities = models.TextField(
        "responsibilities for supporting the learner", help_text="Agreed at the initial meeting."
    )
    attendance_commitment = models.TextField("commitment to attend", default=ATTENDANCE_COMMITMENT)
    targets = models.TextField("targets agreed at the initial meeting")
    review_timescales = models.TextField("how and when the contract is reviewed")
    contacts = models.TextField("who to contact")
    history = HistoricalRecords()

    kind = "contract"
    title = "Alternative Provision Contract (parents and carers)"

    class Meta(SignedDocument.Meta):
        constraints = SignedDocument.document_constraints("contract")

    def __str__(self) -> str:
        return f"Parent/carer contract v{self.version}: {self.learner_name}"


class SignerRole(models.TextChoices):
    HEAD = "head", "Head teacher"
    PROVIDER = "provider", "Head teacher or leader, alternative provider"
    PARENT = "parent", "Parent/carer"


class SignMethod(models.TextChoices):
    STAFF = "staff", "Signed in to altprov"
    LINK = "link", "By an emailed link"


DECLARATION = {
    SignerRole.HEAD: (
        "I have read this agreement and agree, on behalf of the school, to what the school will do."
    ),
    SignerRole.PROVIDER: (
        "I have read this agreement and agree, on behalf of the alternative provider, to what the "
        "provider will do. I am its head teacher or leader, or authorised by them to sign."
    ),
    SignerRole.PARENT: (
        "I have read this contract. I have parental responsibility for the learner, I understand why "
        "the placement is offered, and I agree to support the learner to attend and to the "
        "arrangements above."
    ),
}


class SignatureQuerySet(FrozenQuerySet):
    frozen_filter = Q(agreement__frozen_at__isnull=False) | Q(contract__frozen_at__isnull=False)

    def pending(self):
        return self.filter(signed_at__isnull=True, declined_at__isnull=True)


class Signature(models.Model):
    """One signer of one document version: requested when the document is sent, then signed or declined.

    The head teacher signs the agreement in the app; the provider's head or
    leader signs it by link; each parent/carer with parental responsibility
    signs the contract by link, and may decline with a reason.
    """

    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, null=True, blank=True, related_name="signatures"
    )
    contract = models.ForeignKey(
        ParentContract, on_delete=models.PROTECT, null=True, blank=True, related_name="signatures"
    )
    role = models.CharField(max_length=10, choices=SignerRole.choices)
    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="signatures"
    )
    # Who is asked (the provider's lead contact, the parent's name as the school holds it).
    requested_name = models.CharField(max_length=200)
    requested_email = models.EmailField(blank=True)
    requested_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(default=0)
    name = models.CharField("full name, as typed", max_length=200, blank=True)
    declaration = models.BooleanField(default=False)
    drawn = models.TextField("drawn signature (data URL)", blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    method = models.CharField(max_length=10, choices=SignMethod.choices, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    link = models.ForeignKey(LinkToken, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    declined_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)

    objects = SignatureQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(agreement__isnull=False, contract__isnull=True)
                | Q(agreement__isnull=True, contract__isnull=False),
                name="signature_one_document",
            ),
            models.CheckConstraint(
                condition=Q(
                    agreement__isnull=False,
                    role__in=[SignerRole.HEAD, SignerRole.PROVIDER],
                    contact__isnull=True,
                )
                | Q(contract__isnull=False, role=SignerRole.PARENT, contact__isnull=False),
                name="signature_role_fits_document",
            ),
            models.UniqueConstraint(
                fields=["agreement", "role"],
                condition=Q(agreement__isnull=False),
                name="signature_once_per_agreement_role",
            ),
            models.UniqueConstraint(
                fields=["contract", "contact"],
                condition=Q(contract__isnull=False),
                name="signature_once_per_contract_parent",
            ),
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True) | Q(declined_at__isnull=True),
                name="signature_signed_or_declined",
            ),
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True) | (~Q(name="") & Q(declaration=True) & ~Q(method="")),
                name="signature_signed_has_name_and_declaration",
            ),
            models.CheckConstraint(
                condition=Q(signed_at__isnull=True) | ~Q(method=SignMethod.STAFF) | Q(user__isnull=False),
                name="signature_staff_has_user",
            ),
            models.CheckConstraint(
                condition=Q(declined_at__isnull=True) | (Q(role=SignerRole.PARENT) & ~Q(decline_reason="")),
                name="signature_parent_declines_with_reason",
            ),
            models.CheckConstraint(condition=Q(role__in=SignerRole.values), name="signature_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.name or self.requested_name}"

    def save(self, *args, **kwargs):
        if self._frozen_in_db():
            raise FrozenDocument
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._frozen_in_db():
            raise FrozenDocument
        return super().delete(*args, **kwargs)

    def _frozen_in_db(self) -> bool:
        if self.agreement_id:
            return Agreement.objects.filter(pk=self.agreement_id, frozen_at__isnull=False).exists()
        return ParentContract.objects.filter(pk=self.contract_id, frozen_at__isnull=False).exists()

    @property
    def document(self) -> Agreement | ParentContract:
        return self.agreement if self.agreement_id else self.contract

    @property
    def declaration_text(self) -> str:
        return DECLARATION[self.role]

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    @property
    def is_declined(self) -> bool:
        return self.declined_at is not None

    @property
    def state(self) -> str:
        if self.is_signed:
            return "signed"
        if self.is_declined:
            return "declined"
        return "waiting"
