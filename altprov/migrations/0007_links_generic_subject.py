# Links point at what they are about through a generic subject, so the base
# layer holds no foreign key to an app's model; rate limits are counted in the
# database, shared by every web process.

import django.db.models.deletion
from django.db import migrations, models


def _provider_type(apps):
    # Through the migration's app registry: no import of the placements app.
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(app_label="placements", model="provider")
    return content_type


def _check_now(schema_editor):
    # PostgreSQL refuses to ALTER a table with foreign-key checks still
    # pending from an UPDATE in the same transaction: run them now.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def provider_to_subject(apps, schema_editor):
    LinkToken = apps.get_model("altprov", "LinkToken")
    links = LinkToken.objects.using(schema_editor.connection.alias).filter(provider__isnull=False)
    if links.exists():
        links.update(subject_type=_provider_type(apps), subject_id=models.F("provider_id"))
        _check_now(schema_editor)


def subject_to_provider(apps, schema_editor):
    LinkToken = apps.get_model("altprov", "LinkToken")
    links = LinkToken.objects.using(schema_editor.connection.alias).filter(
        subject_type__app_label="placements", subject_type__model="provider"
    )
    if links.exists():
        links.update(provider_id=models.F("subject_id"))
        _check_now(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("altprov", "0006_flag_kind_data_moves_to_callers"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="linktoken",
            name="link_register_has_provider",
        ),
        migrations.AddField(
            model_name="linktoken",
            name="audience",
            field=models.CharField(
                choices=[("provider", "Provider"), ("parent", "Parent or carer"), ("person", "Named person")],
                default="provider",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="linktoken",
            name="recipient_email",
            field=models.EmailField(blank=True, max_length=254),
        ),
        migrations.AddField(
            model_name="linktoken",
            name="recipient_name",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AddField(
            model_name="linktoken",
            name="subject_id",
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="linktoken",
            name="subject_type",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="contenttypes.contenttype",
            ),
        ),
        migrations.RunPython(provider_to_subject, subject_to_provider),
        migrations.RemoveField(
            model_name="linktoken",
            name="provider",
        ),
        migrations.AddIndex(
            model_name="linktoken",
            index=models.Index(fields=["subject_type", "subject_id"], name="link_subject"),
        ),
        migrations.AddConstraint(
            model_name="linktoken",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("subject_id__isnull", True), ("subject_type__isnull", True)),
                    models.Q(("subject_id__isnull", False), ("subject_type__isnull", False)),
                    _connector="OR",
                ),
                name="link_subject_whole",
            ),
        ),
        migrations.AddConstraint(
            model_name="linktoken",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("purpose", "provider_register"), _negated=True),
                    ("subject_id__isnull", False),
                    _connector="OR",
                ),
                name="link_register_has_subject",
            ),
        ),
        migrations.AddConstraint(
            model_name="linktoken",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("audience", "person"), _negated=True),
                    models.Q(("recipient_email", ""), _negated=True),
                    _connector="OR",
                ),
                name="link_person_has_email",
            ),
        ),
        migrations.CreateModel(
            name="RateCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=100)),
                (
                    "bucket",
                    models.BigIntegerField(help_text="Start of the time bucket, in seconds since the epoch."),
                ),
                ("hits", models.PositiveIntegerField(default=0)),
            ],
            options={
                "indexes": [models.Index(fields=["bucket"], name="ratecount_bucket")],
                "constraints": [
                    models.UniqueConstraint(fields=("key", "bucket"), name="ratecount_once_per_bucket")
                ],
            },
        ),
    ]
