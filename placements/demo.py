"""Demo data, placements' part (altprov/demo.py runs it after the schools and logins): the school
calendar, the provider directory with evidence and approvals, learners and placements.

Rows are found by natural key (UPN, provider name; a placement by learner, provider and start date),
so running the command again adds nothing. `--scale N` adds N-1 more copies of the main school's
learners, providers and placements, inserted in bulk, for benchmarks.
"""

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from operator import attrgetter
from typing import NamedTuple

from django.utils import timezone
from faker import Faker
from simple_history.utils import bulk_create_with_history

from altprov.demo import Demo
from altprov.models import School, User
from placements.models import (
    ClosureKind,
    Contact,
    CostBasis,
    EndReason,
    EvidenceItem,
    EvidenceType,
    Learner,
    OfstedGrade,
    Placement,
    PlacementTarget,
    PlacementTimetable,
    Provider,
    ProviderApproval,
    ProviderClosure,
    ProviderReview,
    ProviderSite,
    ReferralReason,
    RegistrationCategory,
    SchoolClosure,
    SenStatus,
    Status,
    StatusChange,
    Term,
    TermName,
)
from placements.validators import make_upn

SCHOOL_YEAR = "2026/27"
LEARNERS_PER_COPY = 40
CHANGE_REASON = "Demo data"

TERMS = [
    (TermName.AUTUMN, date(2026, 9, 2), date(2026, 12, 18), date(2026, 10, 26), date(2026, 10, 30)),
    (TermName.SPRING, date(2027, 1, 5), date(2027, 3, 26), date(2027, 2, 15), date(2027, 2, 19)),
    (TermName.SUMMER, date(2027, 4, 12), date(2027, 7, 21), date(2027, 5, 31), date(2027, 6, 4)),
]
# England's bank holidays (gov.uk) for the year. Those outside term are kept too, so a calendar
# or a provider's register never treats them as working days. Boxing Day 2026 is a Saturday,
# so the holiday moves to Monday 28 December.
# fmt: off
BANK_HOLIDAYS = [
    (date(2026, 12, 25), "Christmas Day"), (date(2026, 12, 28), "Boxing Day (substitute day)"),
    (date(2027, 1, 1), "New Year's Day"), (date(2027, 3, 26), "Good Friday"),
    (date(2027, 3, 29), "Easter Monday"), (date(2027, 5, 3), "Early May bank holiday"),
    (date(2027, 5, 31), "Spring bank holiday"),
]
# fmt: on
# INSET days fall on the first day of a term, so learners start the day after.
INSET_DAYS = {
    "main": [(date(2026, 9, 2), "Staff training: safeguarding update"), (date(2027, 1, 5), "Staff training")],
    "second": [(date(2026, 9, 2), "Staff training"), (date(2027, 4, 12), "Staff training")],
}


class ProviderSpec(NamedTuple):
    name: str
    category: str
    reference: str  # URN for a registered school, UKPRN for FE, blank for a non-school provider
    ofsted: tuple[str, date] | None
    team_teach: date | None
    rates: tuple[str, str]  # per session, per day
    lead: str
    attendance: str
    phone: str
    domain: str
    offer: str
    sites: list[tuple[str, str, str]]
    flag: str = ""  # "expired_insurance", "expiring" or "unapproved"


