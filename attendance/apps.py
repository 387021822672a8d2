from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "attendance"

    def ready(self) -> None:
        from altprov.links import register
        from altprov.models import LinkPurpose
        from placements.schedule_changes import listen

        # Registers the missing-report flag kind, so every process knows its label.
        from . import missing  # noqa: F401
        from .daily_links import reissue_register_link
        from .views.provider import provider_register

        register(LinkPurpose.PROVIDER_REGISTER, view=provider_register, reissue=reissue_register_link)

        from .summary import refresh_between

        # Closures, terms, timetables and status changes in placements keep the figures' summary up to date.
        listen(refresh_between)
