from django.core.management.base import BaseCommand

from attendance.daily_links import send_daily_links


class Command(BaseCommand):
    help = "Email each provider expected today its register link (once a day, after the school's email time)."

    def handle(self, *args, **options):
        self.stdout.write(f"Register links sent: {send_daily_links()}")
