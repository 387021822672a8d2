import hashlib
from datetime import date, timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from altprov.models import Membership, Role, School, User
from placements.models import (
    ClosureKind,
    Contact,
    EvidenceItem,
    EvidenceType,
    Learner,
    Placement,
    PlacementTarget,
    PlacementTimetable,
    Provider,
    ProviderApproval,
    ProviderClosure,
    ProviderReview,
    ProviderSite,
    RegistrationCategory,
    SchoolClosure,
    Term,
    TermName,
)
from placements.models.timetables import SESSION_FIELDS
from placements.validators import make_upn

FIRST_NAMES = ["Amira", "Ben", "Chloe", "Daniel", "Ella", "Finn", "Grace", "Harvey", "Isla", "Jayden"]
LAST_NAMES = ["Ahmed", "Brown", "Clarke", "Davies", "Evans", "Foster", "Green", "Hughes", "Iqbal", "Jones"]


def school_year_for(day: date) -> str:
    """ "2026/27" for any date from September 2026 to August 2027."""
    first = day.year if day.month >= 9 else day.year - 1
    return f"{first}/{(first + 1) % 100:02d}"


class UserFactory(DjangoModelFactory):
    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Iterator(FIRST_NAMES)
    last_name = factory.Sequence(lambda n: f"Staff{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@school.example")
    password = factory.PostGenerationMethodCall("set_password", "pw")

    class Meta:
        model = User
        skip_postgeneration_save = True

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        # set_password only changes the instance; store the hash.
        if create:
            instance.save(update_fields=["password"])


class SchoolFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"School {n} Academy")
    urn = factory.Sequence(lambda n: f"{100000 + n:06d}")
    address = "1 School Lane\nTownley"
    phone = "01632 960000"
    email = factory.LazyAttribute(lambda o: f"office@{o.urn}.school.example")
    dsl_name = "Dana Lead"
    dsl_phone = "01632 960001"
    dsl_email = factory.LazyAttribute(lambda o: f"dsl@{o.urn}.school.example")

    class Meta:
        model = School


class MembershipFactory(DjangoModelFactory):
    user = factory.SubFactory(UserFactory)
    school = factory.SubFactory(SchoolFactory)
    role = Role.HEAD

    class Meta:
        model = Membership


class TermFactory(DjangoModelFactory):
    """Autumn 2026 by default, half term 26-30 October."""

    school = factory.SubFactory(SchoolFactory)
    name = TermName.AUTUMN
    start_date = date(2026, 9, 2)
    end_date = date(2026, 12, 18)
    half_term_start = date(2026, 10, 26)
    half_term_end = date(2026, 10, 30)
    school_year = factory.LazyAttribute(lambda o: school_year_for(o.start_date))

    class Meta:
        model = Term


class SchoolClosureFactory(DjangoModelFactory):
    school = factory.SubFactory(SchoolFactory)
    date = factory.Sequence(lambda n: date(2026, 9, 7) + timedelta(days=n))
    kind = ClosureKind.INSET
    description = "INSET day"

    class Meta:
        model = SchoolClosure


class ProviderFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Provider {n} Ltd")
    registration_category = RegistrationCategory.NON_SCHOOL
    lead_contact_name = "Lee Contact"
    lead_contact_email = factory.Sequence(lambda n: f"lead{n}@provider.example")
    lead_contact_phone = "01632 960100"
    attendance_contact_name = "Ash Register"
    attendance_contact_email = factory.Sequence(lambda n: f"attendance{n}@provider.example")
    attendance_contact_phone = "01632 960101"

    class Meta:
        model = Provider

    class Params:
        registered_school = factory.Trait(
            registration_category=RegistrationCategory.SCHOOL,
            urn=factory.Sequence(lambda n: f"{200000 + n:06d}"),
        )
        fe = factory.Trait(
            registration_category=RegistrationCategory.FE,
            ukprn=factory.Sequence(lambda n: f"{10000000 + n:08d}"),
        )
        team_teach = factory.Trait(
            team_teach_trained=True,
            team_teach_evidence_date=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=60)),
        )


