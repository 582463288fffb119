"""Reading the attempt form: sanitised widget values, then responses in the grading shapes."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from lms.quiz.forms import InputProblem, read_widgets, responses_from_widgets, sanitise_draft
from lms.quiz.grading import grade, normalise_definition

SINGLE = normalise_definition(
    {
        "id": "piliers",
        "type": "single",
        "prompt": "?",
        "choices": [{"id": "a", "text": "A"}, {"id": "b", "text": "B", "correct": True}],
    }
)
MULTIPLE = normalise_definition(
    {
        "id": "prives",
        "type": "multiple",
        "prompt": "?",
        "choices": [
            {"id": "dons", "text": "Dons", "correct": True},
            {"id": "vote", "text": "Vote"},
            {"id": "ventes", "text": "Ventes", "correct": True},
        ],
    }
)
TRUE_FALSE = normalise_definition(
    {"id": "vf", "type": "true_false", "prompt": "?", "answer": False}
)
SHORT = normalise_definition({"id": "mot", "type": "short", "prompt": "?", "accepted": ["don"]})
NUMERIC = normalise_definition(
    {"id": "part", "type": "numeric", "prompt": "?", "answer": 42.5, "tolerance": 0.5, "unit": "%"}
)
ORDERING = normalise_definition(
    {
        "id": "etapes",
        "type": "ordering",
        "prompt": "?",
        "items": [
            {"id": "recenser", "text": "R"},
            {"id": "chiffrer", "text": "C"},
            {"id": "voter", "text": "V"},
        ],
    }
)
MATCHING = normalise_definition(
    {
        "id": "familles",
        "type": "matching",
        "prompt": "?",
        "pairs": [
            {"left": {"id": "don", "text": "Don"}, "right": {"id": "prive", "text": "Privé"}},
            {"left": {"id": "subv", "text": "Subvention"}, "right": {"id": "public", "text": "P"}},
        ],
        "distractors": [{"id": "humain", "text": "Humain"}],
    }
)
ALL = [SINGLE, MULTIPLE, TRUE_FALSE, SHORT, NUMERIC, ORDERING, MATCHING]


def parse(fields):
    widgets = read_widgets(ALL, MultiDict(fields))
    return widgets, *responses_from_widgets(ALL, widgets)


def test_a_fully_answered_form_gives_gradable_responses():
    _, responses, problems = parse(
        [
            ("q:piliers", "b"),
            ("q:prives", "ventes"),
            ("q:prives", "dons"),
            ("q:vf", "false"),
            ("q:mot", "  Don "),
            ("q:part", "42,5"),
            ("q:etapes:voter", "3"),
            ("q:etapes:recenser", "1"),
            ("q:etapes:chiffrer", "2"),
            ("q:familles:don", "prive"),
            ("q:familles:subv", "public"),
        ]
    )
    assert problems == {}
    assert responses == {
        "piliers": "b",
        "prives": ["dons", "ventes"],  # option order, whatever the posting order
        "vf": False,
        "mot": "Don",
        "part": "42,5",
        "etapes": ["recenser", "chiffrer", "voter"],
        "familles": {"don": "prive", "subv": "public"},
    }
    for definition in ALL:
        assert grade(definition, responses[definition["id"]]).score == 1.0


def test_an_empty_form_is_all_unanswered():
    widgets, responses, problems = parse([])
    assert problems == {}
    assert set(responses.values()) == {None}
    assert widgets["prives"] == [] and widgets["etapes"] == {} and widgets["mot"] == ""


def test_partial_matching_is_an_answer():
    _, responses, problems = parse([("q:familles:don", "prive")])
    assert responses["familles"] == {"don": "prive"}
    assert problems == {}


def test_ordering_must_be_a_permutation():
    _, responses, problems = parse([("q:etapes:recenser", "1"), ("q:etapes:voter", "2")])
    assert problems == {"etapes": InputProblem.ORDER_INCOMPLETE}
    assert responses["etapes"] is None
    _, _, problems = parse(
        [("q:etapes:recenser", "1"), ("q:etapes:chiffrer", "1"), ("q:etapes:voter", "3")]
    )
    assert problems == {"etapes": InputProblem.ORDER_REPEATED}


def test_unreadable_number_and_too_long_text_are_named():
    _, _, problems = parse([("q:part", "quarante-deux"), ("q:mot", "x" * 10_000)])
    assert problems == {"part": InputProblem.NOT_A_NUMBER, "mot": InputProblem.TOO_LONG}


def test_unknown_ids_and_values_are_dropped():
    widgets, responses, problems = parse(
        [
            ("q:piliers", "z"),
            ("q:prives", "dons"),
            ("q:prives", "dons"),
            ("q:prives", "<script>"),
            ("q:vf", "1"),
            ("q:etapes:recenser", "0"),
            ("q:etapes:inconnu", "1"),
            ("q:familles:don", "vote"),
            ("q:familles:autre", "prive"),
            ("q:nulle-part", "?"),
        ]
    )
    assert problems == {}
    assert widgets == {
        "piliers": None,
        "prives": ["dons"],
        "vf": None,
        "mot": "",
        "part": "",
        "etapes": {},
        "familles": {},
    }
    assert responses["prives"] == ["dons"]


def test_texts_are_kept_bounded():
    widgets, _, _ = parse([("q:mot", "x" * 100_000)])
    assert len(widgets["mot"]) == 501


def test_a_saved_draft_is_checked_against_the_current_questions():
    draft = {
        "piliers": "b",
        "prives": ["vote", "retire"],
        "etapes": {"recenser": "2", "ancien": "1"},
        "familles": {"don": "prive"},
        "question-retiree": "a",
        "vf": {"not": "a value"},
    }
    assert sanitise_draft(ALL, draft) == {
        "piliers": "b",
        "prives": ["vote"],
        "vf": None,
        "mot": "",
        "part": "",
        "etapes": {"recenser": "2"},
        "familles": {"don": "prive"},
    }
    assert sanitise_draft(ALL, "not a mapping") == {}
