from django.apps import AppConfig


class PlacementsConfig(AppConfig):
    name = "placements"

    def ready(self) -> None:
        # Registers the evidence flag kinds, so every process (web too) knows their labels.
        from . import evidence_flags  # noqa: F401
