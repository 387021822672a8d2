from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"

    def ready(self) -> None:
        # Flag kinds register at import.
        from . import concerns, meeting_flags  # noqa: F401
