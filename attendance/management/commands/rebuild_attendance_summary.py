from django.core.management.base import BaseCommand

from attendance.summary import rebuild_summary


class Command(BaseCommand):
    help = (
        "Recompute the weekly attendance summary the figures read, from the marks and expected "
        "sessions (safe to run again at any time)."
    )

    def handle(self, *args, **options) -> None:
        stored = rebuild_summary()
        self.stdout.write(f"Attendance summary rebuilt: {stored} placement weeks.")
