"""Single- and multiple-choice questions: validation, grading and feedback."""

import pytest

from lms.quiz.grading import (
    check_response,
    describe_answer,
    describe_response,
    grade,
    normalise_definition,
    validate_definition,
)


def single(**fields):
    """A valid single-choice question; keyword arguments replace its fields."""
    question = {
        "id": "piliers",
        "type": "single",
        "prompt": "Combien de piliers compte un modèle socio-économique ?",
        "choices": [
            {"id": "a", "text": "Deux", "feedback": "Il en manque un."},
            {
                "id": "b",
                "text": "Trois",
                "correct": True,
                "feedback": "Oui : RH, finances, alliances.",
            },
            {"id": "c", "text": "Quatre"},
        ],
    }
    return {**question, **fields}


def multiple(**fields):
    """A valid multiple-choice question with two correct choices out of four."""
    question = {
        "id": "leviers",
        "type": "multiple",
        "prompt": "Quels sont des leviers financiers ?",
        "choices": [
            {"id": "dons", "text": "Les dons", "correct": True, "feedback": "Oui."},
            {"id": "vote", "text": "Le droit de vote", "feedback": "Non : gouvernance."},
            {"id": "ventes", "text": "Les ventes", "correct": True},
            {"id": "statuts", "text": "Les statuts"},
        ],
    }
    return {**question, **fields}


# --- single -----------------------------------------------------------------------------


def test_single_correct_choice_scores_1_with_its_feedback():
    result = grade(single(), "b")
    assert (result.score, result.correct, result.error) == (1.0, True, None)
    assert [(p.key, p.correct, p.message) for p in result.parts] == [
        ("b", True, "Oui : RH, finances, alliances.")
    ]


def test_single_wrong_choice_scores_0_with_the_chosen_feedback():
    result = grade(single(), "a")
    assert (result.score, result.correct) == (0.0, False)
    assert [(p.key, p.correct, p.message) for p in result.parts] == [
        ("a", False, "Il en manque un.")
    ]


def test_single_choice_without_feedback_gives_an_empty_message():
    assert grade(single(), "c").parts[0].message == ""


def test_single_choices_without_ids_are_answered_by_position():
    question = single(choices=[{"text": "Deux"}, {"text": "Trois", "correct": True}])
    assert grade(question, "1").score == 1.0
    assert grade(question, "0").score == 0.0


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (None, "an answer is required"),
        (1, "expected a choice id"),
        (True, "expected a choice id"),
        (["b"], "expected a choice id"),
        ({"id": "b"}, "expected a choice id"),
        ("z", "unknown choice id 'z'"),
        ("B", "unknown choice id 'B'"),
        ("b" * 100_000, "unknown choice id 'bbbbbbbb"),
    ],
)
def test_single_malformed_response_scores_0_with_a_message(response, message):
    result = grade(single(), response)
    assert (result.score, result.correct, result.parts) == (0.0, False, ())
    assert result.error == check_response(single(), response)
    assert result.error.startswith(message)
    assert len(result.error) < 100  # a huge input is never echoed back


@pytest.mark.parametrize(
    ("choices", "path", "message"),
    [
        (
            [{"text": "A"}, {"text": "B"}],
            ("choices",),
            "a single-choice question needs exactly one correct choice (found 0)",
        ),
        (
            [{"text": "A", "correct": True}, {"text": "B", "correct": True}],
            ("choices",),
            "a single-choice question needs exactly one correct choice (found 2)",
        ),
        ([{"text": "A", "correct": True}], ("choices",), "needs at least 2 choices"),
        (
            [{"id": "a", "text": "A", "correct": True}, {"id": "a", "text": "B"}],
            ("choices", 1, "id"),
            "duplicate id 'a' (already used at choices.0.id)",
        ),
        (
            # An explicit id may clash with another choice's default id (its position).
            [{"id": 1, "text": "A", "correct": True}, {"text": "B"}],
            ("choices", 1, "id"),
            "duplicate id '1' (already used at choices.0.id)",
        ),
        (
            [{"text": "A", "correct": "yes"}, {"text": "B", "correct": True}],
            ("choices", 0, "correct"),
            "must be true or false",
        ),
        (
            [{"text": "A", "correct": True, "feedback": 3}, {"text": "B"}],
            ("choices", 0, "feedback"),
            "must be a text",
        ),
        ([{"correct": True}, {"text": "B"}], ("choices", 0, "text"), "required"),
        (
            [{"text": "  ", "correct": True}, {"text": "B"}],
            ("choices", 0, "text"),
            "must be a non-empty text",
        ),
        (
            [{"text": 42, "correct": True}, {"text": "B"}],
            ("choices", 0, "text"),
            "must be a non-empty text",
        ),
        (
            [{"text": "A", "correct": True, "points": 2}, {"text": "B"}],
            ("choices", 0, "points"),
            "unknown choice field",
        ),
        (
            [{"id": True, "text": "A", "correct": True}, {"text": "B"}],
            ("choices", 0, "id"),
            "must be a non-empty text or a whole number",
        ),
        (
            [{"id": "", "text": "A", "correct": True}, {"text": "B"}],
            ("choices", 0, "id"),
            "must be a non-empty text or a whole number",
        ),
        (["A", {"text": "B", "correct": True}], ("choices", 0), "each choice must be a mapping"),
        ("A, B", ("choices",), "must be a list of choices"),
        (None, ("choices",), "must be a list of choices"),
    ],
)
def test_single_definition_errors(choices, path, message):
    errors = validate_definition(single(choices=choices))
    assert any(p == path and m.startswith(message) for p, m in errors), errors


