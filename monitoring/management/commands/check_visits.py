from django.core.management.base import BaseCommand

from monitoring.visit_flags import check_visits


class Command(BaseCommand):
    help = (
        "Raise and resolve the visit flags: a half term's visit due soon (its last 14 days) "
        "and overdue (ended without one). Run once each school day."
    )

    def handle(self, *args, **options):
        summary = check_visits()
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in summary.items()))
