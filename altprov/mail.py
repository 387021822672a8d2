"""Email backends that print or save mail with its secrets redacted.

Without an SMTP server the console backend prints each message to the
server's log, and the file backend writes it to disk: a register link or a
password-reset URL printed there would let anyone who reads the log use it.
These print the message with every link secret and reset token replaced
(altprov.logfilters.redact), whatever the settings. Messages sent by SMTP
are untouched: the recipient needs the link.
"""

import copy

from django.core.mail.backends import console, filebased
from django.core.mail.message import EmailAlternative, EmailMessage

from .logfilters import redact


def redacted_copy(message: EmailMessage) -> EmailMessage:
    """A copy whose subject, body and HTML alternatives hold no secret.

    The parts are redacted before encoding: a quoted-printable or base64
    body would hide a link from a pattern run over the printed bytes.
    """
    clean = copy.copy(message)
    clean.subject = redact(str(message.subject))
    clean.body = redact(message.body)
    clean.extra_headers = {name: redact(str(value)) for name, value in message.extra_headers.items()}
    alternatives = getattr(message, "alternatives", None)
    if alternatives:
        clean.alternatives = [
            EmailAlternative(redact(content) if isinstance(content, str) else content, mimetype)
            for content, mimetype in alternatives
        ]
    return clean


class _Redacting:
    def write_message(self, message: EmailMessage) -> None:
        super().write_message(redacted_copy(message))


class ConsoleEmailBackend(_Redacting, console.EmailBackend):
    pass


class FileEmailBackend(_Redacting, filebased.EmailBackend):
    pass
