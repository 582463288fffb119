"""What holds for every question type: registry, normalisation, public view, robustness."""

import json
import random

import pytest

from lms.quiz.grading import (
    QUESTION_TYPES,
    GradeResult,
    InvalidDefinition,
    UnknownQuestionType,
    check_response,
    describe_response,
    get_question_type,
    grade,
    normalise_definition,
    public_view,
    validate_definition,
)

GENERIC = {
    "prompt": "Question ?",
    "explanation": "Parce que.",
    "competencies": ["MSE-01", {"code": "MSE-02", "weight": 2}],
    "section": "trois-piliers",
}

# One valid question per type, with answers and feedback that must never leak before submission.
SAMPLES = {
    "single": {
        "choices": [
            {"text": "Deux", "feedback": "FEEDBACK-A"},
            {"text": "Trois", "correct": True, "feedback": "FEEDBACK-B"},
            {"text": "Quatre"},
        ]
    },
    "multiple": {
        "choices": [
            {"id": "a", "text": "Dons", "correct": True, "feedback": "FEEDBACK-A"},
            {"id": "b", "text": "Vote"},
            {"id": "c", "text": "Ventes", "correct": True},
        ]
    },
    "true_false": {"answer": True},
    "short": {"accepted": ["ACCEPTED-ONE", "accepted two"]},
    "numeric": {"answer": 1234.5, "tolerance": 0.25, "unit": "€"},
    "ordering": {
        "items": [
            {"id": "k", "text": "Premier"},
            {"id": "f", "text": "Deuxième"},
            {"id": "w", "text": "Troisième"},
            {"id": "c", "text": "Quatrième"},
            {"id": "p", "text": "Cinquième"},
            {"id": "a", "text": "Sixième"},
        ]
    },
    "matching": {
        "pairs": [
            {"left": {"id": "l-a", "text": "A"}, "right": {"id": "z", "text": "Z"}},
            {"left": {"id": "l-b", "text": "B"}, "right": {"id": "y", "text": "Y"}},
            {"left": {"id": "l-c", "text": "C"}, "right": {"id": "x", "text": "X"}},
            {"left": {"id": "l-d", "text": "D"}, "right": {"id": "u", "text": "U"}},
        ],
        "distractors": [{"id": "v", "text": "V"}],
    },
}

OPTION_KEYS = {
    "single": {"choices"},
    "multiple": {"choices"},
    "true_false": set(),
    "short": set(),
    "numeric": {"unit"},
    "ordering": {"items"},
    "matching": {"left", "right"},
}


def sample(type_name, question_id="q1"):
    """A valid question of `type_name` with every generic field."""
    return {"id": question_id, "type": type_name, **GENERIC, **SAMPLES[type_name]}


ALL_TYPES = list(SAMPLES)


def test_registry_holds_the_seven_types_by_name():
    assert list(QUESTION_TYPES) == ALL_TYPES
    assert all(qtype.name == name for name, qtype in QUESTION_TYPES.items())
    assert get_question_type("ordering") is QUESTION_TYPES["ordering"]


@pytest.mark.parametrize("name", ["essay", "Single", "", None, 3])
def test_unknown_type_name_raises_a_value_error_listing_the_types(name):
    with pytest.raises(UnknownQuestionType, match="expected one of single, multiple") as raised:
        get_question_type(name)
    assert isinstance(raised.value, ValueError)


@pytest.mark.parametrize(
    ("definition", "error"),
    [
        (
            {"id": "q", "type": "essay"},
            (
                ("type",),
                "unknown question type 'essay'; expected one of single, multiple, "
                "true_false, short, numeric, ordering, matching",
            ),
        ),
        (
            {"id": "q", "type": ["single"]},
            (("type",), "unknown question type ['single']; expected"),
        ),
        ({"id": "q"}, (("type",), "missing question type; expected one of single")),
        (["single"], ((), "a question must be a mapping of fields")),
    ],
)
def test_validate_reports_a_missing_or_unknown_type(definition, error):
    [(path, message)] = validate_definition(definition)
    assert path == error[0]
    assert message.startswith(error[1])


@pytest.mark.parametrize("type_name", ALL_TYPES)
def test_samples_are_valid_with_every_generic_field(type_name):
    assert validate_definition(sample(type_name)) == []


@pytest.mark.parametrize("type_name", ALL_TYPES)
def test_normalising_is_idempotent_and_keeps_generic_fields(type_name):
    normalised = normalise_definition(sample(type_name))
    assert validate_definition(normalised) == []
    assert normalise_definition(normalised) == normalised
    assert {key: normalised[key] for key in GENERIC} == GENERIC
    json.dumps(normalised)  # stored as the question's snapshot


def test_normalised_snapshot_does_not_share_state_with_the_definition():
    question = sample("single")
    normalise_definition(question)["competencies"].append("MSE-99")
    normalise_definition(question)["choices"][0]["text"] = "changed"
    assert question["competencies"] == GENERIC["competencies"]
    assert question["choices"][0]["text"] == "Deux"


