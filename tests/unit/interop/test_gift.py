"""GIFT -> quiz.yaml questions: every type, the notes, and the test files of fixtures/interop."""

from __future__ import annotations

from pathlib import Path

import pytest

from lms.interop.gift import BLANK, parse_gift
from lms.interop.quiz_import import ERROR, PLACEHOLDER_EXPLANATION, TODO, WARNING
from lms.quiz import grading

FIXTURES = Path(__file__).parents[2] / "fixtures" / "interop"


def only(text: str) -> dict:
    """The single question of a GIFT text (there must be exactly one)."""
    parsed = parse_gift(text)
    assert len(parsed.questions) == 1, parsed.notes
    return parsed.questions[0].definition


def messages(text: str) -> list[tuple[int, str, str]]:
    return [(n.line, n.severity, n.message) for n in parse_gift(text).notes]


def test_every_question_of_the_realistic_files_passes_the_type_checks():
    for path in FIXTURES.glob("*.gift"):
        for question in parse_gift(path.read_text(encoding="utf-8")).questions:
            assert grading.validate_definition(question.definition) == [], (path, question)
            # The generic fields the content checker requires, except competencies (per module).
            assert {"id", "type", "prompt", "explanation"} <= question.definition.keys()


def test_single_choice_with_feedback_title_and_general_feedback():
    question = only(
        "::Trois piliers::Quels sont les trois piliers ?{\n"
        "  =Humain, financier, alliances#Oui \\: les trois.\n"
        "  ~Budget, trésorerie, bilan#Un seul pilier.\n"
        "  ####Le modèle articule trois piliers.\n}"
    )
    assert question == {
        "id": "trois-piliers",
        "type": "single",
        "prompt": "Quels sont les trois piliers ?",
        "choices": [
            {
                "text": "Humain, financier, alliances",
                "correct": True,
                "feedback": "Oui : les trois.",
            },
            {"text": "Budget, trésorerie, bilan", "feedback": "Un seul pilier."},
        ],
        "explanation": "Le modèle articule trois piliers.",
    }


def test_multiple_answers_positive_weights_are_the_right_ones():
    question = only("Ressources privées ?{~%50%Dons ~%50%Mécénat ~%-100%Subvention ~%0%Impôt}")
    assert question["type"] == "multiple"
    assert [c.get("correct", False) for c in question["choices"]] == [True, True, False, False]


def test_unequal_weights_are_kept_as_right_answers_with_a_warning():
    notes = messages("::P::Couleurs ?{~%70%bleu ~%30%rouge ~vert####Bleu et rouge.}")
    assert notes == [
        (
            1,
            WARNING,
            "the right answers have different weights (70%, 30%): here each right answer counts the same",
        )
    ]


def test_partial_credit_in_a_single_choice_is_a_wrong_answer_with_a_warning():
    parsed = parse_gift("Capitale ?{=Paris ~%50%Lyon ~Nice####Paris.}")
    assert [c.get("correct", False) for c in parsed.questions[0].definition["choices"]] == [
        True,
        False,
        False,
    ]
    assert (
        parsed.notes[0].severity == WARNING
        and "'Lyon' counts as a wrong answer" in parsed.notes[0].message
    )


def test_true_false_keeps_the_right_answer_feedback_and_reports_the_other():
    parsed = parse_gift("Le budget suffit.{FALSE#Non, relisez.#Exact \\: un pilier sur trois.}")
    definition = parsed.questions[0].definition
    assert definition["type"] == "true_false" and definition["answer"] is False
    assert definition["explanation"] == "Exact : un pilier sur trois."
    assert [n.severity for n in parsed.notes] == [WARNING]


@pytest.mark.parametrize(
    ("block", "answer"), [("T", True), ("TRUE", True), ("F", False), ("false", False)]
)
def test_true_false_spellings(block, answer):
    assert only(f"Vrai ?{{{block}####Parce que.}}")["answer"] is answer


def test_short_answers_drop_partial_credit_with_a_warning():
    parsed = parse_gift(
        "Sigle ESS ?{=économie sociale et solidaire =%50%économie solidaire####ESS.}"
    )
    assert parsed.questions[0].definition["accepted"] == ["économie sociale et solidaire"]
    assert parsed.notes[0].severity == WARNING


