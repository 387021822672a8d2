from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "attendance"

    def ready(self) -> None:
        from altprov.links import register
        from altprov.models import LinkPurpose

        # Registers the missing-report flag kind, so every process knows its label.
        from . import missing  # noqa: F401
        from .daily_links import reissue_register_link
        from .views.provider import provider_register

        register(LinkPurpose.PROVIDER_REGISTER, view=provider_register, reissue=reissue_register_link)