def test_normalising_an_invalid_definition_raises_with_the_errors():
    question = sample("single") | {"choices": [{"text": "A"}, {"text": "B"}]}
    with pytest.raises(
        InvalidDefinition, match="invalid question 'q1': choices: a single-choice"
    ) as raised:
        normalise_definition(question)
    assert raised.value.errors == validate_definition(question)
    with pytest.raises(ValueError):
        grade(question, "0")


FORBIDDEN_KEYS = {"correct", "feedback", "answer", "accepted", "tolerance", "explanation", "pairs"}
SECRETS = ["FEEDBACK", "ACCEPTED", "accepted two", "1234", ": true", ": false", "Parce que"]


def all_keys(value):
    """Every mapping key anywhere inside `value`."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in all_keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in all_keys(v)}
    return set()


@pytest.mark.parametrize("seed", [None, "attempt-1", "attempt-2"])
@pytest.mark.parametrize("type_name", ALL_TYPES)
def test_public_view_reveals_no_answer(type_name, seed):
    view = public_view(sample(type_name), seed=seed)
    assert set(view) == {"id", "type", "prompt"} | OPTION_KEYS[type_name]
    assert (view["id"], view["type"], view["prompt"]) == ("q1", type_name, "Question ?")
    assert not all_keys(view) & FORBIDDEN_KEYS
    dumped = json.dumps(view, ensure_ascii=False)
    assert not [secret for secret in SECRETS if secret in dumped]
    for options in (view.get(key) for key in ("choices", "items", "left", "right")):
        assert options is None or all(set(option) == {"id", "text"} for option in options)


def test_public_view_of_numeric_shows_the_unit_only_when_there_is_one():
    assert public_view(sample("numeric"))["unit"] == "€"
    assert "unit" not in public_view(sample("numeric") | {"unit": None})


def ids(view):
    """The ids of the shuffled options of a public view."""
    options = view.get("choices") or view.get("items") or view["right"]
    return [option["id"] for option in options]


FILE_ORDER = {
    "single": ["0", "1", "2"],
    "multiple": ["a", "b", "c"],
    "ordering": ["k", "f", "w", "c", "p", "a"],
    "matching": ["z", "y", "x", "u", "v"],
}


@pytest.mark.parametrize("type_name", list(FILE_ORDER))
def test_seeded_shuffle_is_stable_and_varies_with_the_seed(type_name):
    question = sample(type_name)
    first = ids(public_view(question, seed="attempt-1"))
    assert sorted(first) == sorted(FILE_ORDER[type_name])
    assert ids(public_view(question, seed="attempt-1")) == first
    orders = {tuple(ids(public_view(question, seed=f"attempt-{n}"))) for n in range(30)}
    assert len(orders) > 1


def test_seeded_shuffle_is_random_seeded_with_seed_and_question_id():
    expected = list(FILE_ORDER["ordering"])
    random.Random("attempt-7:q1").shuffle(expected)
    assert ids(public_view(sample("ordering"), seed="attempt-7")) == expected


def test_the_same_seed_shuffles_each_question_differently():
    orders = {tuple(ids(public_view(sample("ordering", f"q{n}"), seed="s"))) for n in range(10)}
    assert len(orders) > 1


def test_without_a_seed_choices_keep_the_file_order():
    for type_name in ("single", "multiple"):
        assert ids(public_view(sample(type_name))) == FILE_ORDER[type_name]


@pytest.mark.parametrize("type_name", ["ordering", "matching"])
def test_without_a_seed_items_and_right_sides_are_still_shuffled_stably(type_name):
    views = [ids(public_view(sample(type_name, f"q{n}"))) for n in range(10)]
    assert views == [ids(public_view(sample(type_name, f"q{n}"))) for n in range(10)]
    assert all(sorted(view) == sorted(FILE_ORDER[type_name]) for view in views)
    assert sum(view != FILE_ORDER[type_name] for view in views) >= 8


WEIRD_RESPONSES = [
    None,
    True,
    0,
    -1.5,
    float("nan"),
    "",
    "x" * 100_000,
    [],
    [None],
    [[1]],
    [{}],
    {},
    {"a": [1]},
    {("t",): "z"},
    object(),
]


@pytest.mark.parametrize("response", WEIRD_RESPONSES)
@pytest.mark.parametrize("type_name", ALL_TYPES)
def test_grade_never_raises_on_a_strange_response(type_name, response):
    question = sample(type_name)
    result = grade(question, response)
    assert isinstance(result, GradeResult)
    assert 0.0 <= result.score <= 1.0
    assert result.error == check_response(question, response)
    if result.error is not None:
        assert (result.score, result.correct, result.parts) == (0.0, False, ())
        assert len(result.error) < 120
    assert isinstance(describe_response(question, response), str)


@pytest.mark.parametrize("type_name", ALL_TYPES)
def test_describe_response_of_no_answer_is_empty_and_of_a_malformed_one_is_short(type_name):
    assert describe_response(sample(type_name), None) == ""
    assert len(describe_response(sample(type_name), ["?"] * 10_000)) <= 40