SCHOOL, FE, NON_SCHOOL = RegistrationCategory.SCHOOL, RegistrationCategory.FE, RegistrationCategory.NON_SCHOOL
# fmt: off
PROVIDERS = [
    ProviderSpec(
        "Watermead Outdoor Learning CIC", NON_SCHOOL, "", None, date(2026, 6, 12), ("55", "105"),
        "Gareth Pullen", "Nicola Farr", "0116 496 0311", "watermead-outdoor.example.org",
        "outdoor learning and bushcraft leading to AQA Unit Awards",
        [("Watermead Park base", "Wanlip Road\nSyston\nLeicester", "LE7 1PF"),
         ("Thurmaston workshop", "Unit 4, Melton Road\nThurmaston\nLeicester", "LE4 8BE")],
    ),
    ProviderSpec(
        "Charnwood College of Vocational Skills", FE, "10041287", (OfstedGrade.GOOD, date(2024, 3, 14)),
        date(2025, 11, 3), ("48", "90"), "Helen Tranter", "Student Services", "01509 496021",
        "charnwood-vocational.example.org",
        "Level 1 diplomas in construction, catering and motor vehicle studies",
        [("Loughborough campus", "Epinal Way\nLoughborough", "LE11 3EH"),
         ("Leicester Road centre", "210 Leicester Road\nLoughborough", "LE11 2AH")],
    ),
    ProviderSpec(
        "Abbey Park Learning Centre", SCHOOL, "146213", (OfstedGrade.GOOD, date(2025, 1, 22)),
        date(2026, 1, 9), ("62", "118"), "Martin Doyle", "Lisa Hewitt", "0116 496 0421",
        "abbeypark-lc.example.org",
        "small-group GCSE English, maths and science with a therapeutic curriculum",
        [("Main site", "Abbey Park Road\nLeicester", "LE4 5AQ")],
    ),
    ProviderSpec(
        "Wreake Valley Equine Therapy", NON_SCHOOL, "", None, None, ("70", "130"),
        "Claire Beaumont", "Claire Beaumont", "01664 496031", "wreake-equine.example.org",
        "equine-assisted learning and animal care units",
        [("Rearsby stables", "Brooksby Road\nRearsby\nLeicester", "LE7 4YB")],
    ),
    ProviderSpec(
        "Belgrave Motor Skills", NON_SCHOOL, "", None, date(2026, 4, 20), ("58", "110"),
        "Imran Chaudhry", "Sonia Pickering", "0116 496 0511", "belgrave-motor.example.org",
        "vehicle maintenance and an IMI Level 1 award",
        [("Workshop", "Units 7-8, Abbey Lane\nBelgrave\nLeicester", "LE4 5QX")],
    ),
    ProviderSpec(
        "Anstey Construction Training", NON_SCHOOL, "", None, date(2025, 9, 15), ("52", "100"),
        "Paul Hextall", "Debbie Hextall", "0116 496 0611", "anstey-construction.example.org",
        "bricklaying, joinery and a Level 1 health and safety award",
        [("Training yard", "Bradgate Road\nAnstey\nLeicester", "LE7 7AA")], "expired_insurance",
    ),
    ProviderSpec(
        "Rothley Farm Learning", NON_SCHOOL, "", None, date(2026, 2, 2), ("50", "95"),
        "Tom Wardle", "Amy Wardle", "0116 496 0711", "rothleyfarm.example.org",
        "land-based studies, animal husbandry and horticulture",
        [("Farm", "Hallfields Lane\nRothley\nLeicester", "LE7 7NF"),
         ("Garden centre classroom", "Fowke Street\nRothley\nLeicester", "LE7 7PJ")], "expiring",
    ),
    # New to the directory: approving it is the DSL's next job.
    ProviderSpec(
        "Humberstone Hair and Beauty Academy", FE, "10058934",
        (OfstedGrade.REQUIRES_IMPROVEMENT, date(2025, 6, 11)), date(2026, 3, 5), ("45", "85"),
        "Leanne Sharpe", "Leanne Sharpe", "0116 496 0811", "humberstone-hair.example.org",
        "VTCT Level 1 hair and beauty",
        [("Salon academy", "Uppingham Road\nHumberstone\nLeicester", "LE5 4BQ")], "unapproved",
    ),
]
# fmt: on

# fmt: off
SESSION_PATTERNS = {
    "tue": ["tue_am", "tue_pm"], "fri": ["fri_am", "fri_pm"], "thu_fri": ["thu_am", "thu_pm", "fri_am"],
    "am3": ["mon_am", "tue_am", "wed_am"], "mon_wed": ["mon_am", "mon_pm", "wed_am", "wed_pm"],
    "wed_fri": ["wed_am", "wed_pm", "thu_am", "thu_pm", "fri_am", "fri_pm"],
    # 22 hours a week: over the 18 at which an unregistered setting must register as a school.
    "mon_thu": ["mon_am", "mon_pm", "tue_am", "tue_pm", "wed_am", "wed_pm", "thu_am", "thu_pm"],
}
# fmt: on

