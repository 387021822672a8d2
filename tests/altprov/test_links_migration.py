"""Links issued before links had a generic subject keep pointing at their provider."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from altprov.models import LinkToken

from ..factories import ProviderFactory, SchoolFactory

BEFORE = [("altprov", "0006_flag_kind_data_moves_to_callers")]
AFTER = [("altprov", "0007_links_generic_subject")]


# serialized_rollback, as every transactional test here: its flush then leaves no
# recreated content types behind for the next one to collide with.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_register_links_provider_becomes_its_subject_and_back():
    school, provider = SchoolFactory(), ProviderFactory()
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(BEFORE)
        old_apps = executor.loader.project_state(BEFORE).apps
        OldLink = old_apps.get_model("altprov", "LinkToken")
        old = OldLink.objects.create(
            purpose="provider_register",
            school_id=school.pk,
            provider_id=provider.pk,
            token_hash="0" * 64,
            expires_at=timezone.now() + timedelta(days=1),
        )

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        link = LinkToken.objects.get(pk=old.pk)
        assert (link.subject_type.app_label, link.subject_type.model) == ("placements", "provider")
        assert link.subject == provider

        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE)
        old_apps = executor.loader.project_state(BEFORE).apps
        assert old_apps.get_model("altprov", "LinkToken").objects.get(pk=old.pk).provider_id == provider.pk
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
