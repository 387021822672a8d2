from django.core.management.base import BaseCommand

from monitoring.meeting_flags import check_monitoring_due


class Command(BaseCommand):
    help = (
        "Raise and resolve the monitoring flags: agreement reviews due within 7 days or overdue, actions "
        "past their due date, and decisions on ceasing left open by a placement that ended (daily, 07:20)."
    )

    def handle(self, *args, **options):
        summary = check_monitoring_due()
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in summary.items()))