# Learner attributes by index within a copy, chosen so the placements below keep the policy's rules.
YEAR_GROUPS = [10, 11, 9, 10, 11, 8, 10, 11, 9, 7]
LOOKED_AFTER = {3, 12, 26, 33}
SOCIAL_WORKER = LOOKED_AFTER | {7, 18, 29}
SAFEGUARDING = {7, 26}
RISK_ASSESSED = {1, 5, 9, 14, 21, 30, 37}
EHCP = {2, 9, 16, 24, 31}
SEN_SUPPORT = {0, 5, 11, 14, 20, 27, 35, 38}
# Common names for children born 2010-2015, reflecting Leicester's communities.
# fmt: off
BOYS = [
    "Oliver", "Jack", "Harry", "Charlie", "Jacob", "Thomas", "Alfie", "Riley", "William", "Joshua", "George",
    "Ethan", "Noah", "Samuel", "Mohammed", "Leo", "Dylan", "Archie", "Logan", "Kai", "Tyler", "Callum",
    "Ryan", "Arjun", "Yusuf", "Kacper", "Ibrahim", "Reece", "Jayden", "Alexander",
]
GIRLS = [
    "Amelia", "Olivia", "Emily", "Ava", "Isla", "Jessica", "Poppy", "Isabella", "Sophie", "Mia", "Ruby",
    "Lily", "Grace", "Evie", "Ella", "Scarlett", "Chloe", "Freya", "Charlotte", "Daisy", "Phoebe", "Millie",
    "Holly", "Maisie", "Leah", "Aaliyah", "Aisha", "Zara", "Anaya", "Maja",
]
PREFERRED = {"Thomas": "Tom", "Alexander": "Alex", "Samuel": "Sam", "Jessica": "Jess", "Oliver": "Ollie"}
TOWNS = [("Birstall", "LE4"), ("Syston", "LE7"), ("Thurmaston", "LE4"), ("Anstey", "LE7")]
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
PASSPORTS = {
    SenStatus.EHCP: "EHC plan: social, emotional and mental health needs. Key adult and a time-out card.",
    SenStatus.SUPPORT: "SEN support: dyslexia. Coloured overlays, a reader and extra time in assessments.",
}
COUNCIL_CONTACT = {
    "name": "Leicestershire County Council Children and Family Services", "relationship": "Corporate parent",
    "phone": "0116 496 0900", "email": "childrens.services@leicestershire.example.org",
    "is_parent_carer": False, "parental_responsibility": True, "emergency_contact": False,
}
RR = ReferralReason
REASON_SETS = [
    [RR.ATTENDANCE], [RR.EXCLUSION_RISK], [RR.STRENGTHS, RR.POST16], [RR.ATTENDANCE, RR.EXCLUSION_RISK],
    [RR.POST16], [RR.OTHER],
]
# fmt: on
OTHER_REASON = "Anxiety-based school avoidance; needs a smaller, calmer setting"

# description, baseline, measure
TARGETS = [
    ("Attend at least 90% of sessions at the provider", "71% attendance in summer 2026", "Daily marks"),
    ("Complete this year's Level 1 units", "No vocational units completed", "Provider's termly report"),
    ("Have no suspensions this term", "Two suspensions in 2025/26", "Incident reports and behaviour log"),
    ("Move up a level in Functional Skills English", "Entry Level 3", "Provider's termly assessment"),
    ("Move up a level in Functional Skills maths", "Entry Level 2", "Provider's termly assessment"),
    ("Arrive on time for 95% of sessions", "Late one day in three", "Punctuality in the daily register"),
    ("Apply for a post-16 course", "No post-16 plan", "Careers adviser's notes and the application"),
]
AGREED_NOTE = "Agreement signed by the head and provider; contract signed by the parent/carer."


class Plan(NamedTuple):
    learner: int  # index into the copy's learners
    provider: int  # index into PROVIDERS
    status: str
    sessions: str
    referred: date
    start: date
    target_end: date
    end: date | None = None
    reason: str = ""
    part_time: bool = False

    @property
    def meeting(self) -> date:
        return self.referred + timedelta(days=7)

    @property
    def agreed(self) -> date:
        return self.meeting + timedelta(days=3)


A, G, P, R, E, C = Status.ACTIVE, Status.AGREED, Status.PLANNING, Status.REFERRED, Status.ENDED, Status.CEASED
D = date
SUMMER_END, SPRING_END = D(2027, 7, 16), D(2027, 3, 25)
AUTUMN_END, HALF_TERM, AUTUMN_HALF = D(2026, 12, 18), D(2027, 2, 12), D(2026, 10, 23)
CEASED_REVIEWS = "Ceased after three unsatisfactory review meetings: attendance under 40% despite support."
CEASED_INCIDENT = "Serious incident at the provider on 8 October; SLT and the pastoral lead decided to cease."

