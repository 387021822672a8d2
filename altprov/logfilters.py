"""Keep link secrets out of the logs."""

import logging
import re

LINK_PATH = re.compile(r"(/attendance/r/)[^/\s'\"]+")


class RedactLinkTokens(logging.Filter):
    """A provider's register link is its password: never write it to a log.

    Django logs the path of every 4xx and 5xx response (an expired link
    answers 410), so the path is rewritten before any handler sees it.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/attendance/r/" in message:
            record.msg = LINK_PATH.sub(r"\1[redacted]", message)
            record.args = ()
            request = getattr(record, "request", None)
            if request is not None:
                record.request = None
        return True
