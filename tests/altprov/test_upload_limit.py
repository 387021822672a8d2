"""A body over the limit is refused with 413 before any of it is read."""

import io

import pytest
from django.http import HttpResponse, HttpResponseBadRequest
from django.http.multipartparser import MultiPartParser
from django.test import RequestFactory
from django.urls import reverse

from altprov.uploads import MULTIPART_OVERHEAD, UploadLimitHandler, UploadLimitMiddleware, UploadTooLarge

from ..factories import ProviderFactory

MB = 1024 * 1024
BOUNDARY = "----altprovBoundary"


class BodyNotToRead(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        raise AssertionError("the request body was read")

    def readline(self, size: int = -1) -> bytes:
        raise AssertionError("the request body was read")


def post_unread(client, path: str, *, length: int, content_type: str):
    return client.generic(
        "POST",
        path,
        CONTENT_TYPE=content_type,
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": BodyNotToRead()},
    )


@pytest.mark.django_db
@pytest.mark.parametrize("size", [11 * MB, 40 * MB])
def test_an_evidence_upload_over_the_limit_is_refused_unread(client, dsl, size):
    client.force_login(dsl)
    response = post_unread(
        client,
        reverse("placements:evidence_create", args=[ProviderFactory().pk]),
        length=size,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "<h1>Too large to accept</h1>" in page
    assert "at most 10 MB" in page


@pytest.mark.django_db
def test_any_other_body_over_the_form_limit_is_refused_unread(client, settings):
    response = post_unread(
        client,
        reverse("login"),
        length=settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413


def passes_middleware(**meta) -> int:
    request = RequestFactory().generic("POST", "/", **meta)
    return UploadLimitMiddleware(lambda request: HttpResponse("read"))(request).status_code


def test_a_file_at_the_limit_with_its_form_fields_is_let_through(settings):
    multipart = f"multipart/form-data; boundary={BOUNDARY}"
    limit = settings.EVIDENCE_MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD
    assert passes_middleware(CONTENT_TYPE=multipart, CONTENT_LENGTH=str(limit)) == 200
    assert passes_middleware(CONTENT_TYPE=multipart, CONTENT_LENGTH=str(limit + 1)) == 413
    assert passes_middleware(CONTENT_TYPE="application/json", CONTENT_LENGTH="1024") == 200


class CountingBody(io.RawIOBase):
    """A large multipart body, made as it is read, that counts what was read."""

    def __init__(self, file_size: int) -> None:
        head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        self.parts = [head, file_size, f"\r\n--{BOUNDARY}--\r\n".encode()]
        self.length = len(head) + file_size + len(self.parts[2])
        self.position = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        size = self.length - self.position if size is None or size < 0 else size
        size = min(size, self.length - self.position)
        out = bytearray()
        offset = self.position
        for part in self.parts:
            part_length = part if isinstance(part, int) else len(part)
            if offset < part_length and len(out) < size:
                take = min(part_length - offset, size - len(out))
                out += b"0" * take if isinstance(part, int) else part[offset : offset + take]
                offset = 0
            else:
                offset = max(offset - part_length, 0)
        self.position += len(out)
        return bytes(out)


def test_a_body_without_a_length_is_refused_as_it_streams(settings):
    """A chunked upload has no Content-Length for the middleware to check: the handler counts it."""
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1 * MB
    request = RequestFactory().post("/")
    body = CountingBody(file_size=20 * MB)
    meta = {"CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}", "CONTENT_LENGTH": str(body.length)}
    parser = MultiPartParser(meta, body, [UploadLimitHandler(request)], "utf-8")
    with pytest.raises(UploadTooLarge):
        parser.parse()
    assert request.upload_too_large
    assert body.position < 2 * MB


def test_the_handlers_refusal_is_answered_with_the_413_page():
    def view_reading_the_upload(request):
        request.upload_too_large = True  # as UploadLimitHandler marks it
        return HttpResponseBadRequest()  # Django's answer to its RequestDataTooBig

    request = RequestFactory().post("/", content_type=f"multipart/form-data; boundary={BOUNDARY}", data=b"")
    response = UploadLimitMiddleware(view_reading_the_upload)(request)
    assert response.status_code == 413
    assert b"Too large to accept" in response.content
