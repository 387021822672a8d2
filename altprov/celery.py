import os

from celery import Celery
from celery.signals import after_setup_logger, after_setup_task_logger

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "altprov.settings")

app = Celery("altprov")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@after_setup_logger.connect
@after_setup_task_logger.connect
def _redact_link_secrets(logger, **kwargs) -> None:
    """The worker replaces the root logger's handlers with its own, and with them
    the settings' filter: put it back, so a task's log never holds a link secret."""
    from .logfilters import RedactLinkTokens

    for handler in logger.handlers:
        if not any(isinstance(f, RedactLinkTokens) for f in handler.filters):
            handler.addFilter(RedactLinkTokens())
