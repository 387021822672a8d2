from django.apps import AppConfig


class AltprovConfig(AppConfig):
    name = "altprov"
    verbose_name = "altprov"

    def ready(self) -> None:
        # Notes at login whether the user has a second factor (altprov.mfa).
        from . import mfa  # noqa: F401
