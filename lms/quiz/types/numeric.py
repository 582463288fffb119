"""`numeric`: a number, right within a tolerance."""

from __future__ import annotations

import math
import random
import re
from collections.abc import Mapping
from typing import Any

from lms.quiz.types.base import DefinitionError, PartFeedback, QuestionType, is_number, required

#: Longest number typed as text that is accepted (anything longer is not a sensible answer).
MAX_NUMBER_LENGTH = 50
# A plain decimal number; float() alone would also take "nan", "inf" and "1_000".
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
# Thousands separators and spaces a French keyboard or word processor produces.
_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009")
# Absorbs binary float error (0.1 + 0.2), far below any tolerance an author would write.
_EPSILON = 1e-9


def parse_number(value: Any, unit: str | None = None) -> float | str:
    """The response as a finite float, or a message saying why it is not a number.

    Accepts ints, floats and texts such as "66", " 66.5 ", "66,5" (French decimal comma),
    "1 000" and, when the question has a unit, "66 %". Rejects bool, NaN and infinities.
    """
    if not (is_number(value) or isinstance(value, str)):  # is_number refuses bool
        return "expected a number"
    if isinstance(value, str):
        if len(value) > MAX_NUMBER_LENGTH:
            return "the number is too long"
        text = value.strip()
        if unit and text.endswith(unit):
            text = text[: -len(unit)]
        text = text.translate(_SPACES).replace("\u2212", "-")
        if "," in text:
            if "." in text or text.count(",") > 1:
                return "not a number: use one decimal separator"
            text = text.replace(",", ".")
        if not _NUMBER.fullmatch(text):
            return "not a number"
    try:
        number = float(value if not isinstance(value, str) else text)
    except OverflowError:
        return "the number is too large"
    if not math.isfinite(number):
        return "expected a finite number"
    return number


def format_number(number: float) -> str:
    """66.0 -> "66", 66.5 -> "66.5" (shortest exact form; the caller localises if it wants)."""
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number)


class Numeric(QuestionType):
    """`answer`, optional `tolerance` (default 0) and `unit`; the response is a number."""

    name = "numeric"
    fields = frozenset({"answer", "tolerance", "unit"})

    def validate(self, definition: Mapping[str, Any]) -> list[DefinitionError]:
        """`answer` a finite number, `tolerance` a finite number >= 0, `unit` a text."""
        errors = required(definition, "answer")
        if "answer" in definition and not _finite(definition["answer"]):
            errors.append((("answer",), "must be a number"))
        tolerance = definition.get("tolerance")
        if tolerance is not None and not (_finite(tolerance) and tolerance >= 0):
            errors.append((("tolerance",), "must be a number >= 0"))
        unit = definition.get("unit")
        if unit is not None and not (isinstance(unit, str) and unit.strip()):
            errors.append((("unit",), "must be a non-empty text"))
        return errors

    def normalise(self, definition: Mapping[str, Any]) -> dict[str, Any]:
        """Answer and tolerance as floats (tolerance 0.0 by default), unit or None."""
        tolerance = definition.get("tolerance")
        return {
            "answer": float(definition["answer"]),
            "tolerance": 0.0 if tolerance is None else float(tolerance),
            "unit": definition.get("unit"),
        }

    def public_options(
        self, definition: Mapping[str, Any], rng: random.Random | None
    ) -> dict[str, Any]:
        """The unit, when there is one, to show beside the input."""
        unit = definition["unit"]
        return {} if unit is None else {"unit": unit}

    def check(self, definition: Mapping[str, Any], response: Any) -> str | None:
        """A number, or a text that parses as one."""
        parsed = parse_number(response, definition["unit"])
        return parsed if isinstance(parsed, str) else None

    def score(
        self, definition: Mapping[str, Any], response: Any
    ) -> tuple[float, tuple[PartFeedback, ...]]:
        """1 if |value - answer| <= tolerance (plus a tiny epsilon), else 0."""
        value = parse_number(response, definition["unit"])
        assert isinstance(value, float)  # check() accepted the response
        answer = definition["answer"]
        slack = definition["tolerance"] + _EPSILON * max(1.0, abs(answer))
        correct = abs(value - answer) <= slack
        return (1.0 if correct else 0.0), (PartFeedback("answer", correct, ""),)

    def describe_response(self, definition: Mapping[str, Any], response: Any) -> str:
        """The number as understood, with the unit: "66.5 %"."""
        value = parse_number(response, definition["unit"])
        assert isinstance(value, float)
        return _with_unit(format_number(value), definition["unit"])

    def describe_answer(self, definition: Mapping[str, Any]) -> str:
        """ "66 %", or "66 ± 0.5 %" with a tolerance."""
        text = format_number(definition["answer"])
        if definition["tolerance"]:
            text += f" ± {format_number(definition['tolerance'])}"
        return _with_unit(text, definition["unit"])


def _finite(value: Any) -> bool:
    if not is_number(value):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float
        return False


def _with_unit(text: str, unit: str | None) -> str:
    return text if unit is None else f"{text} {unit}"
