"""Existing placements get their first timetable version from their start date."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from placements.models.timetables import SESSION_FIELDS

from ..factories import LearnerFactory, ProviderSiteFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("placements", "0006_placementtimetable")]
AFTER = [("placements", "0007_timetable_versions_from_placements")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_each_placement_gets_one_version_from_its_start_with_its_sessions(school):
    learner = LearnerFactory(school=school)
    site = ProviderSiteFactory()
    old = migrate(BEFORE)
    try:
        placement = old.get_model("placements", "Placement").objects.create(
            school_id=school.pk,
            learner_id=learner.pk,
            provider_id=site.provider_id,
            site_id=site.pk,
            rationale="Practical learning",
            start_date=date(2026, 9, 7),
            target_end_date=date(2027, 3, 1),
            mon_am=True,
            wed_pm=True,
        )
        new = migrate(AFTER)
        [version] = new.get_model("placements", "PlacementTimetable").objects.filter(
            placement_id=placement.pk
        )
        assert version.effective_from == date(2026, 9, 7)
        assert [name for name in SESSION_FIELDS if getattr(version, name)] == ["mon_am", "wed_pm"]
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
