from django.apps import AppConfig


class AltprovConfig(AppConfig):
    name = "altprov"
    verbose_name = "altprov"

    def ready(self) -> None:
        from django.core.signals import got_request_exception

        from . import (
            checks,  # noqa: F401 - registers the deploy checks
            mfa,  # noqa: F401 - notes at login whether the user has a second factor
        )
        from .errors import note_reference

        got_request_exception.connect(note_reference, dispatch_uid="altprov.error_reference")
