"""seed_demo lives in the base and finds each app's demo module through the app registry."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command, get_commands

import altprov.demo
from altprov.demo import Demo, demo_modules


def test_seed_demo_is_the_base_apps_command():
    assert get_commands()["seed_demo"] == "altprov"


def test_each_apps_demo_module_is_found_in_installed_apps_order():
    names = [module.__name__ for module in demo_modules()]

    assert names == ["altprov.demo", "placements.demo", "attendance.demo", "monitoring.demo"]


def test_demo_modules_follow_the_app_registry_not_a_fixed_list(monkeypatch):
    configs = list(apps.get_app_configs())
    monkeypatch.setattr(altprov.demo.apps, "get_app_configs", lambda: reversed(configs))

    names = [module.__name__ for module in demo_modules()]

    assert names == ["monitoring.demo", "attendance.demo", "placements.demo", "altprov.demo"]


@pytest.mark.django_db
def test_seed_demo_runs_each_demo_in_order_with_one_shared_demo(monkeypatch):
    ran = []

    def recorder(label: str):
        def record(demo: Demo) -> None:
            ran.append((label, demo))
            demo.report.append(f"{label} seeded")

        return record

    for module in demo_modules():
        monkeypatch.setattr(module, "seed", recorder(module.__name__.split(".")[0]))
    out = StringIO()

    call_command("seed_demo", scale=3, stdout=out)

    assert [label for label, _ in ran] == ["altprov", "placements", "attendance", "monitoring"]
    assert len({id(demo) for _, demo in ran}) == 1
    assert ran[0][1].scale == 3
    lines = out.getvalue().splitlines()
    assert lines[:4] == ["altprov seeded", "placements seeded", "attendance seeded", "monitoring seeded"]
    assert lines[4].startswith("Demo data ready")