# Learners with a behaviour risk assessment (RISK_ASSESSED) go only to Team Teach providers, so never
# to provider 3; a learner with two claiming placements has them on different days.
MAIN_PLAN = [
    Plan(0, 1, A, "mon_wed", D(2026, 6, 15), D(2026, 9, 7), SUMMER_END),
    Plan(1, 0, A, "tue", D(2026, 6, 15), D(2026, 9, 7), SPRING_END),
    Plan(2, 2, A, "wed_fri", D(2026, 6, 22), D(2026, 9, 14), SUMMER_END),
    Plan(3, 0, A, "mon_thu", D(2026, 6, 22), D(2026, 9, 14), SPRING_END),
    Plan(4, 3, A, "tue", D(2026, 9, 7), D(2026, 9, 21), AUTUMN_END),
    Plan(5, 4, A, "thu_fri", D(2026, 6, 29), D(2026, 9, 21), SUMMER_END),
    Plan(6, 5, A, "mon_wed", D(2026, 7, 6), D(2026, 9, 28), SPRING_END),
    Plan(7, 6, A, "fri", D(2026, 9, 7), D(2026, 10, 5), SPRING_END),
    Plan(8, 1, A, "thu_fri", D(2026, 9, 7), D(2026, 10, 5), SUMMER_END),
    Plan(9, 2, A, "am3", D(2026, 9, 14), D(2026, 10, 12), SUMMER_END),
    Plan(10, 6, A, "tue", D(2026, 9, 28), D(2026, 11, 2), HALF_TERM),
    Plan(11, 4, A, "fri", D(2026, 9, 28), D(2026, 11, 2), SUMMER_END),
    Plan(12, 5, A, "thu_fri", D(2026, 10, 5), D(2026, 11, 9), SPRING_END),
    Plan(13, 3, A, "fri", D(2026, 10, 5), D(2026, 11, 9), HALF_TERM),
    Plan(14, 1, A, "wed_fri", D(2026, 10, 5), D(2026, 11, 16), SPRING_END, part_time=True),
    Plan(0, 6, A, "fri", D(2026, 10, 5), D(2026, 11, 16), SPRING_END),
    Plan(15, 0, G, "thu_fri", D(2026, 10, 5), D(2026, 12, 7), SUMMER_END),
    Plan(16, 2, G, "mon_wed", D(2026, 10, 12), D(2027, 1, 6), SUMMER_END),
    Plan(17, 4, G, "tue", D(2026, 10, 12), D(2027, 1, 6), SPRING_END),
    Plan(18, 3, P, "fri", D(2026, 11, 2), D(2027, 1, 11), SPRING_END),
    Plan(19, 1, P, "thu_fri", D(2026, 11, 2), D(2027, 1, 11), SUMMER_END),
    Plan(20, 6, P, "am3", D(2026, 11, 9), D(2027, 1, 11), SUMMER_END),
    Plan(21, 0, R, "tue", D(2026, 11, 16), D(2027, 1, 18), SUMMER_END),
    Plan(22, 7, R, "wed_fri", D(2026, 11, 23), D(2027, 1, 18), SUMMER_END),
    Plan(23, 2, R, "mon_wed", D(2026, 11, 23), D(2027, 1, 18), SUMMER_END),
    Plan(24, 1, E, "tue", D(2026, 6, 15), D(2026, 9, 7), AUTUMN_END, AUTUMN_HALF, EndReason.REINTEGRATED),
    Plan(25, 6, E, "fri", D(2026, 6, 15), D(2026, 9, 7), AUTUMN_HALF, AUTUMN_HALF, EndReason.COMPLETED),
    Plan(4, 5, E, "thu_fri", D(2026, 6, 15), D(2026, 9, 7), AUTUMN_END, D(2026, 9, 18), EndReason.MOVED_ON),
    Plan(26, 4, C, "mon_wed", D(2026, 6, 22), D(2026, 9, 14), SPRING_END, D(2026, 11, 13), CEASED_REVIEWS),
    Plan(27, 0, C, "tue", D(2026, 6, 29), D(2026, 9, 21), SPRING_END, D(2026, 10, 9), CEASED_INCIDENT),
]
SECOND_PLAN = [
    Plan(0, 0, A, "fri", D(2026, 6, 22), D(2026, 9, 14), SUMMER_END),
    Plan(1, 1, A, "tue", D(2026, 9, 7), D(2026, 10, 5), SPRING_END),
    Plan(3, 0, R, "mon_wed", D(2026, 11, 16), D(2027, 1, 11), SUMMER_END),
]
SECOND_LEARNERS = 6
SECOND_APPROVED = [0, 1]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def phone(fake: Faker) -> str:
    # Ofcom's mobile range for drama, so no real phone rings.
    return f"07700 900{fake.random_int(0, 999):03d}"


def ensure(model, objs: list, key: tuple[str, ...], *, user=None) -> tuple[dict, list]:
    """Insert the objs whose natural key is not stored yet; return every row by key, and the new ones."""
    getkey = attrgetter(*key)
    wanted = {getattr(obj, key[0]) for obj in objs}
    stored = {getkey(row): row for row in model.objects.filter(**{f"{key[0]}__in": wanted})}
    new = []
    for obj in objs:
        if getkey(obj) not in stored:
            stored[getkey(obj)] = obj
            new.append(obj)
    insert(model, new, user=user)
    return stored, new


def insert(model, objs: list, *, user=None) -> None:
    if objs and hasattr(model, "history"):
        bulk_create_with_history(objs, model, default_user=user, default_change_reason=CHANGE_REASON)
    elif objs:
        model.objects.bulk_create(objs)


