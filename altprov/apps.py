from django.apps import AppConfig


class AltprovConfig(AppConfig):
    name = "altprov"
    verbose_name = "altprov"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the deploy checks
