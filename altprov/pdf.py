"""PDF rendering: one function from a template and a context to bytes (DESIGN.md "Documents").

Every document (the visit proforma, the termly review, the agreement and the
parent/carer contract) is an HTML template extending `pdf/base.html`, laid
out for A4 by `static/css/pdf.css`, and rendered here by WeasyPrint. Fonts
and styles come from the project's own static files and the system's fonts
(DejaVu, from Debian), never the network.

Each PDF is tagged to PDF/UA-1, so a screen reader can read it in order, with
its title (the template's <title>) and language (`lang` on <html>).

The stylesheet is parsed once per process and thread, with the font
configuration it was parsed against, and parsed again only when the file
changes: parsing it took a good share of each render.
"""

import threading
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string


def _fetcher():
    """A fetcher that reads /static/ URLs from the project's files and refuses anything else."""
    from weasyprint.urls import URLFetcher

    class StaticOnly(URLFetcher):
        def fetch(self, url, headers=None):
            path = urlsplit(url).path
            found = (
                finders.find(path[len(settings.STATIC_URL) :])
                if path.startswith(settings.STATIC_URL)
                else None
            )
            if not found:
                raise ValueError(f"PDF resources come from the project's static files only: {url!r}")
            return super().fetch(Path(found).as_uri(), headers)

    return StaticOnly(allowed_protocols={"http", "file"}, fail_on_errors=True)


STYLESHEET = "css/pdf.css"
# WeasyPrint's font configuration wraps a Pango font map, which is not shared
# between threads (gunicorn runs threaded workers): one cache per thread.
_parsed = threading.local()


def _stylesheet_and_fonts():
    """The parsed A4 stylesheet and its font configuration, reused while the file is unchanged."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    path = finders.find(STYLESHEET)
    key = (path, Path(path).stat().st_mtime_ns)
    if getattr(_parsed, "key", None) != key:
        fonts = FontConfiguration()
        _parsed.css = CSS(filename=path, font_config=fonts, url_fetcher=_fetcher())
        _parsed.fonts = fonts
        _parsed.key = key
    return _parsed.css, _parsed.fonts


def render_pdf(template: str, context: dict) -> bytes:
    """The template rendered to a tagged (PDF/UA-1) A4 document."""
    # Imported here: WeasyPrint takes half a second to import.
    from weasyprint import HTML

    css, fonts = _stylesheet_and_fonts()
    html = render_to_string(template, context)
    document = HTML(string=html, base_url="http://localhost/", url_fetcher=_fetcher())
    return document.write_pdf(stylesheets=[css], font_config=fonts, pdf_variant="pdf/ua-1")


def pdf_response(template: str, context: dict, *, filename: str, inline: bool = True) -> HttpResponse:
    """A PDF answer for a view; private (no caching), named `filename`."""
    response = HttpResponse(render_pdf(template, context), content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
