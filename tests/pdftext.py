"""Reading PDFs in tests with poppler's tools (installed by .ci/run), as a person would see the text."""

import shutil
import subprocess


def _run(tool: str, data: bytes, *args: str) -> str:
    path = shutil.which(tool)
    assert path, f"{tool} is missing: install poppler-utils"
    return subprocess.run([path, *args], input=data, capture_output=True, check=True).stdout.decode()  # noqa: S603


def pdf_text(data: bytes) -> str:
    """The text of a PDF, laid out as on the page."""
    return _run("pdftotext", data, "-layout", "-", "-")


def pdf_info(data: bytes) -> str:
    return _run("pdfinfo", data, "-")


def pdf_objects(data: bytes) -> bytes:
    """The PDF's objects as written, with compressed streams (object streams included) inflated."""
    import re
    import zlib

    inflated = [data]
    # The end of line before "endstream" stays with the data (a compressed stream may itself end
    # in a carriage return); the decompressor leaves whatever follows the stream unused.
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.DOTALL):
        try:
            inflated.append(zlib.decompressobj().decompress(match.group(1)))
        except zlib.error:
            continue  # an uncompressed or non-Flate stream: already in `data`
    return b"\n".join(inflated)