def seed_calendar(school: School, inset_days: list[tuple[date, str]]) -> None:
    for name, *dates in TERMS:
        fields = dict(zip(("start_date", "end_date", "half_term_start", "half_term_end"), dates, strict=True))
        Term.objects.update_or_create(school=school, school_year=SCHOOL_YEAR, name=name, defaults=fields)
    closures = [(day, ClosureKind.BANK_HOLIDAY, text) for day, text in BANK_HOLIDAYS]
    closures += [(day, ClosureKind.INSET, text) for day, text in inset_days]
    for day, kind, text in closures:
        defaults = {"kind": kind, "description": text}
        SchoolClosure.objects.update_or_create(school=school, date=day, defaults=defaults)


def seed_providers(copy: int, *, dsl: User, types: list[EvidenceType]) -> tuple[list[Provider], dict]:
    """One copy of the directory's providers with their sites and evidence; returns them and their sites."""
    suffix = "" if copy == 1 else f" ({copy})"
    rows = []
    for spec in PROVIDERS:
        lead_email = f"{spec.lead.split()[0].lower()}@{spec.domain}"
        registers = lead_email if spec.lead == spec.attendance else f"registers@{spec.domain}"
        rows.append(
            Provider(
                name=spec.name + suffix,
                registration_category=spec.category,
                urn=spec.reference if spec.category == SCHOOL else "",
                ukprn=spec.reference if spec.category == FE else "",
                ofsted_grade=spec.ofsted[0] if spec.ofsted else "",
                ofsted_date=spec.ofsted[1] if spec.ofsted else None,
                lead_contact_name=spec.lead,
                lead_contact_email=lead_email,
                lead_contact_phone=spec.phone,
                attendance_contact_name=spec.attendance,
                attendance_contact_email=registers,
                attendance_contact_phone=spec.phone,
                team_teach_trained=spec.team_teach is not None,
                team_teach_evidence_date=spec.team_teach,
                session_rate=Decimal(spec.rates[0]),
                daily_rate=Decimal(spec.rates[1]),
                notes=f"Offers {spec.offer}.",
            )
        )
    stored, _ = ensure(Provider, rows, ("name",), user=dsl)
    providers = [stored[row.name] for row in rows]

    site_rows = [
        ProviderSite(provider=provider, name=name, address=address, postcode=postcode, phone=spec.phone)
        for provider, spec in zip(providers, PROVIDERS)
        for name, address, postcode in spec.sites
    ]
    stored_sites, _ = ensure(ProviderSite, site_rows, ("provider_id", "name"), user=dsl)
    sites = {
        provider.pk: [stored_sites[(provider.pk, name)] for name, _, _ in spec.sites]
        for provider, spec in zip(providers, PROVIDERS)
    }
    seed_evidence(providers, dsl=dsl, types=types)
    return providers, sites


def seed_evidence(providers: list[Provider], *, dsl: User, types: list[EvidenceType]) -> None:
    # Dates follow the day the command runs, so whenever the demo is set up the register shows one
    # provider with expired insurance, one item expiring soon and the rest current.
    today = timezone.localdate()
    wanted = {}
    for index, (provider, spec) in enumerate(zip(providers, PROVIDERS)):
        for kind in types:
            if not kind.mandatory and index % 2:
                continue
            received = today - timedelta(days=20 + 9 * index + kind.order)
            expires = received + timedelta(days=365)
            if spec.flag == "expired_insurance" and kind.code == "insurance":
                received, expires = today - timedelta(days=380), today - timedelta(days=12)
            if spec.flag == "expiring" and kind.code == "risk-assessments":
                received, expires = today - timedelta(days=340), today + timedelta(days=18)
            wanted[(provider.pk, kind.pk)] = EvidenceItem(
                provider=provider,
                evidence_type=kind,
                date_received=received,
                expires_on=expires,
                policy_version="4.1" if kind.needs_policy_version else "",
                policy_date=date(2026, 7, 1) if kind.needs_policy_version else None,
                checked_by=dsl,
            )
    stored, _ = ensure(EvidenceItem, list(wanted.values()), ("provider_id", "evidence_type_id"), user=dsl)
    stale = []
    for key, item in wanted.items():
        row = stored[key]
        if (row.date_received, row.expires_on) != (item.date_received, item.expires_on):
            row.date_received, row.expires_on = item.date_received, item.expires_on
            stale.append(row)
    EvidenceItem.objects.bulk_update(stale, ["date_received", "expires_on"])


def seed_approvals(school: School, providers: list[Provider], *, by: User) -> None:
    rows = [
        ProviderApproval(
            provider=provider,
            school=school,
            approved_by=by,
            approved_at=at(date(2026, 7, 6) + timedelta(days=index % 5), 11),
            notes="Registration, evidence and a site visit checked (policy: Suitability of Providers).",
        )
        for index, provider in enumerate(providers)
    ]
    ensure(ProviderApproval, rows, ("provider_id", "school_id"), user=by)