@pytest.mark.parametrize(
    ("block", "answer", "tolerance"),
    [
        ("#66", 66, None),
        ("#66:1", 66, 1),
        ("#-2.5:0.25", -2.5, 0.25),
        ("#1..5", 3, 2),
        ("#5..1", 3, 2),
        ("#=1901:0 =%50%1901:5", 1901, None),
    ],
)
def test_numeric_values_tolerances_and_ranges(block, answer, tolerance):
    question = only(f"Combien ?{{{block}####Ainsi.}}")
    assert question["type"] == "numeric"
    assert question["answer"] == answer
    assert question.get("tolerance") == tolerance


def test_numeric_with_several_full_credit_answers_is_not_imported():
    assert messages("Un nombre pair ?{#=2 =4}") == [
        (1, ERROR, "a numeric question needs exactly one answer with full credit (found 2)")
    ]


def test_matching_pairs_get_ids_that_do_not_reveal_them_and_extra_rights_are_distractors():
    question = only(
        "Associez.{\n=Bénévolat -> Du temps\n=Mécénat -> De l'argent\n=Partenariat -> Un projet\n= -> Un vote\n}"
    )
    assert [p["left"]["text"] for p in question["pairs"]] == ["Bénévolat", "Mécénat", "Partenariat"]
    assert [p["right"]["text"] for p in question["pairs"]] == [
        "Du temps",
        "De l'argent",
        "Un projet",
    ]
    assert [d["text"] for d in question["distractors"]] == ["Un vote"]
    assert grading.validate_definition(question) == []
    # Same input, same ids: a re-import produces the same file.
    assert (
        only(
            "Associez.{\n=Bénévolat -> Du temps\n=Mécénat -> De l'argent\n=Partenariat -> Un projet\n= -> Un vote\n}"
        )
        == question
    )


def test_missing_word_question_puts_a_blank_where_the_answers_were():
    question = only("Le bénévolat est un engagement {~rémunéré =libre} au service d'un projet.")
    assert question["prompt"] == f"Le bénévolat est un engagement {BLANK} au service d'un projet."


def test_no_feedback_gives_a_placeholder_to_write():
    parsed = parse_gift("Vrai ?{T}")
    assert parsed.questions[0].definition["explanation"] == PLACEHOLDER_EXPLANATION
    assert [(n.line, n.severity) for n in parsed.notes] == [(1, TODO)]


def test_ids_come_from_titles_or_prompts_and_are_unique():
    parsed = parse_gift(
        "::Q1::Un ?{T}\n\n::Q1::Deux ?{T}\n\nLes trois piliers du modèle ?{T}\n\n::::Vide ?{F}"
    )
    assert [q.definition["id"] for q in parsed.questions] == [
        "q1",
        "q1-2",
        "les-trois-piliers-du-modele",
        "vide",
    ]


def test_comments_categories_and_line_numbers():
    text = "// commentaire\n$CATEGORY: $course$/top/Comprendre\n\n// q\n::A::Un ?{T}\n\n$CATEGORY: Autre\n::B::Deux ?{F}\n"
    parsed = parse_gift(text)
    assert [(q.line, q.category) for q in parsed.questions] == [(5, "Comprendre"), (8, "Autre")]


def test_the_unsupported_file_reports_every_construct_with_its_line_in_one_run():
    parsed = parse_gift((FIXTURES / "unsupported.gift").read_text(encoding="utf-8"))
    errors = [(n.line, n.message) for n in parsed.notes if n.severity == ERROR]
    expected = [
        (3, "essay questions (an empty answer block) are not supported"),
        (5, "a description (text without an answer block {...}) is not a question"),
        (7, "several answers marked '='"),
        (9, "a numeric question needs exactly one answer with full credit (found 2)"),
        (11, "the answer block opened with '{' is never closed"),
        (13, "the title opened with '::' is never closed"),
        (15, "a matching question needs at least 2 pairs"),
        (17, "HTML question text is not supported"),
    ]
    assert len(errors) == len(expected)
    for (line, message), (expected_line, start) in zip(errors, expected, strict=True):
        assert line == expected_line and message.startswith(start)
    # The two questions that can be imported are.
    assert [q.definition["id"] for q in parsed.questions] == ["poids", "lien-interne"]


def test_an_error_points_at_the_answer_line_inside_a_long_question():
    text = "::Q::Choisissez.{\n=un\n=deux\n~trois\n}"
    assert messages(text)[0][0] == 3  # the second '=' answer


def test_html_format_without_tags_is_accepted():
    assert only("[html]Texte simple ?{T####Oui.}")["prompt"] == "Texte simple ?"
