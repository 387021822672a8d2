"""Each school's attendance times: their order, the job window and the beat schedule that acts on them."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from altprov.models import JOBS_END, JOBS_START, SCHOOL_TIMES

from ..factories import SchoolFactory

BEFORE = ("altprov", "0002_flag_linktoken_notification_and_more")
AFTER = ("altprov", "0003_school_pm_escalation")
JOBS = ["send-register-links", "check-missing-reports"]
LONDON = ZoneInfo("Europe/London")
# The latest each time can be, in order: email < cut-off < escalation, per session.
LATEST = {
    "provider_email_time": "18:52",
    "report_cutoff": "18:53",
    "escalation_time": "18:55",
    "pm_report_cutoff": "18:54",
    "pm_escalation_time": "18:55",
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "times",
    [
        {"provider_email_time": "10:00", "report_cutoff": "10:00"},
        {"provider_email_time": "10:30"},
        {"escalation_time": "10:00"},
        {"pm_report_cutoff": "09:59"},
        {"pm_escalation_time": "14:00"},
        {"pm_escalation_time": "13:00"},
        {"provider_email_time": "05:59"},
        {"pm_escalation_time": "18:56"},
        # The old derived afternoon escalation could wrap past midnight.
        {"pm_report_cutoff": "18:00", "pm_escalation_time": "00:30"},
    ],
)
def test_database_refuses_times_out_of_order_or_outside_the_job_hours(times):
    with pytest.raises(IntegrityError), transaction.atomic():
        SchoolFactory(**times)


@pytest.mark.django_db
def test_database_accepts_the_latest_times_in_order():
    school = SchoolFactory(**LATEST)
    school.refresh_from_db()
    assert school.pm_escalation_time == time(18, 55)


def _weekday_runs(schedule) -> list[time]:
    # Celery counts days of the week from Sunday = 0.
    assert {1, 2, 3, 4, 5} <= schedule.day_of_week
    return sorted(time(hour, minute) for hour in schedule.hour for minute in schedule.minute)


@pytest.mark.parametrize("job", JOBS)
def test_beat_runs_each_job_within_5_minutes_of_any_time_a_school_can_set(job):
    runs = _weekday_runs(settings.CELERY_BEAT_SCHEDULE[job]["schedule"])
    day = datetime(2026, 11, 30)
    at = datetime.combine(day, JOBS_START)
    while at.time() <= JOBS_END:
        due = [run for run in runs if at.time() <= run <= (at + timedelta(minutes=5)).time()]
        assert due, f"{job} does not run at or soon after {at:%H:%M}"
        at += timedelta(minutes=1)


@pytest.mark.parametrize("monday", [date(2026, 11, 30), date(2027, 6, 7)], ids=["GMT", "BST"])
@pytest.mark.parametrize("name", SCHOOL_TIMES)
def test_beat_acts_on_the_latest_setting_of_each_time_that_day(name, monday):
    job = "send-register-links" if name == "provider_email_time" else "check-missing-reports"
    schedule = settings.CELERY_BEAT_SCHEDULE[job]["schedule"]
    setting = time.fromisoformat(LATEST[name])
    # The job last ran just before the setting: celery's next run must be at
    # or after it, the same day, in time to act on it.
    last_run = datetime.combine(monday, setting, tzinfo=LONDON) - timedelta(seconds=1)
    last_run, delta, _ = schedule.remaining_delta(last_run)
    next_run = (last_run + delta).astimezone(LONDON)
    wanted = datetime.combine(monday, setting, tzinfo=LONDON)
    assert wanted <= next_run <= wanted + timedelta(minutes=5)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migration_gives_existing_schools_their_own_valid_afternoon_escalation():
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate([BEFORE])
        old = executor.loader.project_state([BEFORE]).apps
        School = old.get_model("altprov", "School")
        HistoricalSchool = old.get_model("altprov", "HistoricalSchool")
        details = {
            "address": "1 Lane",
            "phone": "0",
            "dsl_name": "D",
            "dsl_phone": "0",
            "dsl_email": "d@x.example",
        }
        rows = {
            "usual": ("08:00", "10:00", "12:00", "14:00"),
            # 10:00 -> 18:00 is 8 hours; 17:00 + 8 hours wrapped to 01:00.
            "wraps": ("08:00", "10:00", "18:00", "17:00"),
            "outside": ("05:30", "09:00", "20:00", "15:00"),
            # Both clamp to 06:00, so no order is left: the defaults.
            "hopeless": ("05:00", "05:30", "06:00", "07:00"),
        }
        for n, (name, (email, cutoff, escalation, pm)) in enumerate(rows.items()):
            fields = {
                "provider_email_time": email,
                "report_cutoff": cutoff,
                "escalation_time": escalation,
                "pm_report_cutoff": pm,
            }
            school = School.objects.create(name=name, urn=f"10000{n}", **details, **fields)
            HistoricalSchool.objects.create(
                id=school.pk,
                name=name,
                urn=school.urn,
                **details,
                **fields,
                history_date=datetime(2026, 11, 1, 9, 0, tzinfo=LONDON),
                history_type="+",
            )

        executor.loader.build_graph()
        executor.migrate([AFTER])
        new = executor.loader.project_state([AFTER]).apps
        migrated = {
            s.name: tuple(getattr(s, f).strftime("%H:%M") for f in SCHOOL_TIMES)
            for s in new.get_model("altprov", "School").objects.all()
        }
        assert migrated == {
            "usual": ("08:00", "10:00", "12:00", "14:00", "16:00"),
            "wraps": ("08:00", "10:00", "18:00", "17:00", "18:55"),
            "outside": ("06:00", "09:00", "18:55", "15:00", "18:55"),
            "hopeless": ("08:00", "10:00", "12:00", "14:00", "16:00"),
        }
        history = {
            h.name: h.pm_escalation_time.strftime("%H:%M")
            for h in new.get_model("altprov", "HistoricalSchool").objects.all()
        }
        assert history == {"usual": "16:00", "wraps": "18:55", "outside": "18:55", "hopeless": "07:30"}
    finally:
        executor.loader.build_graph()
        executor.migrate(leaves)
