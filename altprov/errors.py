"""The server-error page and its reference, which matches the log line.

Whoever meets an error can quote the reference on the page; the same
reference is in the ERROR log record with the traceback, so support finds
the one line without the person describing what they were doing (and
without any personal data on the page or in the log).
"""

import logging
import secrets

from django.http import HttpRequest, HttpResponseServerError
from django.template.loader import render_to_string


def error_reference(request: HttpRequest) -> str:
    """The request's reference: 8 hex characters, made on first asking."""
    reference = getattr(request, "error_reference", None)
    if not reference:
        reference = request.error_reference = secrets.token_hex(4)
    return reference


def note_reference(sender, request: HttpRequest | None = None, **kwargs) -> None:
    """got_request_exception: Django sends it before it renders the 500 page and logs the error."""
    if request is not None:
        error_reference(request)


def server_error(request: HttpRequest) -> HttpResponseServerError:
    """handler500. Renders without the request's context: no database, no session, nothing to fail again."""
    return HttpResponseServerError(render_to_string("500.html", {"reference": error_reference(request)}))


class AddErrorReference(logging.Filter):
    """On django.request: put the reference in the message of a request's error record."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        reference = getattr(request, "error_reference", None)
        if reference and record.levelno >= logging.ERROR:
            record.error_reference = reference
            record.msg = f"{record.getMessage()} (reference {reference})"
            record.args = ()
        return True
