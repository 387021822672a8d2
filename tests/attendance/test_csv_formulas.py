"""CSV exports: a cell a spreadsheet would run as a formula is made text, in any Unicode form."""

import unicodedata

import pytest

from attendance.export import FORMULA_STARTS, csv_lines, safe_cell


@pytest.mark.parametrize(
    "value",
    [
        '＝HYPERLINK("http://evil.example","Click")',  # full-width equals sign
        "＋44 7700 900000",
        "－1+1",
        "＠SUM(A1:A2)",
        "﹦1+1",  # small equals sign
        "﹢1",  # small plus sign
        "﹣1",  # small hyphen-minus
        "﹫SUM(A1)",  # small commercial at
    ],
)
def test_compatibility_forms_of_formula_signs_are_escaped(value):
    assert unicodedata.normalize("NFKC", value)[0] in "=+-@"
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_every_formula_sign_is_escaped(start):
    assert safe_cell(f"{start}1+1") == f"'{start}1+1"


def test_the_written_line_starts_the_cell_with_an_apostrophe():
    assert list(csv_lines([["＝1+1", "Ada"]])) == ["'＝1+1,Ada\r\n"]


def test_ordinary_full_width_text_is_left_alone():
    assert safe_cell("Ｒｉｖｅｒｓｉｄｅ") == "Ｒｉｖｅｒｓｉｄｅ"
