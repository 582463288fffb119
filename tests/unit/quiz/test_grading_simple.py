"""True/false, short-answer and numeric questions."""

import pytest

from lms.quiz.grading import (
    check_response,
    describe_answer,
    describe_response,
    grade,
    normalise_definition,
    validate_definition,
)
from lms.quiz.types.numeric import parse_number
from lms.quiz.types.short import normalise_text


def true_false(**fields):
    """A valid true/false question whose answer is false."""
    question = {
        "id": "vf",
        "type": "true_false",
        "prompt": "Le modèle prime sur le projet.",
        "answer": False,
    }
    return {**question, **fields}


def short(**fields):
    """A valid short-answer question with two accepted answers."""
    question = {
        "id": "sigle",
        "type": "short",
        "prompt": "Que signifie ESS ?",
        "accepted": ["L'économie sociale et solidaire", "Économie sociale et solidaire"],
    }
    return {**question, **fields}


def numeric(**fields):
    """A valid numeric question: 66.5 %, within 0.5."""
    question = {
        "id": "part",
        "type": "numeric",
        "prompt": "Quelle part des ressources ... ?",
        "answer": 66.5,
        "tolerance": 0.5,
        "unit": "%",
    }
    return {**question, **fields}


# --- true_false -------------------------------------------------------------------------


@pytest.mark.parametrize(("response", "score"), [(False, 1.0), (True, 0.0)])
def test_true_false_scores_1_or_0(response, score):
    result = grade(true_false(), response)
    assert (result.score, result.error) == (score, None)
    assert [(p.key, p.correct) for p in result.parts] == [("answer", score == 1.0)]


@pytest.mark.parametrize("response", ["false", "False", 0, 1, 0.0, [False], None])
def test_true_false_accepts_only_a_bool(response):
    result = grade(true_false(), response)
    assert result.score == 0.0
    assert result.error in ("expected true or false", "an answer is required")


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        ("yes", [(("answer",), "must be true or false")]),
        (0, [(("answer",), "must be true or false")]),
        (None, [(("answer",), "must be true or false")]),
    ],
)
def test_true_false_answer_must_be_a_bool(answer, error):
    assert validate_definition(true_false(answer=answer)) == error


def test_true_false_needs_an_answer():
    question = true_false()
    del question["answer"]
    assert validate_definition(question) == [(("answer",), "required")]


def test_true_false_descriptions():
    assert describe_response(true_false(), True) == "True"
    assert describe_answer(true_false()) == "False"


# --- short ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("  L’Économie-Sociale  et   SOLIDAIRE ! ", "l economie sociale et solidaire"),
        ("l'economie sociale et solidaire", "l economie sociale et solidaire"),
        ("Cœur", "coeur"),
        ("Straße", "strasse"),
        ("E.S.S.", "e s s"),
        ("« intérêt général »", "interet general"),
        ("ﬁnancement", "financement"),  # NFKD undoes the typographic ligature
        ("!!!", ""),
    ],
)
def test_short_answers_are_compared_normalised(text, normalised):
    assert normalise_text(text) == normalised


@pytest.mark.parametrize(
    "response",
    [
        "L'économie sociale et solidaire",
        "l’economie sociale et solidaire",
        "  L ECONOMIE  SOCIALE ET SOLIDAIRE.",
        "economie-sociale-et-solidaire",
    ],
)
def test_short_accepts_variants_of_an_accepted_answer(response):
    result = grade(short(), response)
    assert (result.score, result.correct) == (1.0, True)


@pytest.mark.parametrize(
    "response", ["économie sociale", "ESS", "solidaire et sociale économie", "!!!"]
)
def test_short_rejects_other_answers(response):
    result = grade(short(), response)
    assert (result.score, result.error) == (0.0, None)
    assert [(p.key, p.correct) for p in result.parts] == [("answer", False)]


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (None, "an answer is required"),
        (42, "expected a text answer"),
        (["ESS"], "expected a text answer"),
        ("", "the answer is empty"),
        ("  \n ", "the answer is empty"),
        ("x" * 501, "the answer is too long (500 characters at most)"),
        ("x" * 1_000_000, "the answer is too long (500 characters at most)"),
    ],
)
def test_short_malformed_response_scores_0_with_a_message(response, message):
    result = grade(short(), response)
    assert (result.score, result.error) == (0.0, message)


def test_short_response_of_500_characters_is_well_formed():
    assert check_response(short(), "x" * 500) is None


