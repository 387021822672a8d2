"""Local-authority-scale demo data (`seed_demo --placements N --years Y`): this app's part is
the schools and their staff.

Each app's `demo_scale` module has a `seed(scale)` function, run in INSTALLED_APPS order like
the `demo` modules. Rows go in with bulk_create in batches: a few minutes for 2,000 active
placements and a year of registers. Meant for an empty database, to benchmark against; the
command refuses a second run.
"""

from dataclasses import dataclass, field
from importlib import import_module
from types import ModuleType
from typing import Any

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.utils.module_loading import module_has_submodule

from .demo import PASSWORD
from .models import Membership, Role, School, User

AUTHORITY = "Shire County Council"
URN_PREFIX = "97"  # 970000 onwards: no real school's URN starts so
SCHOOL_ROLES = [Role.HEAD, Role.ADMIN, Role.PASTORAL, Role.DSL, Role.SLT]


class AlreadySeeded(Exception):
    pass


@dataclass
class Scale:
    placements: int  # active placements today
    years: int  # school years of registers, this one included
    schools: list[School] = field(default_factory=list)
    staff: dict[int, dict[str, User]] = field(default_factory=dict)  # school pk -> role -> user
    shared: dict[str, Any] = field(default_factory=dict)
    report: list[str] = field(default_factory=list)

    @property
    def school_count(self) -> int:
        return max(1, min(25, self.placements // 40))


def scale_modules() -> list[ModuleType]:
    return [
        import_module(f"{config.name}.demo_scale")
        for config in apps.get_app_configs()
        if module_has_submodule(config.module, "demo_scale")
    ]


def seed(scale: Scale) -> None:
    if School.objects.filter(urn__startswith=URN_PREFIX, trust=AUTHORITY).exists():
        raise AlreadySeeded("Local-authority-scale data is already here: seed an empty database instead.")
    scale.schools = School.objects.bulk_create(
        School(
            name=f"School {n:02d} Academy",
            urn=f"{URN_PREFIX}{n:04d}",
            trust=AUTHORITY,
            address=f"{n} School Lane\nShiretown",
            phone="01632 960000",
            email=f"office@school{n:02d}.example.org",
            dsl_name=f"DSL {n:02d}",
            dsl_phone="01632 960001",
            dsl_email=f"dsl@school{n:02d}.example.org",
        )
        for n in range(1, scale.school_count + 1)
    )
    password = make_password(PASSWORD)  # hashed once: hashing per user takes longer than the rest
    users = [
        User(
            username=f"s{n:02d}-{role}", first_name=role.label, last_name=f"School {n:02d}", password=password
        )
        for n in range(1, len(scale.schools) + 1)
        for role in SCHOOL_ROLES
    ]
    officer = User(username="la-officer", first_name="Lee", last_name="Officer", password=password)
    User.objects.bulk_create([*users, officer])
    by_name = {u.username: u for u in User.objects.filter(username__in=[u.username for u in users])}
    officer = User.objects.get(username="la-officer")
    memberships = [Membership(user=officer, school=school, role=Role.HEAD) for school in scale.schools]
    for n, school in enumerate(scale.schools, start=1):
        scale.staff[school.pk] = {role: by_name[f"s{n:02d}-{role}"] for role in SCHOOL_ROLES}
        memberships += [
            Membership(user=user, school=school, role=role) for role, user in scale.staff[school.pk].items()
        ]
    Membership.objects.bulk_create(memberships)
    scale.report.append(
        f"{len(scale.schools)} schools; logins la-officer (head at every school) and s01-head, "
        f"s01-admin, ... (password {PASSWORD})"
    )
