from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from altprov.demo import Demo, demo_modules, logins
from altprov.demo_scale import AlreadySeeded, Scale, scale_modules


class Command(BaseCommand):
    help = (
        "Load demo schools, staff logins, learners, providers, placements and attendance "
        "(safe to run again). With --placements, local-authority-scale data instead, for "
        "benchmarks (once, into an empty database)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="Copies of the main school's demo data.")
        parser.add_argument(
            "--placements",
            type=int,
            help="Local-authority scale: this many active placements over up to 25 schools, a shared "
            "provider directory and a register mark for every past expected session.",
        )
        parser.add_argument(
            "--years", type=int, default=1, help="With --placements: school years of registers (up to 6)."
        )

    def handle(self, *args, scale: int, placements: int | None, years: int, **options):
        if placements is not None:
            return self.seed_at_scale(placements, years)
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

    def seed_at_scale(self, placements: int, years: int) -> None:
        if placements < 1:
            raise CommandError("--placements must be 1 or more.")
        if not 1 <= years <= 6:
            raise CommandError("--years must be between 1 and 6.")
        at_scale = Scale(placements=placements, years=years)
        try:
            with transaction.atomic():
                for module in scale_modules():
                    module.seed(at_scale)
        except AlreadySeeded as e:
            raise CommandError(str(e)) from None
        for line in at_scale.report:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Local-authority-scale demo data ready."))
