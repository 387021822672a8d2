from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"

    def ready(self) -> None:
        from altprov import links
        from altprov.models import LinkPurpose

        # Flag kinds register at import, so every process knows their labels.
        from . import concerns, incidents, meeting_flags, review_flags, visit_flags  # noqa: F401
        from .reviews import reissue_review_link
        from .views.provider_links import provider_concern, provider_incident
        from .views.reviews import review_link

        links.register(LinkPurpose.TERMLY_REVIEW, view=review_link, reissue=reissue_review_link)
        # Policy: the provider's register link also opens the urgent pages, so it needs no other link.
        links.register_subpage(
            LinkPurpose.PROVIDER_REGISTER,
            "incident",
            label="Report a serious incident",
            view=provider_incident,
        )
        links.register_subpage(
            LinkPurpose.PROVIDER_REGISTER,
            "concern",
            label="Raise a safeguarding concern",
            view=provider_concern,
        )