def seed_learners(school: School, *, upn_prefix: str, copy: int, count: int, key_worker: User) -> list:
    fake = Faker("en_GB")
    fake.seed_instance(f"{school.urn}/{copy}")
    rows, contacts = [], {}
    for i in range(count):
        upn = make_upn(f"{upn_prefix}{(copy - 1) * count + i:05d}")
        first = fake.random_element(GIRLS if i % 2 else BOYS)
        last = fake.last_name()
        year = YEAR_GROUPS[i % len(YEAR_GROUPS)]
        sen = SenStatus.EHCP if i in EHCP else SenStatus.SUPPORT if i in SEN_SUPPORT else SenStatus.NONE
        reading, maths = fake.random_int(88, 108), fake.random_int(86, 106)
        assessed = D(2026, 6, 1) + timedelta(days=3 * i) if i in RISK_ASSESSED else None
        rows.append(
            Learner(
                school=school,
                legal_first_name=first,
                legal_last_name=last,
                preferred_name=PREFERRED.get(first, ""),
                upn=upn,
                # Year 7 in 2026/27 were born from 1 September 2014 to 31 August 2015.
                date_of_birth=date(2026 - year - 5, 9, 1) + timedelta(days=fake.random_int(0, 364)),
                year_group=year,
                sen_status=sen,
                looked_after=i in LOOKED_AFTER,
                has_social_worker=i in SOCIAL_WORKER,
                safeguarding_flag=i in SAFEGUARDING,
                behaviour_risk_assessment=i in RISK_ASSESSED,
                behaviour_risk_assessment_date=assessed,
                key_worker=key_worker,
                attainment_baseline=f"KS2 scaled scores: reading {reading}, maths {maths}.",
                learner_passport=PASSPORTS.get(sen, ""),
            )
        )
        contacts[upn] = contact_rows(fake, i, last)
    stored, new = ensure(Learner, rows, ("upn",), user=key_worker)
    new_contacts = [
        Contact(learner=learner, priority=priority, **fields)
        for learner in new
        for priority, fields in enumerate(contacts[learner.upn], start=1)
    ]
    insert(Contact, new_contacts, user=key_worker)
    return [stored[row.upn] for row in rows]


def contact_rows(fake: Faker, i: int, last: str) -> list[dict]:
    """Two or three contacts, at least two of them emergency contacts."""
    town, district = TOWNS[i % len(TOWNS)]
    inward = f"{fake.random_int(1, 9)}" + "".join(fake.random_elements(POSTCODE_LETTERS, length=2))
    address = f"{fake.building_number()} {fake.street_name()}\n{town}\nLeicester\n{district} {inward}"

    def person(first: str, surname: str, relationship: str, *, parent: bool, pr: bool) -> dict:
        return {
            "name": f"{first} {surname}",
            "relationship": relationship,
            "phone": phone(fake),
            "email": re.sub(r"[^a-z.]", "", f"{first}.{surname}".lower()) + "@example.com",
            "address": address,
            "is_parent_carer": parent,
            "parental_responsibility": pr,
            "emergency_contact": True,
        }

    if i in LOOKED_AFTER:
        # Under a care order the local authority shares parental responsibility; foster carers do not hold it.
        carers = fake.last_name()
        return [
            person(fake.first_name_female(), carers, "Foster carer", parent=True, pr=False),
            person(fake.first_name_male(), carers, "Foster carer", parent=True, pr=False),
            COUNCIL_CONTACT,
        ]
    mother = fake.last_name() if i % 4 == 0 else last
    rows = [
        person(fake.first_name_female(), mother, "Mother", parent=True, pr=True),
        person(fake.first_name_male(), last, "Father", parent=True, pr=True),
    ]
    if i % 3 == 0:
        rows.append(person(fake.first_name_female(), fake.last_name(), "Grandmother", parent=False, pr=False))
    return rows


