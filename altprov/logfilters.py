"""Keep link secrets and password-reset tokens out of logs and printed email."""

import logging
import re

# Every link page lives under this one prefix (altprov/urls.py builds its
# routes from it), so one pattern covers every link, now and later.
LINK_PREFIX = "/l/"

# A slash as it may be written: plain, percent-encoded (a `next=` in a query
# string, a Referer) or escaped in JSON.
_SLASH = r"(?:/|%2[Ff]|\\/)"
# One character of a path segment: anything but a separator (slash, space,
# quote, query, fragment, parameter), or a percent-escape other than an
# encoded separator. A secret therefore goes in full whatever follows it.
_SEGMENT_CHAR = r"(?:%(?!2[Ff]|3[Ff]|23|26|22|27|20)[0-9A-Fa-f]{2}|[^/\\\s'\"?#&%<>])"

# The link's id may stay (it helps to trace a complaint); the secret goes.
LINK_PATH = re.compile(
    rf"({_SLASH}[lL]{_SLASH})((?:\d+(?:\.|%2[Ee]))?){_SEGMENT_CHAR}*",
)
# A token seen anywhere else (pasted into a form or a query string): the id,
# a dot and the 43 characters of `secrets.token_urlsafe(32)` (altprov.links).
BARE_TOKEN = re.compile(r"(?<![\w.-])(\d{1,18}\.)[A-Za-z0-9_-]{43,}")
# Django's password reset: /accounts/reset/<uidb64>/<token>/ (altprov/urls.py).
# The view swaps the token for "set-password" in its redirect; that may stay.
RESET_PATH = re.compile(
    rf"({_SLASH}reset{_SLASH}{_SEGMENT_CHAR}+{_SLASH})(?!set-password\b){_SEGMENT_CHAR}+",
)
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """`text` with every link secret and password-reset token replaced."""
    text = LINK_PATH.sub(rf"\1\2{REDACTED}", text)
    text = RESET_PATH.sub(rf"\1{REDACTED}", text)
    return BARE_TOKEN.sub(rf"\1{REDACTED}", text)


class RedactLinkTokens(logging.Filter):
    """A link is its holder's password: never write it to a log.

    Django logs the path of every 4xx and 5xx response (an expired link
    answers 410), so the path is rewritten before any handler sees it.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = ()
            # The request's repr (and its path) would otherwise reach a
            # handler that prints it.
            if getattr(record, "request", None) is not None:
                record.request = None
        return True
