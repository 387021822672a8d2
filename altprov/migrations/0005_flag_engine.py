import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def describe_existing_flags(apps, schema_editor):
    """Flags so far are all missing reports: give them a subject, words and roles."""
    Flag = apps.get_model("altprov", "Flag")
    ContentType = apps.get_model("contenttypes", "ContentType")
    provider_type = None
    for flag in Flag.objects.all():
        if flag.provider_id is not None and provider_type is None:
            provider_type, _ = ContentType.objects.get_or_create(app_label="placements", model="provider")
        flag.subject_type = provider_type if flag.provider_id else None
        flag.subject_id = flag.provider_id
        flag.summary = f"Attendance not reported: {flag.session} on {flag.day:%d/%m/%Y}" if flag.day else flag.kind
        flag.url = f"/attendance/?day={flag.day.isoformat()}" if flag.day else ""
        flag.roles = ",admin,pastoral," if flag.stage == "escalated" else ",admin,"
        flag.save(update_fields=["subject_type", "subject_id", "summary", "url", "roles"])


class Migration(migrations.Migration):
    dependencies = [
        ("altprov", "0004_notification_outbox"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(model_name="flag", name="kind", field=models.CharField(max_length=40)),
        migrations.AlterField(
            model_name="flag",
            name="stage",
            field=models.CharField(
                choices=[("raised", "Raised"), ("escalated", "Escalated")], default="raised", max_length=10
            ),
        ),
        migrations.AddField(
            model_name="flag",
            name="subject_type",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="contenttypes.contenttype",
            ),
        ),
        migrations.AddField(
            model_name="flag", name="subject_id", field=models.PositiveBigIntegerField(blank=True, null=True)
        ),
        migrations.AddField(
            model_name="flag",
            name="summary",
            field=models.CharField(
                default="",
                help_text="What needs doing, in words every role told about it may read.",
                max_length=300,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="flag",
            name="url",
            field=models.CharField(blank=True, help_text="Where it is dealt with.", max_length=300),
        ),
        migrations.AddField(
            model_name="flag", name="roles", field=models.CharField(default="", max_length=200), preserve_default=False
        ),
        migrations.AddField(model_name="flag", name="escalate_at", field=models.DateTimeField(blank=True, null=True)),
        migrations.AddField(model_name="flag", name="claim", field=models.CharField(blank=True, max_length=32)),
        migrations.RunPython(describe_existing_flags, migrations.RunPython.noop),
        migrations.CreateModel(
            name="FlagNotice",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("audience", models.CharField(help_text="e.g. the admin assistants, the DSL.", max_length=100)),
                ("how", models.CharField(default="by email and in altprov", max_length=100)),
                ("at", models.DateTimeField()),
                (
                    "flag",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="notices", to="altprov.flag"
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["at", "pk"],
                "indexes": [models.Index(fields=["user", "flag"], name="altprov_fla_user_id_a12b1f_idx")],
            },
        ),
    ]
