"""The one PDF function: a template and a context to an A4 document, with nothing fetched from outside."""

import os
from types import SimpleNamespace

import pytest
from django.template import engines

from altprov.pdf import pdf_response, render_pdf

from ..pdftext import pdf_info, pdf_objects, pdf_text


def test_a_template_becomes_an_a4_pdf_with_the_schools_name_and_its_styles():
    data = render_pdf("pdf/base.html", {"school": SimpleNamespace(name="Northfield Academy")})
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    assert "NORTHFIELD ACADEMY" in text  # the stylesheet (upper case) was found in static/
    assert "Page 1 of 1" in text
    assert "595.276 x 841.89 pts (A4)" in pdf_info(data)


def test_every_pdf_is_tagged_for_screen_readers_with_its_title_and_language():
    data = render_pdf("pdf/base.html", {"school": SimpleNamespace(name="Northfield Academy")})
    info = pdf_info(data)
    assert "Tagged:          yes" in info  # /MarkInfo << /Marked true >>
    assert "Title:           Northfield Academy" in info  # the base's title when a document sets none

    objects = pdf_objects(data)
    assert b"/StructTreeRoot" in objects
    assert b"/Marked true" in objects
    assert b"/Lang (en-GB)" in objects
    assert b"/DisplayDocTitle true" in objects  # a reader shows the title, not the file name
    assert b'pdfuaid:part="1"' in objects  # declared PDF/UA-1


def test_a_documents_own_title_becomes_the_pdf_title(monkeypatch):
    template = engines["django"].from_string(
        '{% extends "pdf/base.html" %}{% block title %}Visit proforma: Zara Okafor{% endblock title %}'
    )
    monkeypatch.setattr("altprov.pdf.render_to_string", lambda name, context: template.render(context))
    data = render_pdf("ignored.html", {"school": SimpleNamespace(name="Northfield Academy")})
    assert "Title:           Visit proforma: Zara Okafor" in pdf_info(data)


def test_nothing_outside_the_static_files_is_fetched(monkeypatch):
    template = engines["django"].from_string(
        '<img src="https://example.org/tracker.png"><link rel="stylesheet" href="file:///etc/passwd">'
    )
    monkeypatch.setattr("altprov.pdf.render_to_string", lambda name, context: template.render(context))
    with pytest.raises(BaseException, match="static files only|Error fetching"):
        render_pdf("ignored.html", {})


def test_a_pdf_answer_is_private_and_named():
    response = pdf_response("pdf/base.html", {"school": SimpleNamespace(name="N")}, filename="visit.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="visit.pdf"'
    assert "no-store" in response["Cache-Control"]


def test_the_stylesheet_is_parsed_once_and_again_only_when_it_changes(tmp_path, monkeypatch):
    from altprov import pdf

    sheet = tmp_path / "pdf.css"
    sheet.write_text("body { color: #111; }")
    monkeypatch.setattr(pdf.finders, "find", lambda name: str(sheet))
    first, fonts = pdf._stylesheet_and_fonts()
    assert pdf._stylesheet_and_fonts() == (first, fonts)  # the same objects: not parsed again

    sheet.write_text("body { color: #222; }")
    os.utime(sheet, ns=(sheet.stat().st_atime_ns, sheet.stat().st_mtime_ns + 1_000_000_000))
    assert pdf._stylesheet_and_fonts()[0] is not first
