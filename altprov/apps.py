from django.apps import AppConfig


class AltprovConfig(AppConfig):
    name = "altprov"
    verbose_name = "altprov"
