import logging

import pytest
from django.urls import reverse

from altprov.logfilters import RedactLinkTokens

SECRET = "s3cr3tToken_-abcdefghijklmnopqrstuvwxyz01234"


def redacted(message: str, *args) -> str:
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, message, args, None)
    assert RedactLinkTokens().filter(record)
    return record.getMessage()


def test_link_secrets_are_redacted_from_log_messages():
    assert redacted("Gone: %s", f"/l/12.{SECRET}/") == "Gone: /l/12.[redacted]/"


def test_every_link_page_is_covered_by_the_one_prefix():
    for name in ("link_page", "link_fresh"):
        path = reverse(name, kwargs={"token": f"12.{SECRET}"})
        assert SECRET not in redacted("Method Not Allowed (GET): %s", path)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (f'"GET /l/12.{SECRET} HTTP/1.1" 410', '"GET /l/12.[redacted] HTTP/1.1" 410'),
        (f"path='/l/12.{SECRET}'", "path='/l/12.[redacted]'"),
        (f'path="/l/12.{SECRET}"', 'path="/l/12.[redacted]"'),
        (f"Gone: /l/12.{SECRET}", "Gone: /l/12.[redacted]"),
        (
            f"Gone: https://school.example/l/12.{SECRET}?x=1",
            "Gone: https://school.example/l/12.[redacted]?x=1",
        ),
        ("Not Found: /l/not-a-token/", "Not Found: /l/[redacted]/"),
    ],
)
def test_the_secret_is_caught_before_a_quote_a_space_or_the_end(message, expected):
    assert redacted(message) == expected


def test_other_messages_are_untouched():
    assert redacted("Not Found: %s", "/learners/9/") == "Not Found: /learners/9/"
