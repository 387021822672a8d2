from django.core.management.base import BaseCommand

from altprov.notifications import send_outbox


class Command(BaseCommand):
    help = "Email the messages that are due: retries after a failure, and any whose task was lost."

    def handle(self, *args, **options):
        result = send_outbox()
        self.stdout.write(
            f"Messages sent: {result['sent']}, to retry: {result['retrying']}, given up: {result['gave_up']}"
        )
