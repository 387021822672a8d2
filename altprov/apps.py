from django.apps import AppConfig


class AltprovConfig(AppConfig):
    name = "altprov"
    verbose_name = "altprov"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .security import start_session_clocks

        # Whichever page signs someone in (the login, the admin's, a second
        # factor's), the session's limits start then.
        user_logged_in.connect(start_session_clocks, dispatch_uid="altprov.start_session_clocks")
