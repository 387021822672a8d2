"""The one PDF function: a template and a context to an A4 document, with nothing fetched from outside."""

import subprocess
from types import SimpleNamespace

import pytest
from django.template import engines

from altprov.pdf import pdf_response, render_pdf


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_a_template_becomes_an_a4_pdf_with_the_schools_name_and_its_styles(tmp_path):
    data = render_pdf("pdf/base.html", {"school": SimpleNamespace(name="Northfield Academy")})
    assert data.startswith(b"%PDF")
    text = pdf_text(data, tmp_path)
    assert "NORTHFIELD ACADEMY" in text  # the stylesheet (upper case) was found in static/
    assert "Page 1 of 1" in text
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout.decode()
    assert "595.276 x 841.89 pts (A4)" in info


def test_nothing_outside_the_static_files_is_fetched(tmp_path, monkeypatch):
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
