"""CSV reports open in Excel: BOM, semicolons, CRLF, no formula injection (lms.cohorts.exports)."""

from __future__ import annotations

import csv
import io

import pytest

from lms.cohorts.exports import safe_cell, to_csv


@pytest.mark.parametrize(
    "text", ["=1+1", "+33 6", "-2", "@SUM(A1)", "\tx", '=HYPERLINK("http://x")']
)
def test_text_a_spreadsheet_would_run_is_defused(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize(
    ("value", "written"), [("Zoé", "Zoé"), (-3, -3), (0.5, 0.5), (None, ""), ("", "")]
)
def test_other_values_are_written_as_they_are(value, written):
    assert safe_cell(value) == written


def test_utf8_with_bom_semicolons_and_crlf():
    data = to_csv(["Nom", "Score (%)"], [["Éloïse Dupré", 83], ["=cmd", None]])
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.endswith(b"\r\n")
    text = data.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text), delimiter=";")) == [
        ["Nom", "Score (%)"],
        ["Éloïse Dupré", "83"],
        ["'=cmd", ""],
    ]
