"""Ordering and matching questions."""

import pytest

from lms.quiz.grading import (
    describe_answer,
    describe_response,
    grade,
    normalise_definition,
    public_view,
    validate_definition,
)

# Correct order: diagnostic, vision, plan, action, evaluation (ids chosen not to reveal it).
ITEMS = [
    {"id": "x", "text": "Diagnostic"},
    {"id": "b", "text": "Vision"},
    {"id": "q", "text": "Plan"},
    {"id": "m", "text": "Action"},
    {"id": "t", "text": "Évaluation"},
]


def ordering(**fields):
    """A valid ordering question of five items."""
    question = {
        "id": "etapes",
        "type": "ordering",
        "prompt": "Remettez dans l'ordre.",
        "items": ITEMS,
    }
    return {**question, **fields}


def matching(**fields):
    """A valid matching question of three pairs and one distractor."""
    question = {
        "id": "ressources",
        "type": "matching",
        "prompt": "Associez chaque ressource à sa nature.",
        "pairs": [
            {
                "left": {"id": "benevolat", "text": "Bénévolat"},
                "right": {"id": "temps", "text": "Temps"},
            },
            {
                "left": {"id": "mecenat", "text": "Mécénat"},
                "right": {"id": "argent", "text": "Argent"},
            },
            {
                "left": {"id": "partenariat", "text": "Partenariat"},
                "right": {"id": "projet", "text": "Projet"},
            },
        ],
        "distractors": [{"id": "vote", "text": "Droit de vote"}],
    }
    return {**question, **fields}


RIGHT = {"benevolat": "temps", "mecenat": "argent", "partenariat": "projet"}


# --- ordering ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("response", "score", "misplaced"),
    [
        (["x", "b", "q", "m", "t"], 1.0, 0),
        (["b", "x", "q", "m", "t"], 0.75, 1),  # two neighbours swapped: one item to move
        (["t", "x", "b", "q", "m"], 0.75, 1),  # last item put first: still one item to move
        (["x", "m", "q", "b", "t"], 0.5, 2),  # 3 in order (x, b, t or x, q, t ...): two to move
        (["t", "m", "q", "b", "x"], 0.0, 4),  # reversed
    ],
)
def test_ordering_partial_credit_by_longest_common_subsequence(response, score, misplaced):
    result = grade(ordering(), response)
    assert (result.score, result.correct, result.error) == (score, score == 1.0, None)
    assert [p.key for p in result.parts] == response
    assert [p.message for p in result.parts if not p.correct] == ["Out of place."] * misplaced
    assert all(p.message == "" for p in result.parts if p.correct)


def test_ordering_marks_the_moved_item_out_of_place():
    result = grade(ordering(), ["x", "b", "m", "t", "q"])  # "Plan" moved to the end
    assert [p.key for p in result.parts if not p.correct] == ["q"]


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (None, "an answer is required"),
        ("xbqmt", "expected a list of item ids"),
        ({"x": 0}, "expected a list of item ids"),
        (["x", "b", "q", "m"], "expected all 5 items, each once"),
        ([], "expected all 5 items, each once"),
        (["x", "x", "q", "m", "t"], "item id 'x' is given more than once"),
        (["x", "b", "q", "m", "zz"], "unknown item id 'zz'"),
        ([0, 1, 2, 3, 4], "expected item ids as text, got 0"),
        (["x"] * 100_000, "too many items: there are only 5"),
    ],
)
def test_ordering_malformed_response_scores_0_with_a_message(response, message):
    result = grade(ordering(), response)
    assert (result.score, result.parts, result.error) == (0.0, (), message)


