"""lms.jsontext: orjson's text reads back as what json.dumps writes."""

from __future__ import annotations

import json

import pytest

from lms import jsontext

VALUES = [
    None,
    True,
    0.1 + 0.2,
    1e-05,
    'une « SCIC » "coopérative" {accolades} \u2028',
    ["a", "c"],
    {"l1": "r2", "l2": None},
    [{"key": "a", "correct": True, "message": "Out of place."}],
    {"sources": {"quiz": {"weight": 2.5, "count": 3}}, "last": "2026-01-15T09:30:00+00:00"},
]


@pytest.mark.parametrize("value", VALUES)
def test_the_text_reads_back_as_the_standard_librarys(value):
    text = jsontext.dumps(value)
    assert isinstance(text, str)
    assert json.loads(text) == json.loads(json.dumps(value))


def test_number_keys_are_written_as_strings_as_json_does():
    assert json.loads(jsontext.dumps({3: "x", 12: "y"})) == json.loads(
        json.dumps({3: "x", 12: "y"})
    )
    assert jsontext.dumps({3: "x"}) == '{"3":"x"}'