def seed_placements(
    school: School, plan: list[Plan], *, learners: list, providers: list, sites: dict, staff: dict
):
    head, slt, visitor = staff["head"], staff["slt"], staff["visitor"]
    rows = []
    for index, row in enumerate(plan):
        learner, provider, spec = learners[row.learner], providers[row.provider], PROVIDERS[row.provider]
        sessions = SESSION_PATTERNS[row.sessions]
        meeting = row.meeting
        held = row.status != Status.REFERRED
        whole_days = len(sessions) == 2 * len({name[:3] for name in sessions})
        authorised = row.status not in (Status.REFERRED, Status.PLANNING) and index % 5 != 4
        reasons = REASON_SETS[row.learner % len(REASON_SETS)]
        placement = Placement(
            school=school,
            learner=learner,
            provider=provider,
            site=sites[provider.pk][index % len(sites[provider.pk])],
            status=row.status,
            referral_reasons=[str(code) for code in reasons],
            referral_other=OTHER_REASON if ReferralReason.OTHER in reasons else "",
            rationale=(
                f"{learner.first_name} learns best through practical work in a small group. {spec.name} "
                f"offers {spec.offer}, with English and maths at school and a route on to college."
            ),
            start_date=row.start,
            target_end_date=row.target_end,
            end_date=row.end,
            activated_on=row.start if row.status in (A, E, C) else None,
            end_reason=row.reason if row.status == Status.ENDED else "",
            ceased_reason=row.reason if row.status == Status.CEASED else "",
            visiting_staff=visitor,
            cost_amount=(provider.daily_rate if whole_days else provider.session_rate) if held else None,
            cost_basis=(CostBasis.DAY if whole_days else CostBasis.SESSION) if held else "",
            cost_authorised_by=head if authorised else None,
            cost_authorised_at=at(row.agreed, 14) if authorised else None,
        )
        if held:
            placement.meeting_date = meeting
            placement.meeting_attendees = (
                f"{slt}, {visitor} (school); parent/carer; {learner.first_name}; {spec.lead} ({spec.name})"
            )
            placement.meeting_parents_attended = placement.meeting_provider_attended = True
            placement.meeting_reasons_explained = True
            placement.meeting_learner_attended = index % 4 != 3
            placement.meeting_notes = "Reasons explained; targets set; reviews every six weeks agreed."
        if row.part_time:
            # A reduced timetable needs parents' agreement, a time limit and a review
            # ("Working together to improve school attendance").
            placement.rest_of_week_at_school = False
            placement.parental_agreement_date = meeting
            placement.part_time_until = HALF_TERM
            placement.part_time_review_date = D(2027, 1, 15)
        rows.append((row, placement))

    _, new = ensure(Placement, [p for _, p in rows], ("learner_id", "provider_id", "start_date"), user=slt)
    new_ids = {id(p) for p in new}
    fresh = [(row, p) for row, p in rows if id(p) in new_ids]
    for row, placement in fresh:
        placement.created_at = at(row.referred, 9)
    Placement.objects.bulk_update([p for _, p in fresh], ["created_at"])
    insert(
        PlacementTimetable,
        [
            PlacementTimetable(
                placement=placement,
                effective_from=row.start,
                created_by=slt,
                created_at=at(row.referred, 9),
                **dict.fromkeys(SESSION_PATTERNS[row.sessions], True),
            )
            for row, placement in fresh
        ],
        user=slt,
    )

    targets, changes = [], []
    for index, (row, placement) in enumerate(fresh):
        for n in range(1 + index % 3):
            text, baseline, measure = TARGETS[(index + n) % len(TARGETS)]
            targets.append(
                PlacementTarget(placement=placement, description=text, baseline=baseline, measure=measure)
            )
        changes += status_changes(placement, row, head=head, slt=slt)
    insert(PlacementTarget, targets, user=slt)
    insert(StatusChange, changes)


def status_changes(placement: Placement, row: Plan, *, head: User, slt: User) -> list[StatusChange]:
    """The steps a placement in this status went through (DESIGN.md: the placement lifecycle)."""
    meeting = row.meeting
    steps = [
        (R, P, at(meeting, 16), slt, f"Meeting on {meeting:%d/%m/%Y}"),
        (P, G, at(row.agreed, 12), head, AGREED_NOTE),
        (G, A, at(row.start, 9), slt, ""),
    ][: {R: 0, P: 1, G: 2}.get(row.status, 3)]
    if row.status == Status.ENDED:
        steps.append((A, E, at(row.end, 15, 30), slt, f"Ended: {EndReason(row.reason).label.lower()}."))
    if row.status == Status.CEASED:
        steps.append((A, C, at(row.end, 15, 30), head, row.reason))
    return [
        StatusChange(placement=placement, from_status=a, to_status=b, changed_at=on, changed_by=by, note=note)
        for a, b, on, by, note in steps
    ]


def seed_reviews_and_closures(school: School, providers: list[Provider], *, slt: User) -> None:
    suitable, concerns = ProviderReview.Outcome.SUITABLE, ProviderReview.Outcome.CONCERNS
    no_team_teach = (
        "No Team Teach (or equivalent) trained staff: no learner with a behaviour risk assessment."
    )
    reviews = [
        (0, D(2026, 7, 8), suitable, D(2027, 7, 8), "Strong safeguarding culture; registers are prompt."),
        (3, D(2026, 10, 14), concerns, D(2027, 1, 14), no_team_teach),
    ]
    for index, day, outcome, next_due, notes in reviews:
        ProviderReview.objects.get_or_create(
            provider=providers[index],
            school=school,
            review_date=day,
            defaults={"reviewer": slt, "outcome": outcome, "notes": notes, "next_review_due": next_due},
        )
    ProviderClosure.objects.get_or_create(
        provider=providers[0],
        school=school,
        start_date=D(2026, 12, 10),
        defaults={"end_date": D(2026, 12, 11), "reason": "Staff first-aid and safeguarding training"},
    )


