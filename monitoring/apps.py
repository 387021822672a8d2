from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"

    def ready(self) -> None:
        from altprov import links
        from altprov.models import LinkPurpose

        # Registers the flag kinds, so every process knows their labels.
        from . import concerns, incidents  # noqa: F401
        from .views.provider_links import provider_concern, provider_incident

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
