from django.apps import AppConfig


class AltprovConfig(AppConfig):
    name = "altprov"
    verbose_name = "altprov"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.core.signals import got_request_exception

        from . import (
            checks,  # noqa: F401 - registers the deploy checks
            mfa,  # noqa: F401 - notes at login whether the user has a second factor
        )
        from .errors import note_reference
        from .security import start_session_clocks

        got_request_exception.connect(note_reference, dispatch_uid="altprov.error_reference")
        # Whichever page signs someone in (the login, the admin's, a second
        # factor's), the session's limits start then.
        user_logged_in.connect(start_session_clocks, dispatch_uid="altprov.start_session_clocks")