@pytest.mark.parametrize(
    ("items", "error"),
    [
        ([{"id": "x", "text": "Seul"}], (("items",), "needs at least 2 items")),
        (
            [{"text": "Premier"}, {"id": "b", "text": "Second"}],
            (
                ("items", 0, "id"),
                "required: the default id, the item's position, would reveal the order",
            ),
        ),
        (
            [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}, {"id": "c", "text": "C"}],
            (("items",), "the item ids sort in the correct order, revealing it"),
        ),
        (
            [
                {"id": "step2", "text": "A"},
                {"id": "step10", "text": "B"},
                {"id": "step11", "text": "C"},
            ],
            (("items",), "the item ids sort in the correct order, revealing it"),
        ),
        (
            [{"id": "k", "text": "A"}, {"id": "k", "text": "B"}],
            (("items", 1, "id"), "duplicate id 'k' (already used at items.0.id)"),
        ),
        ([{"id": "k", "text": "A"}, {"id": "j"}], (("items", 1, "text"), "required")),
        (
            [{"id": "k", "text": "A", "correct": 1}, {"id": "j", "text": "B"}],
            (("items", 0, "correct"), "unknown item field"),
        ),
        ("A, B", (("items",), "must be a list of items")),
    ],
)
def test_ordering_definition_errors(items, error):
    assert validate_definition(ordering(items=items)) == [error]


def test_ordering_of_two_items_may_use_any_explicit_ids():
    items = [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}]
    assert validate_definition(ordering(items=items)) == []
    assert grade(ordering(items=items), ["b", "a"]).score == 0.0


def test_ordering_items_are_normalised_with_string_ids_in_the_correct_order():
    items = [{"id": 30, "text": "A"}, {"id": 10, "text": "B"}, {"id": 20, "text": "C"}]
    assert normalise_definition(ordering(items=items))["items"] == [
        {"id": "30", "text": "A"},
        {"id": "10", "text": "B"},
        {"id": "20", "text": "C"},
    ]


def test_ordering_descriptions_follow_the_orders():
    assert describe_response(ordering(), ["b", "x", "q", "m", "t"]) == (
        "Vision → Diagnostic → Plan → Action → Évaluation"
    )
    assert describe_answer(ordering()) == "Diagnostic → Vision → Plan → Action → Évaluation"


# --- matching ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("response", "score", "messages"),
    [
        (RIGHT, 1.0, ["", "", ""]),
        ({**RIGHT, "mecenat": "temps"}, 0.6667, ["", "Wrong match.", ""]),
        ({**RIGHT, "partenariat": "vote"}, 0.6667, ["", "", "Wrong match."]),  # a distractor
        ({"benevolat": "temps"}, 0.3333, ["", "Not matched.", "Not matched."]),
        ({**RIGHT, "mecenat": None}, 0.6667, ["", "Not matched.", ""]),
        ({"benevolat": "argent", "mecenat": "argent", "partenariat": "argent"}, 0.3333, None),
        ({}, 0.0, ["Not matched."] * 3),
    ],
)
def test_matching_scores_the_fraction_of_right_pairs(response, score, messages):
    result = grade(matching(), response)
    assert (result.score, result.correct, result.error) == (score, score == 1.0, None)
    assert [p.key for p in result.parts] == ["benevolat", "mecenat", "partenariat"]
    if messages is not None:
        assert [p.message for p in result.parts] == messages


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (None, "an answer is required"),
        (["temps", "argent", "projet"], "expected a mapping of left ids to right ids"),
        ("benevolat=temps", "expected a mapping of left ids to right ids"),
        ({"dons": "temps"}, "unknown left id 'dons'"),
        ({0: "temps"}, "unknown left id 0"),
        ({"benevolat": "pluie"}, "unknown right id 'pluie' for 'benevolat'"),
        ({"benevolat": 1}, "unknown right id 1 for 'benevolat'"),
        ({"benevolat": ["temps"]}, "unknown right id ['temps'] for 'benevolat'"),
        ({"benevolat": "benevolat"}, "unknown right id 'benevolat' for 'benevolat'"),
        ({f"k{i}": "temps" for i in range(10_000)}, "too many pairs: there are only 3"),
    ],
)
def test_matching_malformed_response_scores_0_with_a_message(response, message):
    result = grade(matching(), response)
    assert (result.score, result.parts, result.error) == (0.0, (), message)


def pairs(*ids):
    """Pairs from (left id, right id) tuples; None leaves the id out."""
    return [
        {
            "left": {"text": f"L{n}"} | ({} if left is None else {"id": left}),
            "right": {"text": f"R{n}"} | ({} if right is None else {"id": right}),
        }
        for n, (left, right) in enumerate(ids)
    ]


