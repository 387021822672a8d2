import logging

from altprov.logfilters import RedactLinkTokens


def test_link_secrets_are_redacted_from_log_messages():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Gone: %s", ("/attendance/r/12.s3cr3tToken/",), None
    )
    assert RedactLinkTokens().filter(record)
    assert record.getMessage() == "Gone: /attendance/r/[redacted]/"


def test_other_messages_are_untouched():
    record = logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/learners/9/",), None
    )
    RedactLinkTokens().filter(record)
    assert record.getMessage() == "Not Found: /learners/9/"
