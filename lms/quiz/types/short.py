"""`short`: a few typed words compared with the accepted answers."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Mapping
from typing import Any

from lms.quiz.types.base import (
    MAX_TEXT_LENGTH,
    DefinitionError,
    PartFeedback,
    QuestionType,
    is_list,
    required,
)

# Ligatures that NFKD leaves alone but a French learner types either way.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})


def normalise_text(text: str) -> str:
    """Casefold, strip accents, turn punctuation into spaces and collapse spaces.

    "  L’Économie-Sociale ! " and "l economie sociale" both give "l economie sociale".
    """
    folded = unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES))
    unaccented = "".join(ch for ch in folded if not unicodedata.combining(ch))
    spaced = "".join(ch if ch.isalnum() else " " for ch in unaccented)
    return " ".join(spaced.split())


class ShortAnswer(QuestionType):
    """`accepted: [texts]`; the response is a text of at most MAX_TEXT_LENGTH characters."""

    name = "short"
    fields = frozenset({"accepted"})

    def validate(self, definition: Mapping[str, Any]) -> list[DefinitionError]:
        """`accepted` is a non-empty list of texts that keep some letters or digits."""
        if errors := required(definition, "accepted"):
            return errors
        accepted = definition["accepted"]
        if not is_list(accepted) or not accepted:
            return [(("accepted",), "must be a non-empty list of texts")]
        errors = []
        for index, answer in enumerate(accepted):
            if not isinstance(answer, str):
                errors.append((("accepted", index), "must be a text (quote it)"))
            elif not normalise_text(answer):
                errors.append((("accepted", index), "must contain letters or digits"))
            elif len(answer) > MAX_TEXT_LENGTH:
                errors.append(
                    (("accepted", index), f"longer than a learner may type ({MAX_TEXT_LENGTH})")
                )
        return errors

    def normalise(self, definition: Mapping[str, Any]) -> dict[str, Any]:
        """The accepted answers as a list, as written (compared normalised at grading)."""
        return {"accepted": list(definition["accepted"])}

    def public_options(
        self, definition: Mapping[str, Any], rng: random.Random | None
    ) -> dict[str, Any]:
        """No options: a text box."""
        return {}

    def check(self, definition: Mapping[str, Any], response: Any) -> str | None:
        """A non-blank text of at most MAX_TEXT_LENGTH characters."""
        if not isinstance(response, str):
            return "expected a text answer"
        if len(response) > MAX_TEXT_LENGTH:
            return f"the answer is too long ({MAX_TEXT_LENGTH} characters at most)"
        if not response.strip():
            return "the answer is empty"
        return None

    def score(
        self, definition: Mapping[str, Any], response: Any
    ) -> tuple[float, tuple[PartFeedback, ...]]:
        """1 if the normalised response equals a normalised accepted answer, else 0."""
        given = normalise_text(response)
        correct = any(given == normalise_text(answer) for answer in definition["accepted"])
        return (1.0 if correct else 0.0), (PartFeedback("answer", correct, ""),)

    def describe_response(self, definition: Mapping[str, Any], response: Any) -> str:
        """The text as typed, without surrounding spaces."""
        return str(response).strip()

    def describe_answer(self, definition: Mapping[str, Any]) -> str:
        """The accepted answers, separated by " / "."""
        return " / ".join(definition["accepted"])
