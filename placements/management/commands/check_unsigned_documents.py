from django.core.management.base import BaseCommand

from placements.signature_flags import check_unsigned


class Command(BaseCommand):
    help = (
        "Flag to the head teacher placements starting within a week without a signed agreement and contract."
    )

    def handle(self, *args, **options):
        summary = check_unsigned()
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in summary.items()))
