"""Request bodies over the limit are refused before they are read.

Django's own checks come late: a file's size is checked by the form, after
the whole upload has been received and written to a temporary file, and
DATA_UPLOAD_MAX_MEMORY_SIZE answers a bare 400. `UploadLimitMiddleware`,
near the top of MIDDLEWARE, answers 413 with a page that says the limit
from the Content-Length header alone, before anything (CSRF's check of a
form, a view) reads request.POST or request.body. A body sent without a
length (chunked) is counted as it streams by `UploadLimitHandler`, first in
FILE_UPLOAD_HANDLERS, and refused once it passes the limit.
"""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

# Room for the form's other fields and the multipart headers and boundaries
# around the largest file allowed.
MULTIPART_OVERHEAD = 256 * 1024


def body_limit(meta: dict) -> int | None:
    """The largest body accepted: an upload form's (evidence, a concern's file), or any other's."""
    if meta.get("CONTENT_TYPE", "").lower().startswith("multipart/"):
        return settings.EVIDENCE_MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def declared_length(meta: dict) -> int:
    try:
        return max(int(meta.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0  # as Django reads it: no body


class UploadTooLarge(RequestDataTooBig):
    """The body passed the limit while it streamed."""


def too_large(limit: int | None) -> HttpResponse:
    megabytes = max(1, round((limit or 0) / (1024 * 1024)))
    file_megabytes = max(1, settings.EVIDENCE_MAX_UPLOAD_BYTES // (1024 * 1024))
    page = render_to_string("413.html", {"limit_mb": megabytes, "file_limit_mb": file_megabytes})
    return HttpResponse(page, status=413)


class UploadLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = body_limit(request.META)
        if limit is not None and declared_length(request.META) > limit:
            return too_large(limit)
        response = self.get_response(request)
        # UploadLimitHandler's refusal reaches here as Django's 400 for a
        # body too large; the person is told why.
        if getattr(request, "upload_too_large", False):
            return too_large(limit)
        return response


class UploadLimitHandler(FileUploadHandler):
    """Counts the bytes of a request's files as they arrive; stops past the limit."""

    received = 0
    limit: int | None = None

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.limit = body_limit(META)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.limit is not None and self.received > self.limit:
            if self.request is not None:
                self.request.upload_too_large = True
            raise UploadTooLarge("The upload is larger than the limit.")
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
