from django.core.management.base import BaseCommand
from django.utils import timezone

from monitoring.retention import due_for_review, retention_review


class Command(BaseCommand):
    help = (
        "List the records past their retention period (settings.RETENTION) for each school and tell "
        "the head once a month. Deletes nothing. Safe to run again: the month's flag is raised once."
    )

    def handle(self, *args, **options):
        for school_id, dues in sorted(due_for_review(today=timezone.localdate()).items()):
            for due in dues:
                never = "" if due.record_type.disposable else " (never deleted by the app)"
                self.stdout.write(f"school {school_id}: {due.count} {due.record_type.label}{never}")
        summary = retention_review()
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in summary.items()))
