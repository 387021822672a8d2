from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"

    def ready(self) -> None:
        from altprov.links import register
        from altprov.models import LinkPurpose

        # Flag kinds register at import, so every process knows their labels.
        from . import concerns, meeting_flags, review_flags, visit_flags  # noqa: F401
        from .reviews import reissue_review_link
        from .views.reviews import review_link

        register(LinkPurpose.TERMLY_REVIEW, view=review_link, reissue=reissue_review_link)
