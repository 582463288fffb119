"""`true_false`: the learner says whether the statement in the prompt is true."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from lms.quiz.types.base import DefinitionError, PartFeedback, QuestionType, required


class TrueFalse(QuestionType):
    """`answer: true|false`; the response is a bool."""

    name = "true_false"
    fields = frozenset({"answer"})

    def validate(self, definition: Mapping[str, Any]) -> list[DefinitionError]:
        """`answer` is required and must be a YAML boolean."""
        if errors := required(definition, "answer"):
            return errors
        if not isinstance(definition["answer"], bool):
            return [(("answer",), "must be true or false")]
        return []

    def normalise(self, definition: Mapping[str, Any]) -> dict[str, Any]:
        """Nothing to fill in: the answer as written."""
        return {"answer": definition["answer"]}

    def public_options(
        self, definition: Mapping[str, Any], rng: random.Random | None
    ) -> dict[str, Any]:
        """No options: the interface offers true and false."""
        return {}

    def check(self, definition: Mapping[str, Any], response: Any) -> str | None:
        """A bool, not a string or a number."""
        return None if isinstance(response, bool) else "expected true or false"

    def score(
        self, definition: Mapping[str, Any], response: Any
    ) -> tuple[float, tuple[PartFeedback, ...]]:
        """1 if the response is the answer, else 0."""
        correct = response is definition["answer"]
        return (1.0 if correct else 0.0), (PartFeedback("answer", correct, ""),)

    def describe_response(self, definition: Mapping[str, Any], response: Any) -> str:
        """ "True" or "False" (whole strings, so the caller can translate them)."""
        return "True" if response else "False"

    def describe_answer(self, definition: Mapping[str, Any]) -> str:
        """ "True" or "False"."""
        return "True" if definition["answer"] else "False"