def test_single_definition_without_choices_is_reported():
    question = single()
    del question["choices"]
    assert validate_definition(question) == [(("choices",), "required")]


def test_fields_of_another_type_are_unknown_for_single():
    errors = validate_definition(single(answer=True, tolerance=1))
    assert errors == [
        (("answer",), "unknown field for a single question"),
        (("tolerance",), "unknown field for a single question"),
    ]


def test_single_valid_definition_has_no_errors():
    assert (
        validate_definition(single(explanation="...", competencies=["MSE-01"], section="x")) == []
    )


def test_choices_are_normalised_with_string_ids_and_defaults():
    question = single(
        choices=[{"text": "A", "correct": True}, {"id": 7, "text": "B", "feedback": "f"}]
    )
    assert normalise_definition(question)["choices"] == [
        {"id": "0", "text": "A", "correct": True, "feedback": ""},
        {"id": "7", "text": "B", "correct": False, "feedback": "f"},
    ]


def test_single_descriptions_use_choice_texts():
    assert describe_response(single(), "a") == "Deux"
    assert describe_answer(single()) == "Trois"


# --- multiple ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ticked", "score"),
    [
        (["dons", "ventes"], 1.0),
        (["ventes", "dons"], 1.0),  # order does not matter
        (["dons"], 0.5),  # one of two correct choices
        (["dons", "ventes", "vote"], 0.5),  # a wrong tick cancels a right one
        (["dons", "vote"], 0.0),
        (["dons", "vote", "ventes", "statuts"], 0.0),  # ticking everything does not pay
        (["vote", "statuts"], 0.0),  # never below 0
        ([], 0.0),
    ],
)
def test_multiple_partial_credit(ticked, score):
    result = grade(multiple(), ticked)
    assert result.score == score
    assert result.correct is (score == 1.0)
    assert result.error is None


def test_multiple_partial_credit_is_rounded_to_4_decimals():
    question = multiple(
        choices=[
            {"text": "A", "correct": True},
            {"text": "B", "correct": True},
            {"text": "C", "correct": True},
            {"text": "D"},
        ]
    )
    assert grade(question, ["0"]).score == 0.3333
    assert grade(question, ["0", "1"]).score == 0.6667


def test_multiple_gives_feedback_on_every_choice():
    result = grade(multiple(), ["dons", "vote"])
    assert [(p.key, p.correct, p.message) for p in result.parts] == [
        ("dons", True, "Oui."),  # rightly ticked
        ("vote", False, "Non : gouvernance."),  # wrongly ticked
        ("ventes", False, ""),  # wrongly left out
        ("statuts", True, ""),  # rightly left out
    ]


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (None, "an answer is required"),
        ("dons", "expected a list of choice ids"),
        ({"dons": True}, "expected a list of choice ids"),
        (["dons", "dons"], "choice id 'dons' is given more than once"),
        (["dons", "pluie"], "unknown choice id 'pluie'"),
        ([0], "expected choice ids as text, got 0"),
        ([["dons"]], "expected choice ids as text, got ['dons']"),
        (["dons"] * 100_000, "too many choices: there are only 4"),
    ],
)
def test_multiple_malformed_response_scores_0_with_a_message(response, message):
    result = grade(multiple(), response)
    assert (result.score, result.parts) == (0.0, ())
    assert result.error == message


def test_multiple_needs_a_correct_choice():
    question = multiple(choices=[{"text": "A"}, {"text": "B"}])
    assert validate_definition(question) == [
        (("choices",), "a multiple-choice question needs at least one correct choice")
    ]


def test_multiple_descriptions_list_texts_in_file_order():
    assert describe_response(multiple(), ["ventes", "vote"]) == "Le droit de vote; Les ventes"
    assert describe_response(multiple(), []) == ""
    assert describe_answer(multiple()) == "Les dons; Les ventes"
