"""Quiz question types and grading: pure functions, plain values in and out.

Judging an answer is separate from recording it (as CTFd separates `attempt` from `solve`):
nothing here touches the database or the request. Each question type is one small class in
`lms.quiz.types`, registered by name in QUESTION_TYPES. The rules are documented, with
examples, in docs/grading.md.

A definition is one question of quiz.yaml after YAML parsing. `validate_definition` reports
what is wrong with it; `normalise_definition` fills its defaults and is what gets stored as
the question's snapshot. The other functions accept either form (they normalise again, which
is idempotent) and raise InvalidDefinition / UnknownQuestionType only for a broken definition,
never for a broken response.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from lms.quiz.types.base import (
    GENERIC_FIELDS,
    DefinitionError,
    ErrorPath,
    PartFeedback,
    QuestionType,
    show,
)
from lms.quiz.types.choice import MultipleChoice, SingleChoice
from lms.quiz.types.matching import Matching
from lms.quiz.types.numeric import Numeric
from lms.quiz.types.ordering import Ordering
from lms.quiz.types.short import ShortAnswer
from lms.quiz.types.true_false import TrueFalse

__all__ = [
    "GENERIC_FIELDS",
    "QUESTION_TYPES",
    "DefinitionError",
    "ErrorPath",
    "GradeResult",
    "InvalidDefinition",
    "PartFeedback",
    "QuestionType",
    "UnknownQuestionType",
    "check_response",
    "describe_answer",
    "describe_response",
    "get_question_type",
    "grade",
    "normalise_definition",
    "public_view",
    "validate_definition",
]

QUESTION_TYPES: Mapping[str, QuestionType] = MappingProxyType(
    {
        qtype.name: qtype
        for qtype in (
            SingleChoice(),
            MultipleChoice(),
            TrueFalse(),
            ShortAnswer(),
            Numeric(),
            Ordering(),
            Matching(),
        )
    }
)


class UnknownQuestionType(ValueError):
    """A question type name that is not in QUESTION_TYPES."""


class InvalidDefinition(ValueError):
    """A definition that validate_definition rejects; `errors` holds what it reported."""

    def __init__(self, question_id: Any, errors: list[DefinitionError]) -> None:
        self.errors = errors
        details = "; ".join(f"{_dotted(path)}: {message}" for path, message in errors)
        super().__init__(f"invalid question {show(question_id)}: {details}")


@dataclass(frozen=True)
class GradeResult:
    """The outcome of grading one response: score 0..1 (4 decimals), feedback per part,
    and `error` (with score 0) when the response was malformed."""

    score: float
    correct: bool
    parts: tuple[PartFeedback, ...]
    error: str | None = None


def get_question_type(name: str) -> QuestionType:
    """The registered type called `name`; UnknownQuestionType (a ValueError) otherwise."""
    qtype = QUESTION_TYPES.get(name) if isinstance(name, str) else None
    if qtype is None:
        raise UnknownQuestionType(_unknown_type_message(name))
    return qtype


def validate_definition(definition: Mapping[str, Any]) -> list[DefinitionError]:
    """Type-specific checks of one question as written in quiz.yaml (after YAML parsing).

    Returns (path inside the question, message) pairs, e.g.
    (("choices", 2, "correct"), "must be true or false"). Generic fields (id, type, prompt,
    explanation, competencies, section) are the content validator's, except `type` itself.
    """
    if not isinstance(definition, Mapping):
        return [((), "a question must be a mapping of fields")]
    if "type" not in definition:
        return [(("type",), _unknown_type_message(None))]
    name = definition["type"]
    qtype = QUESTION_TYPES.get(name) if isinstance(name, str) else None
    if qtype is None:
        return [(("type",), _unknown_type_message(name))]
    errors: list[DefinitionError] = [
        ((str(key),), f"unknown field for a {qtype.name} question")
        for key in definition
        if key not in GENERIC_FIELDS and key not in qtype.fields
    ]
    return errors + qtype.validate(definition)


def normalise_definition(definition: Mapping[str, Any]) -> dict[str, Any]:
    """A validated definition with every default filled: ids as strings, tolerance 0.0,
    distractors [], choice `correct` False and `feedback` "", numeric `unit` None.

    Generic fields are copied as they are. Raises InvalidDefinition if the definition does not
    validate. Idempotent: normalising a normalised definition gives it back unchanged.
    """
    errors = validate_definition(definition)
    if errors:
        question_id = definition.get("id") if isinstance(definition, Mapping) else None
        raise InvalidDefinition(question_id, errors)
    qtype = get_question_type(definition["type"])
    generic = {
        key: copy.deepcopy(value) for key, value in definition.items() if key in GENERIC_FIELDS
    }
    return {**generic, **qtype.normalise(definition)}


def public_view(definition: Mapping[str, Any], seed: str | None = None) -> dict[str, Any]:
    """What a learner may see before submitting, and nothing that reveals the answer:
    {"id", "type", "prompt"} plus "choices" | "items" | "left" and "right" as [{"id", "text"}],
    or "unit" for a numeric question that has one.

    With a seed (e.g. the attempt's), choices, items and the right-hand side are shuffled by
    random.Random(f"{seed}:{question id}"): stable for the same seed. Without one, choices keep
    the file order, but items and the right-hand side are still shuffled, stably per question.
    """
    qtype, normalised = _prepared(definition)
    question_id = normalised.get("id")
    rng = None if seed is None else random.Random(f"{seed}:{question_id}")
    view = {"id": question_id, "type": qtype.name, "prompt": normalised.get("prompt")}
    return {**view, **qtype.public_options(normalised, rng)}


def check_response(definition: Mapping[str, Any], response: Any) -> str | None:
    """None if the response has the right shape for the type, else a short message.

    Shapes: single: a choice id; multiple: a list of distinct choice ids; true_false: a bool;
    short: a non-blank text of at most 500 characters; numeric: an int or float (not a bool),
    or a text that parses as one ("66,5" is accepted); ordering: every item id once;
    matching: {left id: right id}. Nothing is recorded: the API answers 422 with the message.
    """
    qtype, normalised = _prepared(definition)
    return _check(qtype, normalised, response)


def grade(definition: Mapping[str, Any], response: Any) -> GradeResult:
    """Score a response 0..1 with per-part feedback (rules: docs/grading.md).

    A malformed response (missing, wrong type, unknown id, ...) scores 0 with `error` set to
    the check_response message; a bad response never raises.
    """
    return prepare(definition).grade(response)


@dataclass(frozen=True)
class PreparedQuestion:
    """A question validated and normalised once, to check and grade several responses
    (validating a definition costs more than grading a response)."""

    qtype: QuestionType
    normalised: dict[str, Any]

    def check(self, response: Any) -> str | None:
        """As check_response."""
        return _check(self.qtype, self.normalised, response)

    def grade(self, response: Any) -> GradeResult:
        """As grade."""
        error = _check(self.qtype, self.normalised, response)
        if error is not None:
            return GradeResult(score=0.0, correct=False, parts=(), error=error)
        raw, parts = self.qtype.score(self.normalised, response)
        score = round(min(1.0, max(0.0, raw)), 4)
        return GradeResult(score=score, correct=score == 1.0, parts=parts)


def prepare(definition: Mapping[str, Any]) -> PreparedQuestion:
    """The question ready to check and grade responses; raises InvalidDefinition."""
    qtype, normalised = _prepared(definition)
    return PreparedQuestion(qtype, normalised)


def describe_response(definition: Mapping[str, Any], response: Any) -> str:
    """The learner's answer in words (choice texts, items in their order, ...) for feedback
    pages; "" for no answer, and a shortened raw value for a malformed one."""
    qtype, normalised = _prepared(definition)
    if response is None:
        return ""
    if _check(qtype, normalised, response) is not None:
        return show(response)
    return qtype.describe_response(normalised, response)


def describe_answer(definition: Mapping[str, Any]) -> str:
    """The expected answer in words, shown after submission."""
    qtype, normalised = _prepared(definition)
    return qtype.describe_answer(normalised)


def _prepared(definition: Mapping[str, Any]) -> tuple[QuestionType, dict[str, Any]]:
    normalised = normalise_definition(definition)
    return get_question_type(normalised["type"]), normalised


def _check(qtype: QuestionType, normalised: Mapping[str, Any], response: Any) -> str | None:
    if response is None:
        return "an answer is required"
    return qtype.check(normalised, response)


def _unknown_type_message(name: Any) -> str:
    expected = ", ".join(QUESTION_TYPES)
    if name is None:
        return f"missing question type; expected one of {expected}"
    return f"unknown question type {show(name)}; expected one of {expected}"


def _dotted(path: ErrorPath) -> str:
    return ".".join(str(part) for part in path) or "question"
