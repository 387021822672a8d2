from django.core.management.base import BaseCommand

from placements.signature_flags import check_document_hashes


class Command(BaseCommand):
    help = (
        "Re-hash every stored signed PDF and flag any that no longer matches its recorded SHA-256 (nightly)."
    )

    def handle(self, *args, **options):
        summary = check_document_hashes()
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in summary.items()))