class ProviderClosureFactory(DjangoModelFactory):
    """A closure for the school of the provider's first placement (or a new school)."""

    provider = factory.SubFactory(ProviderFactory)
    school = factory.LazyAttribute(
        lambda o: p.school if (p := o.provider.placements.first()) else SchoolFactory()
    )
    start_date = date(2026, 10, 12)
    end_date = date(2026, 10, 13)
    reason = "Staff training"

    class Meta:
        model = ProviderClosure


class ProviderSiteFactory(DjangoModelFactory):
    provider = factory.SubFactory(ProviderFactory)
    name = factory.Sequence(lambda n: f"Site {n}")
    address = "Unit 4, Riverside Works\nTownley"
    postcode = "TN1 4RW"
    phone = "01632 960200"

    class Meta:
        model = ProviderSite


class EvidenceItemFactory(DjangoModelFactory):
    """An item of the seeded type `type_code`, received today and valid for a year."""

    provider = factory.SubFactory(ProviderFactory)
    evidence_type = factory.LazyAttribute(lambda o: EvidenceType.objects.get(code=o.type_code))
    date_received = factory.LazyFunction(timezone.localdate)
    expires_on = factory.LazyAttribute(lambda o: o.date_received + timedelta(days=365))
    checked_by = factory.SubFactory(UserFactory)

    class Meta:
        model = EvidenceItem

    class Params:
        type_code = "insurance"


class ProviderApprovalFactory(DjangoModelFactory):
    provider = factory.SubFactory(ProviderFactory)
    school = factory.SubFactory(SchoolFactory)
    approved_by = factory.SubFactory(UserFactory)
    approved_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = ProviderApproval


class ProviderReviewFactory(DjangoModelFactory):
    provider = factory.SubFactory(ProviderFactory)
    school = factory.SubFactory(SchoolFactory)
    review_date = factory.LazyFunction(timezone.localdate)
    reviewer = factory.SubFactory(UserFactory)
    outcome = ProviderReview.Outcome.SUITABLE
    notes = "Good engagement; registers returned on time."
    next_review_due = factory.LazyAttribute(lambda o: o.review_date + timedelta(weeks=26))

    class Meta:
        model = ProviderReview


class LearnerFactory(DjangoModelFactory):
    school = factory.SubFactory(SchoolFactory)
    legal_first_name = factory.Iterator(FIRST_NAMES)
    legal_last_name = factory.Iterator(LAST_NAMES)
    upn = factory.Sequence(lambda n: make_upn(f"{82000000000 + n:011d}{n % 10}"))
    year_group = 10
    # Born in the March of the school year that puts them in `year_group` in 2026/27.
    date_of_birth = factory.LazyAttribute(lambda o: date(2026 - 4 - o.year_group, 3, 15))

    class Meta:
        model = Learner


class ContactFactory(DjangoModelFactory):
    learner = factory.SubFactory(LearnerFactory)
    name = factory.Sequence(lambda n: f"Parent {n}")
    relationship = "Mother"
    phone = "07700 900000"
    email = factory.Sequence(lambda n: f"parent{n}@home.example")
    is_parent_carer = True
    parental_responsibility = True

    class Meta:
        model = Contact


class PlacementFactory(DjangoModelFactory):
    """A referred placement, Monday and Tuesday mornings, starting today for 12 weeks.

    Session flags (`wed_pm=True`, `tue_am=False`) make its timetable: one
    version, in force from the start date.
    """

    learner = factory.SubFactory(LearnerFactory)
    school = factory.SelfAttribute("learner.school")
    provider = factory.SubFactory(ProviderFactory)
    # The provider's first site if it has one, else a new site of that provider.
    site = factory.Maybe(
        factory.LazyAttribute(lambda o: o.provider.pk is not None and o.provider.sites.exists()),
        yes_declaration=factory.LazyAttribute(lambda o: o.provider.sites.first()),
        no_declaration=factory.SubFactory(ProviderSiteFactory, provider=factory.SelfAttribute("..provider")),
    )
    referral_reasons = factory.LazyFunction(lambda: ["attendance"])
    rationale = "Small-group vocational learning to rebuild attendance."
    start_date = factory.LazyFunction(timezone.localdate)
    target_end_date = factory.LazyAttribute(lambda o: o.start_date + timedelta(weeks=12))

    class Meta:
        model = Placement

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        flags = {"mon_am": True, "tue_am": True} | {
            name: kwargs.pop(name) for name in SESSION_FIELDS if name in kwargs
        }
        placement = super()._create(model_class, *args, **kwargs)
        PlacementTimetable.objects.create(placement=placement, effective_from=placement.start_date, **flags)
        return placement

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        if set(SESSION_FIELDS) & set(kwargs):
            raise TypeError("An unsaved placement has no timetable: create it instead.")
        return super()._build(model_class, *args, **kwargs)


