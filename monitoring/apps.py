from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"

    def ready(self) -> None:
        # Flag kinds register at import.
        from . import visit_flags  # noqa: F401