HIDES = "the default id, its position, would reveal the pairs"


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"pairs": pairs(("a", "z"))}, (("pairs",), "needs at least 2 pairs")),
        ({"pairs": "a=z"}, (("pairs",), "must be a list of {left, right} pairs")),
        (
            {"pairs": [*pairs(("a", "z")), {"left": {"id": "b", "text": "B"}}]},
            (("pairs", 1, "right"), "required"),
        ),
        (
            {
                "pairs": [
                    *pairs(("a", "z")),
                    {"left": {"text": "B"}, "right": {"id": "k", "text": "K"}, "feedback": "."},
                ]
            },
            (("pairs", 1, "feedback"), "unknown pair field"),
        ),
        (
            {"pairs": pairs(("a", "z"), ("b", None))},
            (("pairs", 1, "right", "id"), f"required: {HIDES}"),
        ),
        (
            {"pairs": pairs(("a", "z"), ("b", "k")), "distractors": [{"text": "D"}]},
            (("distractors", 0, "id"), f"required: {HIDES}"),
        ),
        (
            {"pairs": pairs(("a", "z"), ("b", "k")), "distractors": [{"id": "z", "text": "D"}]},
            (("distractors", 0, "id"), "duplicate id 'z' (already used at pairs.0.right.id)"),
        ),
        (
            {"pairs": pairs(("a", "z"), ("b", "z"))},
            (("pairs", 1, "right", "id"), "duplicate id 'z' (already used at pairs.0.right.id)"),
        ),
        (
            {"pairs": pairs(("a", "z"), ("a", "k"))},
            (("pairs", 1, "left", "id"), "duplicate id 'a' (already used at pairs.0.left.id)"),
        ),
        (
            {"pairs": pairs(("a", "z"), ("b", "b"))},
            (("pairs", 1, "right", "id"), "must differ from its left id, which it would reveal"),
        ),
        (
            {"pairs": pairs(("l1", "r1"), ("l2", "r2"), ("l3", "r3"))},
            (("pairs",), "left and right ids sort in the same order, revealing the pairs"),
        ),
        (
            {"pairs": pairs(("a", "z"), ("b", "k")), "distractors": {"id": "d", "text": "D"}},
            (("distractors",), "must be a list of distractors"),
        ),
        (
            {"pairs": [*pairs(("a", "z")), {"left": "B", "right": {"id": "k", "text": "K"}}]},
            (("pairs", 1, "left"), "each left side must be a mapping with 'id' and 'text'"),
        ),
    ],
)
def test_matching_definition_errors(fields, error):
    assert validate_definition(matching(**fields)) == [error]


def test_matching_left_ids_default_to_positions_and_distractors_to_none():
    question = matching(pairs=pairs((None, "z"), (None, "k")))
    del question["distractors"]
    assert validate_definition(question) == []
    normalised = normalise_definition(question)
    assert normalised["pairs"] == [
        {"left": {"id": "0", "text": "L0"}, "right": {"id": "z", "text": "R0"}},
        {"left": {"id": "1", "text": "L1"}, "right": {"id": "k", "text": "R1"}},
    ]
    assert normalised["distractors"] == []
    assert grade(question, {"0": "z", "1": "k"}).score == 1.0


def test_matching_public_view_keeps_left_in_file_order_and_mixes_in_distractors():
    view = public_view(matching(), seed="attempt-1")
    assert view["left"] == [
        {"id": "benevolat", "text": "Bénévolat"},
        {"id": "mecenat", "text": "Mécénat"},
        {"id": "partenariat", "text": "Partenariat"},
    ]
    assert sorted(option["id"] for option in view["right"]) == ["argent", "projet", "temps", "vote"]


def test_matching_descriptions():
    response = {"benevolat": "argent", "partenariat": "projet"}
    assert describe_response(matching(), response) == "Bénévolat → Argent; Partenariat → Projet"
    assert (
        describe_answer(matching()) == "Bénévolat → Temps; Mécénat → Argent; Partenariat → Projet"
    )