class PlacementTargetFactory(DjangoModelFactory):
    placement = factory.SubFactory(PlacementFactory)
    description = "Attend every timetabled session"
    baseline = "62% attendance last half term"
    measure = "Session marks from the provider"

    class Meta:
        model = PlacementTarget


def complete_evidence(provider: Provider, checked_by: User, today: date) -> list[EvidenceItem]:
    """A current item (received a month ago, valid for a year) for every mandatory type."""
    items = []
    for evidence_type in EvidenceType.objects.filter(mandatory=True):
        extra = {}
        if evidence_type.needs_policy_version:
            extra = {"policy_version": "2026.1", "policy_date": today - timedelta(days=60)}
        items.append(
            EvidenceItemFactory(
                provider=provider,
                evidence_type=evidence_type,
                checked_by=checked_by,
                date_received=today - timedelta(days=30),
                expires_on=today + timedelta(days=365),
                **extra,
            )
        )
    return items


def approved_provider(school: School, dsl: User, today: date, **kwargs) -> Provider:
    """A provider ready for placements at `school`: evidence complete, Team Teach, a site, approved."""
    kwargs.setdefault("team_teach_trained", True)
    kwargs.setdefault("team_teach_evidence_date", today - timedelta(days=90))
    provider = ProviderFactory(**kwargs)
    ProviderSiteFactory(provider=provider)
    complete_evidence(provider, dsl, today)
    ProviderApprovalFactory(provider=provider, school=school, approved_by=dsl)
    return provider


def missing_report(*, school, provider, day, session="AM", stage="raised", now=None):
    """A missing-report flag as the job raises it: the flag and its attendance row."""
    from altprov.models import Flag
    from attendance.models import MissingReport

    now = now or timezone.now()
    flag = Flag.objects.create(
        kind="missing_report",
        key=f"missing:{school.pk}:{provider.pk}:{day}:{session}",
        school=school,
        subject_type=None,
        summary=f"{provider.name} has not reported {session} attendance",
        roles=",admin,",
        stage=stage,
        raised_at=now,
        escalated_at=now if stage == "escalated" else None,
    )
    return MissingReport.objects.create(flag=flag, school=school, provider=provider, day=day, session=session)


def signed_documents(placement: Placement, *, by: User | None = None):
    """A signed (frozen) agreement and contract for `placement`, as activation needs.

    The stored file is only named, not written: tests that read the PDF sign
    through placements.signing instead.
    """
    from placements.models import Agreement, AgreementTemplate, DocumentStatus, ParentContract
    from placements.signing import agreement_parts, contract_parts

    by = by or UserFactory()
    template = AgreementTemplate.current(placement.school)
    frozen = {
        "created_by": by,
        "status": DocumentStatus.SIGNED,
        "frozen_at": timezone.now(),
        "sha256": hashlib.sha256(b"signed").hexdigest(),
    }
    agreement = Agreement.objects.create(
        placement=placement,
        template=template,
        provider_expectations=template.provider_expectations,
        school_expectations=template.school_expectations,
        pdf=f"documents/{placement.pk}/agreement.pdf",
        **agreement_parts(placement),
        **frozen,
    )
    contract = ParentContract.objects.create(
        placement=placement,
        pdf=f"documents/{placement.pk}/contract.pdf",
        **contract_parts(placement),
        **frozen,
    )
    return agreement, contract
