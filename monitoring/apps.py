from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"

    def ready(self) -> None:
        from altprov.links import register
        from altprov.models import LinkPurpose

        # Registers the overdue-review flag kind, so every process knows its label.
        from . import review_flags  # noqa: F401
        from .reviews import reissue_review_link
        from .views.reviews import review_link

        register(LinkPurpose.TERMLY_REVIEW, view=review_link, reissue=reissue_review_link)
