from django.core.management.base import BaseCommand

from monitoring.reviews import request_termly_reviews


class Command(BaseCommand):
    help = (
        "Send providers the Termly Review links due before the term ends, the reminders, and raise or "
        "resolve the flags of reviews not returned (once a day on school days)."
    )

    def handle(self, *args, **options):
        summary = request_termly_reviews()
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in summary.items()))