@pytest.mark.parametrize(
    ("accepted", "error"),
    [
        ("ESS", (("accepted",), "must be a non-empty list of texts")),
        ([], (("accepted",), "must be a non-empty list of texts")),
        (["ESS", 1901], (("accepted", 1), "must be a text (quote it)")),
        (["ESS", "?!"], (("accepted", 1), "must contain letters or digits")),
        (["x" * 501], (("accepted", 0), "longer than a learner may type (500)")),
    ],
)
def test_short_accepted_answer_errors(accepted, error):
    assert validate_definition(short(accepted=accepted)) == [error]


def test_short_descriptions():
    assert describe_response(short(), "  ESS ") == "ESS"
    assert (
        describe_answer(short())
        == "L'économie sociale et solidaire / Économie sociale et solidaire"
    )


# --- numeric ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("response", "score"),
    [
        (66.5, 1.0),
        ("66", 1.0),  # within the tolerance, and the edge is included
        (67, 1.0),
        ("66,5", 1.0),  # French decimal comma
        (" 66.5 ", 1.0),
        ("66.5 %", 1.0),  # the question's unit typed after the number
        ("65.9", 0.0),
        (67.01, 0.0),
        ("-66.5", 0.0),
    ],
)
def test_numeric_scores_within_the_tolerance(response, score):
    result = grade(numeric(), response)
    assert (result.score, result.error) == (score, None)


def test_numeric_absorbs_float_rounding_error():
    question = numeric(answer=0.3, tolerance=0, unit=None)
    assert grade(question, 0.1 + 0.2).score == 1.0
    assert grade(question, 0.3001).score == 0.0


@pytest.mark.parametrize(
    ("text", "value"),
    [("1 000,5", 1000.5), ("1\u202f000", 1000.0), ("\u22125", -5.0), ("+.5", 0.5), ("2e3", 2000.0)],
)
def test_numbers_typed_the_french_way_are_parsed(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (None, "an answer is required"),
        (True, "expected a number"),  # bool is not a number
        (False, "expected a number"),
        ([66.5], "expected a number"),
        ("abc", "not a number"),
        ("", "not a number"),
        ("nan", "not a number"),
        ("inf", "not a number"),
        ("-Infinity", "not a number"),
        ("1_000", "not a number"),
        ("0x42", "not a number"),
        ("66 kg", "not a number"),  # not the question's unit
        ("1,000.5", "not a number: use one decimal separator"),
        ("1,2,3", "not a number: use one decimal separator"),
        ("6" * 51, "the number is too long"),
        (float("nan"), "expected a finite number"),
        (float("inf"), "expected a finite number"),
        ("1e999", "expected a finite number"),
        (10**400, "the number is too large"),
    ],
)
def test_numeric_malformed_response_scores_0_with_a_message(response, message):
    result = grade(numeric(), response)
    assert (result.score, result.error) == (0.0, message)


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"answer": "66"}, (("answer",), "must be a number")),
        ({"answer": True}, (("answer",), "must be a number")),
        ({"answer": float("nan")}, (("answer",), "must be a number")),
        ({"tolerance": -1}, (("tolerance",), "must be a number >= 0")),
        ({"tolerance": "0.5"}, (("tolerance",), "must be a number >= 0")),
        ({"tolerance": float("inf")}, (("tolerance",), "must be a number >= 0")),
        ({"unit": ""}, (("unit",), "must be a non-empty text")),
        ({"unit": 5}, (("unit",), "must be a non-empty text")),
        ({"choices": []}, (("choices",), "unknown field for a numeric question")),
    ],
)
def test_numeric_definition_errors(fields, error):
    assert validate_definition(numeric(**fields)) == [error]


def test_numeric_needs_an_answer():
    question = numeric()
    del question["answer"]
    assert validate_definition(question) == [(("answer",), "required")]


def test_numeric_defaults():
    question = {"id": "n", "type": "numeric", "prompt": "?", "answer": 66}
    normalised = normalise_definition(question)
    assert (normalised["answer"], normalised["tolerance"], normalised["unit"]) == (66.0, 0.0, None)
    assert grade(question, "66").score == 1.0
    assert grade(question, "66.01").score == 0.0


def test_numeric_descriptions():
    assert describe_response(numeric(), "66,5") == "66.5 %"
    assert describe_answer(numeric()) == "66.5 ± 0.5 %"
    assert describe_answer(numeric(answer=66, tolerance=0, unit=None)) == "66"
