"""`matching`: pair each left-hand item with a right-hand option."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from lms.quiz.types.base import (
    DefinitionError,
    ErrorPath,
    PartFeedback,
    QuestionType,
    duplicate_ids,
    fixed_rng,
    id_orders,
    is_list,
    option_id,
    plain_options,
    required,
    show,
    validate_option,
    validate_options,
)

WRONG_MATCH = "Wrong match."
NOT_MATCHED = "Not matched."
_SIDES = ("left", "right")
_HIDES_PAIRS = "the default id, its position, would reveal the pairs"


class Matching(QuestionType):
    """`pairs: [{left, right}]` and optional `distractors`; the response maps left to right ids."""

    name = "matching"
    fields = frozenset({"pairs", "distractors"})

    def validate(self, definition: Mapping[str, Any]) -> list[DefinitionError]:
        """At least two pairs; left ids distinct; right and distractor ids explicit, distinct
        from each other, and not giving the pairs away."""
        if errors := required(definition, "pairs"):
            return errors
        pairs = definition["pairs"]
        if not is_list(pairs):
            return [(("pairs",), "must be a list of {left, right} pairs")]
        errors = []
        if len(pairs) < 2:
            errors.append((("pairs",), "needs at least 2 pairs"))
        for index, pair in enumerate(pairs):
            errors += _pair_errors(pair, ("pairs", index))
        distractors = definition.get("distractors")
        if distractors is not None:
            errors += validate_options(
                distractors,
                ("distractors",),
                noun="distractor",
                min_count=0,
                id_required_because=_HIDES_PAIRS,
            )
        if errors:
            return errors
        left: list[tuple[ErrorPath, str]] = [
            (("pairs", i, "left", "id"), option_id(p["left"], i)) for i, p in enumerate(pairs)
        ]
        right: list[tuple[ErrorPath, str]] = [
            (("pairs", i, "right", "id"), str(p["right"]["id"])) for i, p in enumerate(pairs)
        ]
        right += [(("distractors", i, "id"), str(d["id"])) for i, d in enumerate(distractors or [])]
        errors = duplicate_ids(left) + duplicate_ids(right)
        errors += [
            (right_path, "must differ from its left id, which it would reveal")
            for (_, left_id), (right_path, right_id) in zip(left, right, strict=False)
            if left_id == right_id
        ]
        left_ids = [ident for _, ident in left]
        right_ids = [ident for _, ident in right[: len(pairs)]]
        # Ids like l1/r1, l2/r2 reveal the pairs: both sides sort the same way.
        if not errors and len(pairs) >= 3 and _same_order(left_ids, right_ids):
            errors.append(
                (("pairs",), "left and right ids sort in the same order, revealing the pairs")
            )
        return errors

    def normalise(self, definition: Mapping[str, Any]) -> dict[str, Any]:
        """Pairs of `{id, text}` sides with string ids; distractors default to []."""
        return {
            "pairs": [
                {
                    "left": {"id": option_id(pair["left"], index), "text": pair["left"]["text"]},
                    "right": {"id": str(pair["right"]["id"]), "text": pair["right"]["text"]},
                }
                for index, pair in enumerate(definition["pairs"])
            ],
            "distractors": plain_options(definition.get("distractors") or []),
        }

    def public_options(
        self, definition: Mapping[str, Any], rng: random.Random | None
    ) -> dict[str, Any]:
        """Left side in file order; right side and distractors always shuffled together."""
        right = _right_options(definition)
        (rng or fixed_rng(definition.get("id"))).shuffle(right)
        return {"left": [dict(pair["left"]) for pair in definition["pairs"]], "right": right}

    def check(self, definition: Mapping[str, Any], response: Any) -> str | None:
        """A mapping of left ids to right ids; a left id left out (or null) is not matched.
        A right option may be used more than once."""
        if not isinstance(response, Mapping):
            return "expected a mapping of left ids to right ids"
        left_ids = {pair["left"]["id"] for pair in definition["pairs"]}
        right_ids = {option["id"] for option in _right_options(definition)}
        if len(response) > len(left_ids):
            return f"too many pairs: there are only {len(left_ids)}"
        for left, right in response.items():
            if not isinstance(left, str) or left not in left_ids:
                return f"unknown left id {show(left)}"
            if right is not None and (not isinstance(right, str) or right not in right_ids):
                return f"unknown right id {show(right)} for {show(left)}"
        return None

    def score(
        self, definition: Mapping[str, Any], response: Any
    ) -> tuple[float, tuple[PartFeedback, ...]]:
        """The fraction of left items matched to their right id."""
        parts = []
        for pair in definition["pairs"]:
            given = response.get(pair["left"]["id"])
            correct = given == pair["right"]["id"]
            message = "" if correct else NOT_MATCHED if given is None else WRONG_MATCH
            parts.append(PartFeedback(pair["left"]["id"], correct, message))
        return sum(part.correct for part in parts) / len(parts), tuple(parts)

    def describe_response(self, definition: Mapping[str, Any], response: Any) -> str:
        """ "left → right" for each matched left item, in file order, joined by "; "."""
        texts = {option["id"]: option["text"] for option in _right_options(definition)}
        return "; ".join(
            f"{pair['left']['text']} → {texts[response[pair['left']['id']]]}"
            for pair in definition["pairs"]
            if response.get(pair["left"]["id"]) is not None
        )

    def describe_answer(self, definition: Mapping[str, Any]) -> str:
        """ "left → right" for each pair, joined by "; "."""
        return "; ".join(
            f"{pair['left']['text']} → {pair['right']['text']}" for pair in definition["pairs"]
        )


def _pair_errors(pair: Any, path: ErrorPath) -> list[DefinitionError]:
    if not isinstance(pair, Mapping):
        return [(path, "must be a mapping with 'left' and 'right'")]
    errors: list[DefinitionError] = [
        ((*path, str(key)), "unknown pair field") for key in pair if key not in _SIDES
    ]
    errors += [((*path, side), "required") for side in _SIDES if side not in pair]
    if "left" in pair:
        errors += validate_option(pair["left"], (*path, "left"), noun="left side")
    if "right" in pair:
        errors += validate_option(
            pair["right"], (*path, "right"), noun="right side", id_required_because=_HIDES_PAIRS
        )
    return errors


def _right_options(definition: Mapping[str, Any]) -> list[dict[str, str]]:
    rights = [dict(pair["right"]) for pair in definition["pairs"]]
    return rights + [dict(option) for option in definition["distractors"]]


def _same_order(left_ids: list[str], right_ids: list[str]) -> bool:
    return any(a == b for a, b in zip(id_orders(left_ids), id_orders(right_ids), strict=True))
