import django.db.models.deletion
from django.db import migrations, models


def copy_flags(apps, schema_editor):
    """Each missing-report flag's provider, day and session move to its own row here."""
    Flag = apps.get_model("altprov", "Flag")
    MissingReport = apps.get_model("attendance", "MissingReport")
    MissingReport.objects.bulk_create(
        [
            MissingReport(
                flag_id=flag.pk,
                school_id=flag.school_id,
                provider_id=flag.provider_id,
                day=flag.day,
                session=flag.session,
                dsl_alerted_at=flag.dsl_alerted_at,
            )
            for flag in Flag.objects.filter(kind="missing_report", provider__isnull=False, day__isnull=False)
        ]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("altprov", "0005_flag_engine"),
        ("attendance", "0005_code_t_2024_wording"),
        ("placements", "0005_providerclosure_school"),
    ]
    # The flag's old columns are dropped only after they are copied here.
    run_before = [("altprov", "0006_flag_kind_data_moves_to_callers")]

    operations = [
        migrations.CreateModel(
            name="MissingReport",
            fields=[
                (
                    "flag",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="missing_report",
                        serialize=False,
                        to="altprov.flag",
                    ),
                ),
                ("day", models.DateField()),
                ("session", models.CharField(choices=[("AM", "AM"), ("PM", "PM")], max_length=2)),
                ("dsl_alerted_at", models.DateTimeField(blank=True, null=True)),
                (
                    "provider",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="missing_reports",
                        to="placements.provider",
                    ),
                ),
                (
                    "school",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="altprov.school"
                    ),
                ),
            ],
            options={
                "ordering": ["day", "session", "provider__name"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("school", "provider", "day", "session"), name="missing_report_once_per_session"
                    )
                ],
            },
        ),
        migrations.RunPython(copy_flags, migrations.RunPython.noop),
    ]
