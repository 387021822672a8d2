import placements.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("altprov", "0002_flag_linktoken_notification_and_more"),
        ("placements", "0008_remove_placement_sessions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicallearner",
            name="upn",
            field=models.CharField(
                help_text="Unique pupil number: 13 characters, starting with the check letter.",
                max_length=13,
                validators=[placements.validators.validate_upn],
                verbose_name="UPN",
            ),
        ),
        migrations.AlterField(
            model_name="learner",
            name="upn",
            field=models.CharField(
                help_text="Unique pupil number: 13 characters, starting with the check letter.",
                max_length=13,
                validators=[placements.validators.validate_upn],
                verbose_name="UPN",
            ),
        ),
        migrations.AddConstraint(
            model_name="learner",
            constraint=models.UniqueConstraint(
                fields=("school", "upn"),
                name="learner_upn_unique_per_school",
                violation_error_message="A learner with this UPN is already on this school's roll.",
            ),
        ),
    ]
