"""Questions answered by picking among choices: `single` and `multiple`."""

from __future__ import annotations

import random
from abc import abstractmethod
from collections.abc import Mapping
from typing import Any

from lms.quiz.types.base import (
    DefinitionError,
    PartFeedback,
    QuestionType,
    check_id_list,
    duplicate_ids,
    option_id,
    plain_options,
    required,
    show,
    validate_options,
)


class _ChoiceType(QuestionType):
    """What single and multiple share: the `choices` list and its checks."""

    fields = frozenset({"choices"})

    def validate(self, definition: Mapping[str, Any]) -> list[DefinitionError]:
        """Check the choices, their ids, flags and feedback, then the number of correct ones."""
        if errors := required(definition, "choices"):
            return errors
        choices = definition["choices"]
        errors = validate_options(
            choices,
            ("choices",),
            noun="choice",
            min_count=2,
            extra_fields=frozenset({"correct", "feedback"}),
        )
        if not isinstance(choices, list | tuple):
            return errors
        mappings = [(i, c) for i, c in enumerate(choices) if isinstance(c, Mapping)]
        for index, choice in mappings:
            if "correct" in choice and not isinstance(choice["correct"], bool):
                errors.append((("choices", index, "correct"), "must be true or false"))
            if "feedback" in choice and not isinstance(choice["feedback"], str):
                errors.append((("choices", index, "feedback"), "must be a text"))
        errors += duplicate_ids((("choices", i, "id"), option_id(c, i)) for i, c in mappings)
        correct_count = sum(1 for _, choice in mappings if choice.get("correct") is True)
        if message := self.correct_count_error(correct_count):
            errors.append((("choices",), message))
        return errors

    @abstractmethod
    def correct_count_error(self, count: int) -> str | None:
        """A message if `count` correct choices is not allowed for this type."""

    def normalise(self, definition: Mapping[str, Any]) -> dict[str, Any]:
        """Choices with string ids, `correct` (default false) and `feedback` (default "")."""
        return {
            "choices": [
                {
                    "id": option_id(choice, index),
                    "text": choice["text"],
                    "correct": choice.get("correct", False),
                    "feedback": choice.get("feedback", ""),
                }
                for index, choice in enumerate(definition["choices"])
            ]
        }

    def public_options(
        self, definition: Mapping[str, Any], rng: random.Random | None
    ) -> dict[str, Any]:
        """Choice ids and texts, in file order unless a seeded shuffle is asked for."""
        choices = plain_options(definition["choices"])
        if rng is not None:
            rng.shuffle(choices)
        return {"choices": choices}

    def describe_answer(self, definition: Mapping[str, Any]) -> str:
        """The texts of the correct choices, in file order."""
        return "; ".join(c["text"] for c in definition["choices"] if c["correct"])


class SingleChoice(_ChoiceType):
    """Exactly one correct choice; the response is its id."""

    name = "single"

    def correct_count_error(self, count: int) -> str | None:
        """Exactly one choice must be correct."""
        if count == 1:
            return None
        return f"a single-choice question needs exactly one correct choice (found {count})"

    def check(self, definition: Mapping[str, Any], response: Any) -> str | None:
        """A choice id (text) that exists."""
        if not isinstance(response, str):
            return "expected a choice id"
        if response not in {c["id"] for c in definition["choices"]}:
            return f"unknown choice id {show(response)}"
        return None

    def score(
        self, definition: Mapping[str, Any], response: Any
    ) -> tuple[float, tuple[PartFeedback, ...]]:
        """1 for the correct choice, else 0; feedback is the chosen choice's own."""
        chosen = next(c for c in definition["choices"] if c["id"] == response)
        part = PartFeedback(chosen["id"], chosen["correct"], chosen["feedback"])
        return (1.0 if chosen["correct"] else 0.0), (part,)

    def describe_response(self, definition: Mapping[str, Any], response: Any) -> str:
        """The chosen choice's text."""
        return next(c["text"] for c in definition["choices"] if c["id"] == response)


class MultipleChoice(_ChoiceType):
    """One or more correct choices; the response is the list of ticked ids. Partial credit."""

    name = "multiple"

    def correct_count_error(self, count: int) -> str | None:
        """At least one choice must be correct."""
        if count >= 1:
            return None
        return "a multiple-choice question needs at least one correct choice"

    def check(self, definition: Mapping[str, Any], response: Any) -> str | None:
        """A list of distinct, existing choice ids (possibly empty: nothing ticked)."""
        return check_id_list(response, [c["id"] for c in definition["choices"]], "choice")

    def score(
        self, definition: Mapping[str, Any], response: Any
    ) -> tuple[float, tuple[PartFeedback, ...]]:
        """max(0, (correct ticked - incorrect ticked) / correct choices): ticking all pays 0."""
        ticked = set(response)
        choices = definition["choices"]
        right = sum(1 for c in choices if c["id"] in ticked and c["correct"])
        wrong = sum(1 for c in choices if c["id"] in ticked and not c["correct"])
        total = sum(1 for c in choices if c["correct"])
        parts = tuple(
            PartFeedback(c["id"], (c["id"] in ticked) == c["correct"], c["feedback"])
            for c in choices
        )
        return max(0.0, (right - wrong) / total), parts

    def describe_response(self, definition: Mapping[str, Any], response: Any) -> str:
        """The ticked choices' texts in file order ("" when nothing is ticked)."""
        ticked = set(response)
        return "; ".join(c["text"] for c in definition["choices"] if c["id"] in ticked)
