"""Demo data for `make run`, seeded by `manage.py seed_demo`: this app's part is the trust's two
schools and the staff logins.

Each installed app seeds its own part in a `demo` module with a `seed(demo)` function, found the way
the admin finds `admin` modules. They run in INSTALLED_APPS order, so an app's demo finds what the
apps it builds on have seeded, and the base never imports an app. What a later app needs from an
earlier one travels in the `Demo` object.

Rows are found by natural key (username, URN), so running the command again adds nothing.
"""

from dataclasses import dataclass, field
from importlib import import_module
from types import ModuleType
from typing import Any

from django.apps import apps
from django.utils.module_loading import module_has_submodule

from .models import Membership, Role, School, User

PASSWORD = "altprov-demo"  # noqa: S105 - the demo logins' published password
TRUST = "Soar Valley Learning Trust"

# fmt: off
SCHOOLS = {
    "main": {
        "name": "ALP Leicester", "urn": "139999", "address": "Stonehill Avenue\nBirstall\nLeicester\nLE4 4JG",
        "phone": "0116 496 0100", "email": "office@alp-leicester.example.org", "dsl_name": "Sarah Kendall",
        "dsl_phone": "0116 496 0101", "dsl_email": "s.kendall@alp-leicester.example.org",
    },
    "second": {
        "name": "Birstall Vale Academy", "urn": "148812", "address": "Wanlip Lane\nBirstall\nLE4 4GH",
        "phone": "0116 496 0200", "email": "office@birstallvale.example.org", "dsl_name": "Fiona Barker",
        "dsl_phone": "0116 496 0201", "dsl_email": "f.barker@birstallvale.example.org",
    },
}
# fmt: on

# username, first name, last name, email, role, schools
STAFF = [
    ("head", "Angela", "Whitworth", "a.whitworth@alp-leicester.example.org", Role.HEAD, ("main",)),
    ("slt", "Daniel", "Okafor", "d.okafor@alp-leicester.example.org", Role.SLT, ("main",)),
    ("pastoral", "Priya", "Mistry", "p.mistry@alp-leicester.example.org", Role.PASTORAL, ("main",)),
    ("dsl", "Sarah", "Kendall", "s.kendall@alp-leicester.example.org", Role.DSL, ("main",)),
    ("sendco", "Mark", "Holloway", "m.holloway@alp-leicester.example.org", Role.SENDCO, ("main",)),
    ("admin", "Jodie", "Clarke", "j.clarke@alp-leicester.example.org", Role.ADMIN, ("main",)),
    ("exams", "Rajesh", "Patel", "r.patel@alp-leicester.example.org", Role.EXAMS, ("main",)),
    ("finance", "Karen", "Lowe", "k.lowe@alp-leicester.example.org", Role.FINANCE, ("main",)),
    ("board", "Graham", "Ellis", "g.ellis@soarvalley-trust.example.org", Role.BOARD, ("main", "second")),
    ("head2", "Fiona", "Barker", "f.barker@birstallvale.example.org", Role.HEAD, ("second",)),
]


@dataclass
class Demo:
    """What the apps' demo modules share while seeding."""

    scale: int  # copies of the main school's learners, providers and placements (--scale)
    schools: dict[str, School] = field(default_factory=dict)  # "main", "second"
    users: dict[str, User] = field(default_factory=dict)  # by username
    # What an app's demo leaves for the apps above it, under its app label.
    shared: dict[str, Any] = field(default_factory=dict)
    # Lines for the command's summary, before the list of logins.
    report: list[str] = field(default_factory=list)


def demo_modules() -> list[ModuleType]:
    """Every installed app's `demo` module, in INSTALLED_APPS order."""
    return [
        import_module(f"{config.name}.demo")
        for config in apps.get_app_configs()
        if module_has_submodule(config.module, "demo")
    ]


def seed(demo: Demo) -> None:
    demo.schools = seed_schools()
    demo.users = seed_staff(demo.schools)


def seed_schools() -> dict[str, School]:
    schools = {}
    for key, fields in SCHOOLS.items():
        defaults = {k: v for k, v in fields.items() if k != "urn"} | {"trust": TRUST}
        schools[key], _ = School.objects.update_or_create(urn=fields["urn"], defaults=defaults)
    return schools


def seed_staff(schools: dict[str, School]) -> dict[str, User]:
    users = {}
    for username, first, last, email, role, school_keys in STAFF:
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last, "email": email}
        )
        if created:
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
        for key in school_keys:
            Membership.objects.get_or_create(user=user, school=schools[key], role=role)
        users[username] = user
    return users


def logins() -> list[str]:
    """The table of demo logins the command prints last."""
    lines = [f"\n{'username':<10} {'role':<30} {'school':<26} password"]
    for username, _, _, _, role, school_keys in STAFF:
        where = SCHOOLS[school_keys[0]]["name"] if len(school_keys) == 1 else "both schools"
        lines.append(f"{username:<10} {role.label:<30} {where:<26} {PASSWORD}")
    return lines
