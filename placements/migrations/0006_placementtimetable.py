import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("placements", "0005_providerclosure_school"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PlacementTimetable",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("effective_from", models.DateField(help_text="The first day these sessions apply.")),
                ("mon_am", models.BooleanField(default=False, verbose_name="Monday AM")),
                ("mon_pm", models.BooleanField(default=False, verbose_name="Monday PM")),
                ("tue_am", models.BooleanField(default=False, verbose_name="Tuesday AM")),
                ("tue_pm", models.BooleanField(default=False, verbose_name="Tuesday PM")),
                ("wed_am", models.BooleanField(default=False, verbose_name="Wednesday AM")),
                ("wed_pm", models.BooleanField(default=False, verbose_name="Wednesday PM")),
                ("thu_am", models.BooleanField(default=False, verbose_name="Thursday AM")),
                ("thu_pm", models.BooleanField(default=False, verbose_name="Thursday PM")),
                ("fri_am", models.BooleanField(default=False, verbose_name="Friday AM")),
                ("fri_pm", models.BooleanField(default=False, verbose_name="Friday PM")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "placement",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="timetables",
                        to="placements.placement",
                    ),
                ),
            ],
            options={
                "ordering": ["placement_id", "effective_from"],
                "constraints": [
                    models.UniqueConstraint(fields=("placement", "effective_from"), name="timetable_one_version_a_day")
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalPlacementTimetable",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("effective_from", models.DateField(help_text="The first day these sessions apply.")),
                ("mon_am", models.BooleanField(default=False, verbose_name="Monday AM")),
                ("mon_pm", models.BooleanField(default=False, verbose_name="Monday PM")),
                ("tue_am", models.BooleanField(default=False, verbose_name="Tuesday AM")),
                ("tue_pm", models.BooleanField(default=False, verbose_name="Tuesday PM")),
                ("wed_am", models.BooleanField(default=False, verbose_name="Wednesday AM")),
                ("wed_pm", models.BooleanField(default=False, verbose_name="Wednesday PM")),
                ("thu_am", models.BooleanField(default=False, verbose_name="Thursday AM")),
                ("thu_pm", models.BooleanField(default=False, verbose_name="Thursday PM")),
                ("fri_am", models.BooleanField(default=False, verbose_name="Friday AM")),
                ("fri_pm", models.BooleanField(default=False, verbose_name="Friday PM")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "placement",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="placements.placement",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical placement timetable",
                "verbose_name_plural": "historical placement timetables",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
    ]
