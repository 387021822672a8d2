"""PDF rendering: one function from a template and a context to bytes (DESIGN.md "Documents").

Every document (the visit proforma, the termly review, the agreement and the
parent/carer contract) is an HTML template extending `pdf/base.html`, laid
out for A4 by `static/css/pdf.css`, and rendered here by WeasyPrint. Fonts
and styles come from the project's own static files, never the network.
"""

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


def render_pdf(template: str, context: dict) -> bytes:
    """The template rendered to a PDF document."""
    # Imported here: WeasyPrint takes half a second to import.
    from weasyprint import HTML

    html = render_to_string(template, context)
    return HTML(string=html, base_url="http://localhost/", url_fetcher=_fetcher()).write_pdf()


def pdf_response(template: str, context: dict, *, filename: str, inline: bool = True) -> HttpResponse:
    """A PDF answer for a view; private (no caching), named `filename`."""
    response = HttpResponse(render_pdf(template, context), content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
