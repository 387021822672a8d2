from django.db import migrations

SESSION_FIELDS = ['mon_am', 'mon_pm', 'tue_am', 'tue_pm', 'wed_am', 'wed_pm', 'thu_am', 'thu_pm', 'fri_am', 'fri_pm']


def versions_from_placements(apps, schema_editor):
    """Each placement's sessions become its first timetable version, in force from its start date."""
    Placement = apps.get_model("placements", "Placement")
    PlacementTimetable = apps.get_model("placements", "PlacementTimetable")
    PlacementTimetable.objects.bulk_create(
        [
            PlacementTimetable(
                placement_id=row["pk"],
                effective_from=row["start_date"],
                **{name: row[name] for name in SESSION_FIELDS},
            )
            for row in Placement.objects.values("pk", "start_date", *SESSION_FIELDS).iterator()
        ],
        batch_size=500,
        ignore_conflicts=True,
    )


def placements_from_versions(apps, schema_editor):
    """Back to one timetable per placement: the latest version's sessions."""
    Placement = apps.get_model("placements", "Placement")
    PlacementTimetable = apps.get_model("placements", "PlacementTimetable")
    for version in PlacementTimetable.objects.order_by("placement_id", "effective_from").iterator():
        Placement.objects.filter(pk=version.placement_id).update(
            **{name: getattr(version, name) for name in SESSION_FIELDS}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("placements", "0006_placementtimetable"),
    ]

    operations = [
        migrations.RunPython(versions_from_placements, placements_from_versions),
    ]
