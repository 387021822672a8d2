"""gunicorn's own logs without link secrets or password-reset tokens.

gunicorn writes its access and error logs itself, not through Django's
LOGGING, so the filter there never sees them. The access log's request line,
query string and Referer header all carry the URL, and a link's URL is its
holder's password (altprov.links): every line is redacted before any handler
writes it. Used by gunicorn.conf.py (`logger_class`).
"""

import logging

from gunicorn.glogging import Logger

from .logfilters import redact


class RedactSecrets(logging.Filter):
    """Rewrite the whole formatted line, the traceback included."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class RedactingLogger(Logger):
    def setup(self, cfg) -> None:
        super().setup(cfg)
        redactor = RedactSecrets()
        for log in (self.error_log, self.access_log):
            # On the logger for what gunicorn logs, on each handler for what
            # reaches it from elsewhere (a child logger propagating).
            if not any(isinstance(f, RedactSecrets) for f in log.filters):
                log.addFilter(redactor)
            for handler in log.handlers:
                handler.addFilter(redactor)
