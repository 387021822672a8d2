from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from altprov.demo import Demo, demo_modules, logins


class Command(BaseCommand):
    help = (
        "Load demo schools, staff logins, learners, providers, placements and attendance (safe to run again)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="Copies of the main school's demo data.")

    def handle(self, *args, scale: int, **options):
        if scale < 1:
            raise CommandError("--scale must be 1 or more.")
        demo = Demo(scale=scale)
        with transaction.atomic():
            for module in demo_modules():
                module.seed(demo)
        for line in demo.report:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Demo data ready: open http://127.0.0.1:8000/ (make run)"))
        for line in logins():
            self.stdout.write(line)
