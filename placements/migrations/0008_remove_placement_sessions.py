from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("placements", "0007_timetable_versions_from_placements"),
    ]

    operations = [
        migrations.RemoveField(model_name="placement", name="mon_am"),
        migrations.RemoveField(model_name="placement", name="mon_pm"),
        migrations.RemoveField(model_name="placement", name="tue_am"),
        migrations.RemoveField(model_name="placement", name="tue_pm"),
        migrations.RemoveField(model_name="placement", name="wed_am"),
        migrations.RemoveField(model_name="placement", name="wed_pm"),
        migrations.RemoveField(model_name="placement", name="thu_am"),
        migrations.RemoveField(model_name="placement", name="thu_pm"),
        migrations.RemoveField(model_name="placement", name="fri_am"),
        migrations.RemoveField(model_name="placement", name="fri_pm"),
        migrations.RemoveField(model_name="historicalplacement", name="mon_am"),
        migrations.RemoveField(model_name="historicalplacement", name="mon_pm"),
        migrations.RemoveField(model_name="historicalplacement", name="tue_am"),
        migrations.RemoveField(model_name="historicalplacement", name="tue_pm"),
        migrations.RemoveField(model_name="historicalplacement", name="wed_am"),
        migrations.RemoveField(model_name="historicalplacement", name="wed_pm"),
        migrations.RemoveField(model_name="historicalplacement", name="thu_am"),
        migrations.RemoveField(model_name="historicalplacement", name="thu_pm"),
        migrations.RemoveField(model_name="historicalplacement", name="fri_am"),
        migrations.RemoveField(model_name="historicalplacement", name="fri_pm"),
    ]
