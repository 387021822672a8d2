"""Keep link secrets out of the logs."""

import logging
import re

# Every link page lives under this one prefix (altprov/urls.py builds its
# routes from it), so one pattern covers every link, now and later.
LINK_PREFIX = "/l/"
# The link's id may stay (it helps to trace a complaint); anything after the
# dot, up to a slash, a quote, whitespace, a query string or the end, goes.
LINK_PATH = re.compile(r"(/l/)(\d+\.)?[^/\s'\"?#&]*")


class RedactLinkTokens(logging.Filter):
    """A link is its holder's password: never write it to a log.

    Django logs the path of every 4xx and 5xx response (an expired link
    answers 410), so the path is rewritten before any handler sees it.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if LINK_PREFIX in message:
            record.msg = LINK_PATH.sub(r"\1\2[redacted]", message)
            record.args = ()
            request = getattr(record, "request", None)
            if request is not None:
                record.request = None
        return True
