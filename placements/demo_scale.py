"""Local-authority-scale demo data: this app's part is a shared provider directory (about one
provider per five placements, up to 400), each school's terms for every year, approvals, and
learners with their placements and weekly timetables: `placements` active today, and as many
again, ended, for each earlier school year (`--years`).
"""

import random
from datetime import timedelta

from django.utils import timezone

from altprov.demo_scale import Scale
from placements.models import (
    EndReason,
    Learner,
    Placement,
    PlacementTimetable,
    Provider,
    ProviderApproval,
    ProviderSite,
    RegistrationCategory,
    Status,
    Term,
)
from placements.models.timetables import SESSION_FIELDS
from placements.validators import make_upn

from .demo import BOYS, GIRLS, TERMS, YEAR_GROUPS

BATCH = 2000
WEEK_OF_YEARS = timedelta(weeks=52)  # a year back on the same weekday


def school_year(years_back: int) -> str:
    return f"{2026 - years_back}/{(27 - years_back) % 100:02d}"


def seed(scale: Scale) -> None:
    rng = random.Random(2026)
    now = timezone.now()
    Term.objects.bulk_create(
        Term(
            school=school,
            school_year=school_year(k),
            name=name,
            start_date=start - k * WEEK_OF_YEARS,
            end_date=end - k * WEEK_OF_YEARS,
            half_term_start=half_start - k * WEEK_OF_YEARS,
            half_term_end=half_end - k * WEEK_OF_YEARS,
        )
        for school in scale.schools
        for k in range(scale.years)
        for name, start, end, half_start, half_end in TERMS
    )
    count = max(20, min(400, scale.placements // 5))
    providers = Provider.objects.bulk_create(
        Provider(
            name=f"Provider {n:03d} Ltd",
            registration_category=RegistrationCategory.NON_SCHOOL,
            lead_contact_name=f"Lead {n:03d}",
            lead_contact_email=f"lead@provider{n:03d}.example.org",
            lead_contact_phone="01632 960100",
            attendance_contact_name=f"Registers {n:03d}",
            attendance_contact_email=f"registers@provider{n:03d}.example.org",
            attendance_contact_phone="01632 960101",
        )
        for n in range(1, count + 1)
    )
    sites = ProviderSite.objects.bulk_create(
        ProviderSite(provider=p, name="Main site", address=f"Unit {p.pk}\nShiretown", postcode="SH1 1AA")
        for p in providers
    )
    site_of = {s.provider_id: s for s in sites}
    # Each school uses a slice of the shared directory, overlapping its neighbours'.
    used = {
        school.pk: rng.sample(providers, min(len(providers), max(8, count * 3 // len(scale.schools))))
        for school in scale.schools
    }
    ProviderApproval.objects.bulk_create(
        (
            ProviderApproval(
                provider=p, school=school, approved_by=scale.staff[school.pk]["dsl"], approved_at=now
            )
            for school in scale.schools
            for p in used[school.pk]
        ),
        batch_size=BATCH,
    )
    per_year = []
    for k in range(scale.years):
        year_start = TERMS[0][1] - k * WEEK_OF_YEARS
        year_end = TERMS[-1][2] - k * WEEK_OF_YEARS
        learners = Learner.objects.bulk_create(
            (
                Learner(
                    school=scale.schools[i % len(scale.schools)],
                    legal_first_name=rng.choice(BOYS + GIRLS),
                    legal_last_name=f"Learner{k}x{i:05d}",
                    upn=make_upn(f"97{k}{i:09d}"),
                    year_group=YEAR_GROUPS[i % len(YEAR_GROUPS)],
                    date_of_birth=year_start.replace(year=year_start.year - 15, month=3, day=15),
                )
                for i in range(scale.placements)
            ),
            batch_size=BATCH,
        )
        placements = []
        for learner in learners:
            provider = rng.choice(used[learner.school_id])
            start = year_start + timedelta(days=rng.choice([0, 5, 12, 19]))
            ended = k > 0
            placements.append(
                Placement(
                    learner=learner,
                    school_id=learner.school_id,
                    provider=provider,
                    site=site_of[provider.pk],
                    referral_reasons=["attendance"],
                    rationale="Small-group vocational learning to rebuild attendance.",
                    start_date=start,
                    target_end_date=year_end,
                    status=Status.ENDED if ended else Status.ACTIVE,
                    activated_on=start,
                    end_date=year_end if ended else None,
                    end_reason=EndReason.COMPLETED if ended else "",
                )
            )
        placements = Placement.objects.bulk_create(placements, batch_size=BATCH)
        timetables = []
        for placement in placements:
            chosen = set(rng.sample(SESSION_FIELDS, rng.choice([3, 4, 6, 8, 10])))
            timetables.append(
                PlacementTimetable(
                    placement=placement,
                    effective_from=placement.start_date,
                    **{name: name in chosen for name in SESSION_FIELDS},
                )
            )
        PlacementTimetable.objects.bulk_create(timetables, batch_size=BATCH)
        per_year.append([p.pk for p in placements])
    scale.shared["placements"] = per_year
    active = Placement.objects.filter(school__in=scale.schools, status=Status.ACTIVE).count()
    scale.report.append(f"{count} providers; {active} active placements; {scale.years} school year(s)")
