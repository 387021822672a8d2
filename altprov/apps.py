from django.apps import AppConfig


class AltprovConfig(AppConfig):
    name = "altprov"
    verbose_name = "altprov"

    def ready(self) -> None:
        from django.core.signals import got_request_exception

        from . import checks  # noqa: F401 - registers the deploy checks
        from .errors import note_reference

        got_request_exception.connect(note_reference, dispatch_uid="altprov.error_reference")
