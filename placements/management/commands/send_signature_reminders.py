from django.core.management.base import BaseCommand

from placements.signing import send_reminders


class Command(BaseCommand):
    help = "Remind signers who have not signed an agreement or contract (every 3 days; run on weekdays)."

    def handle(self, *args, **options):
        self.stdout.write(f"reminded: {send_reminders()}")
