from django.core.management.base import BaseCommand

from attendance.missing import check_missing_reports


class Command(BaseCommand):
    help = (
        "Raise, escalate and resolve missing attendance report flags (run every few minutes on school days)."
    )

    def handle(self, *args, **options):
        summary = check_missing_reports()
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in summary.items()))
