"""The PDF's core fonts are Latin-1: other characters are replaced, never crash the PDF."""

from __future__ import annotations

import pytest

from lms.certification.pdf import latin1_safe


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Économie « sociale » à Noël", "Économie « sociale » à Noël"),  # Latin-1 stays
        ("L’œuvre – cœur…", "L'oeuvre - coeur..."),
        ("“Guillemets”", '"Guillemets"'),
        ("Łódź Ștefan", "Lódz Stefan"),  # letters keep their base letter (ó is Latin-1)
        ("10\u202f000 €", "10 000 EUR"),
        ("漢字", "??"),  # no Latin-1 form at all
    ],
)
def test_latin1_safe(text, expected):
    result = latin1_safe(text)
    assert result == expected
    result.encode("latin-1")  # always encodable