class Seeded(NamedTuple):
    """What this demo leaves for the apps above it, as demo.shared["placements"]."""

    year_start: date  # the first day of the demo school year
    main_learners: list[list[Learner]]  # the main school's learners, one list per copy (--scale)


def seed(demo: Demo) -> None:
    schools, users = demo.schools, demo.users
    main, second, head2 = schools["main"], schools["second"], users["head2"]
    for key, school in schools.items():
        seed_calendar(school, INSET_DAYS[key])
    types = list(EvidenceType.objects.all())
    staff = {"head": users["head"], "slt": users["slt"], "visitor": users["pastoral"]}

    directory = [seed_providers(copy, dsl=users["dsl"], types=types) for copy in range(1, demo.scale + 1)]
    main_learners = []
    for copy, (providers, sites) in enumerate(directory, start=1):
        approved = [p for p, spec in zip(providers, PROVIDERS) if spec.flag != "unapproved"]
        seed_approvals(main, approved, by=users["dsl"])
        learners = seed_learners(
            main, upn_prefix="8554012", copy=copy, count=LEARNERS_PER_COPY, key_worker=users["pastoral"]
        )
        seed_placements(main, MAIN_PLAN, learners=learners, providers=providers, sites=sites, staff=staff)
        main_learners.append(learners)

    providers, sites = directory[0]
    seed_reviews_and_closures(main, providers, slt=users["slt"])
    seed_approvals(second, [providers[i] for i in SECOND_APPROVED], by=head2)
    learners = seed_learners(second, upn_prefix="8554021", copy=1, count=SECOND_LEARNERS, key_worker=head2)
    staff = dict.fromkeys(("head", "slt", "visitor"), head2)
    seed_placements(second, SECOND_PLAN, learners=learners, providers=providers, sites=sites, staff=staff)

    for school in schools.values():
        seed_documents(
            school,
            head=users["head"] if school == main else head2,
            slt=users["slt"] if school == main else head2,
        )
    demo.shared["placements"] = Seeded(year_start=TERMS[0][1], main_learners=main_learners)
    for school in schools.values():
        demo.report.append(
            f"{school.name}: {school.learners.count()} learners, {school.placements.count()} placements"
        )
    demo.report.append(f"Providers in the directory: {Provider.objects.count()}")


def seed_documents(school: School, *, head: User, slt: User) -> None:
    """Agreements and contracts in every state (idempotent: placements that have one are left alone).

    Active, ended and ceased placements have both signed and frozen (their
    PDFs rendered and stored, as signing does); the agreed ones show the
    other states: a draft, a partly signed agreement, a contract a parent
    declined.
    """
    from .models import Agreement, Signature, SignerRole
    from .signing import SigningError, decline, prepare_agreement, prepare_contract, send_for_signature, sign

    placements = list(
        Placement.objects.filter(school=school)
        .exclude(pk__in=Agreement.objects.values("placement_id"))
        .select_related("school", "learner", "provider", "site")
        .order_by("start_date", "pk")
    )
    agreed = [p for p in placements if p.status == Status.AGREED]
    for placement in placements:
        # Finished placements are left as they were: a new version cannot be prepared for them.
        if placement.status == A:
            signed_on = at(placement.start_date - timedelta(days=7), 10)
            for prepare in (prepare_agreement, prepare_contract):
                document = prepare(placement=placement, by=slt)
                try:
                    signatures = send_for_signature(document=document, by=slt)
                except SigningError:
                    continue  # e.g. no contact with parental responsibility and an email: left as a draft
                for signature in signatures:
                    name = (
                        head.get_full_name()
                        if signature.role == SignerRole.HEAD
                        else signature.requested_name
                    )
                    sign(
                        signature=signature,
                        name=name,
                        declaration=True,
                        ip="192.0.2.10",
                        user=head if signature.role == SignerRole.HEAD else None,
                        now=signed_on,
                    )
    for index, placement in enumerate(agreed):
        agreement = prepare_agreement(placement=placement, by=slt)
        contract = prepare_contract(placement=placement, by=slt)
        if index == 0:
            continue  # both drafts
        signatures = send_for_signature(document=agreement, by=slt)
        head_signature = next(s for s in signatures if s.role == SignerRole.HEAD)
        sign(
            signature=head_signature, name=head.get_full_name(), declaration=True, ip="192.0.2.10", user=head
        )
        try:
            parents = send_for_signature(document=contract, by=slt)
        except SigningError:
            continue
        if index == 1 and parents:
            decline(
                signature=Signature.objects.get(pk=parents[0].pk),
                reason="We would like to visit the provider with our child before we sign.",
                ip="192.0.2.20",
            )
