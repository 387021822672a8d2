from django.core.management.base import BaseCommand

from placements.evidence_flags import check_provider_evidence


class Command(BaseCommand):
    help = (
        "Raise and resolve the provider evidence flags: approvals lapsed where learners are placed, "
        "and evidence expiring within 30 days (run hourly on school days)."
    )

    def handle(self, *args, **options):
        summary = check_provider_evidence()
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in summary.items()))
