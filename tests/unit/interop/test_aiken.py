"""Aiken -> quiz.yaml single-choice questions."""

from __future__ import annotations

from pathlib import Path

from lms.interop.aiken import parse_aiken
from lms.interop.quiz_import import ERROR, PLACEHOLDER_EXPLANATION, TODO
from lms.quiz import grading

FIXTURES = Path(__file__).parents[2] / "fixtures" / "interop"


def test_the_realistic_file_imports_the_valid_questions_and_reports_the_others():
    parsed = parse_aiken((FIXTURES / "escale-01-aiken.txt").read_text(encoding="utf-8"))
    first, second = (q.definition for q in parsed.questions)
    assert first["type"] == "single"
    assert (
        first["prompt"] == "Quel pilier regroupe les bénévoles, les salariés et les volontaires ?"
    )
    assert [(c["id"], c.get("correct", False)) for c in first["choices"]] == [
        ("a", False),
        ("b", True),
        ("c", False),
    ]
    assert second["choices"][0] == {"id": "a", "text": "publique", "correct": True}
    assert first["explanation"] == PLACEHOLDER_EXPLANATION
    for question in parsed.questions:
        assert grading.validate_definition(question.definition) == []
    assert [(n.line, n.severity) for n in parsed.notes] == [
        (1, TODO),
        (7, TODO),
        (12, ERROR),
        (19, ERROR),
    ]
    assert "ANSWER: D" in parsed.notes[-1].message


def test_multi_line_question_text_is_kept():
    parsed = parse_aiken("Première ligne\nseconde ligne ?\nA. Oui\nB. Non\nANSWER: A\n")
    assert parsed.questions[0].definition["prompt"] == "Première ligne\nseconde ligne ?"


def test_format_errors_are_reported_with_their_line():
    text = "A. Orpheline\n\nUne seule option ?\nA. Oui\nANSWER: A\n\nANSWER: B\n"
    notes = [(n.line, n.severity, n.message) for n in parse_aiken(text).notes]
    assert notes == [
        (1, ERROR, "a choice line without a question before it"),
        (3, ERROR, "a question needs at least 2 choices (A. ..., B. ...)"),
        (7, ERROR, "'ANSWER:' without a question before it"),
    ]
