from django.apps import AppConfig


class PlacementsConfig(AppConfig):
    name = "placements"

    def ready(self) -> None:
        from altprov.links import register, register_subpage
        from altprov.models import LinkPurpose

        # Registers the flag kinds, so every process (web too) knows their labels.
        from . import evidence_flags, signature_flags  # noqa: F401
        from .signing import reissue_signature_link
        from .views.agreements import signature_link, signature_link_document

        register(LinkPurpose.SIGNATURE, view=signature_link, reissue=reissue_signature_link)
        register_subpage(
            LinkPurpose.SIGNATURE, "document", label="Download the document", view=signature_link_document
        )
