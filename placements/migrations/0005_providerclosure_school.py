from django.db import migrations, models
from django.db.models import deletion


def closures_per_school(apps, schema_editor):
    """A shared closure becomes one per school that places learners with the provider."""
    ProviderClosure = apps.get_model("placements", "ProviderClosure")
    Placement = apps.get_model("placements", "Placement")
    for closure in ProviderClosure.objects.filter(school__isnull=True):
        school_ids = sorted(set(Placement.objects.filter(provider_id=closure.provider_id).values_list("school_id", flat=True)))
        if not school_ids:
            closure.delete()
            continue
        closure.school_id = school_ids[0]
        closure.save(update_fields=["school"])
        for school_id in school_ids[1:]:
            ProviderClosure.objects.create(
                provider_id=closure.provider_id,
                school_id=school_id,
                start_date=closure.start_date,
                end_date=closure.end_date,
                reason=closure.reason,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("altprov", "0002_flag_linktoken_notification_and_more"),
        ("placements", "0004_activated_on_help"),
    ]

    operations = [
        migrations.AddField(
            model_name="providerclosure",
            name="school",
            field=models.ForeignKey(
                null=True, on_delete=deletion.CASCADE, related_name="provider_closures", to="altprov.school"
            ),
        ),
        migrations.AddField(
            model_name="historicalproviderclosure",
            name="school",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=deletion.DO_NOTHING,
                related_name="+",
                to="altprov.school",
            ),
        ),
        migrations.RunPython(closures_per_school, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="providerclosure",
            name="school",
            field=models.ForeignKey(
                on_delete=deletion.CASCADE, related_name="provider_closures", to="altprov.school"
            ),
        ),
    ]
