"""Line-aware YAML: plain data plus the line of every key and item."""

import pytest

from lms.content.yamlfile import YamlSyntaxError, load_yaml

DOCUMENT = """\
title: Un module
objectives:
  - Premier
  - Second
practice:
  rubric:
    - criterion: Clarté
      levels: [a, b]
"""


def test_data_is_plain_python():
    doc = load_yaml(DOCUMENT)
    assert doc.data == {
        "title": "Un module",
        "objectives": ["Premier", "Second"],
        "practice": {"rubric": [{"criterion": "Clarté", "levels": ["a", "b"]}]},
    }
    assert type(doc.data) is dict
    assert type(doc.data["objectives"]) is list


@pytest.mark.parametrize(
    ("path", "line"),
    [
        (("title",), 1),
        (("objectives",), 2),
        (("objectives", 1), 4),
        (("practice", "rubric", 0), 7),
        (("practice", "rubric", 0, "levels"), 8),
    ],
)
def test_every_key_and_item_has_its_line(path, line):
    assert load_yaml(DOCUMENT).line_of(path) == line


def test_missing_path_falls_back_to_deepest_existing_part():
    doc = load_yaml(DOCUMENT)
    assert doc.line_of(("practice", "rubric", 0, "missing", 3)) == 7
    assert doc.line_of(("practice", "rubric", 5)) == 6
    assert doc.line_of(("nothing",)) == 1


def test_first_line_offsets_every_line():
    doc = load_yaml("title: T\nsummary: S\n", first_line=2)
    assert doc.line_of(("summary",)) == 3


def test_only_true_and_false_are_booleans():
    doc = load_yaml("a: [true, False, yes, no, on, off, Oui, Non]\n")
    assert doc.data["a"] == [True, False, "yes", "no", "on", "off", "Oui", "Non"]


def test_duplicate_keys_are_listed_with_their_line():
    doc = load_yaml("title: A\nsummary: S\ntitle: B\n")
    assert doc.duplicate_keys == ((3, "title"),)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("title: a: b\n", 1),
        ("title: T\nsummary: [unclosed\n", 3),
        ("title: T\n  bad: indent\n", 2),
    ],
)
def test_syntax_errors_report_the_line(text, line):
    with pytest.raises(YamlSyntaxError) as raised:
        load_yaml(text)
    assert raised.value.line == line
    assert raised.value.message.startswith("invalid YAML: ")


def test_syntax_error_line_includes_the_offset():
    with pytest.raises(YamlSyntaxError) as raised:
        load_yaml("title: a: b\n", first_line=2)
    assert raised.value.line == 2


def test_empty_document_is_none():
    assert load_yaml("").data is None
