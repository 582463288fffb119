"""`ordering`: put items in the right order. Partial credit by longest common subsequence."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any

from lms.quiz.types.base import (
    DefinitionError,
    PartFeedback,
    QuestionType,
    check_id_list,
    duplicate_ids,
    fixed_rng,
    id_orders,
    is_list,
    option_id,
    plain_options,
    required,
    validate_options,
)

OUT_OF_PLACE = "Out of place."


def longest_in_order(response: Sequence[str], correct: Sequence[str]) -> set[str]:
    """The ids of one longest common subsequence of `response` and `correct`.

    Ids are distinct, so this is the longest increasing run of correct positions (O(n²):
    a question has a handful of items).
    """
    positions = [correct.index(ident) for ident in response]
    best = [1] * len(positions)  # best[i]: longest increasing run ending at i
    previous = [-1] * len(positions)
    for i in range(len(positions)):
        for j in range(i):
            if positions[j] < positions[i] and best[j] + 1 > best[i]:
                best[i], previous[i] = best[j] + 1, j
    kept: set[str] = set()
    i = max(range(len(best)), key=best.__getitem__, default=-1)
    while i != -1:
        kept.add(response[i])
        i = previous[i]
    return kept


class Ordering(QuestionType):
    """`items` written in the correct order; the response lists every item id once."""

    name = "ordering"
    fields = frozenset({"items"})

    def validate(self, definition: Mapping[str, Any]) -> list[DefinitionError]:
        """At least two items with explicit, distinct ids that do not give the order away."""
        if errors := required(definition, "items"):
            return errors
        items = definition["items"]
        errors = validate_options(
            items,
            ("items",),
            noun="item",
            min_count=2,
            id_required_because="the default id, the item's position, would reveal the order",
        )
        if errors or not is_list(items):
            return errors
        ids = [option_id(item, index) for index, item in enumerate(items)]
        errors = duplicate_ids((("items", i, "id"), ident) for i, ident in enumerate(ids))
        # Ids like a, b, c or step1, step2, step3 reveal the order once shuffled.
        if not errors and len(ids) >= 3 and list(range(len(ids))) in id_orders(ids):
            errors.append((("items",), "the item ids sort in the correct order, revealing it"))
        return errors

    def normalise(self, definition: Mapping[str, Any]) -> dict[str, Any]:
        """Items as `{id, text}` with string ids, in the correct order."""
        return {"items": plain_options(definition["items"])}

    def public_options(
        self, definition: Mapping[str, Any], rng: random.Random | None
    ) -> dict[str, Any]:
        """The items, always shuffled (per question when no seed is given)."""
        items = plain_options(definition["items"])
        (rng or fixed_rng(definition.get("id"))).shuffle(items)
        return {"items": items}

    def check(self, definition: Mapping[str, Any], response: Any) -> str | None:
        """Every item id exactly once."""
        ids = _ids(definition)
        if message := check_id_list(response, ids, "item"):
            return message
        if len(response) != len(ids):
            return f"expected all {len(ids)} items, each once"
        return None

    def score(
        self, definition: Mapping[str, Any], response: Any
    ) -> tuple[float, tuple[PartFeedback, ...]]:
        """(longest common subsequence - 1) / (items - 1); items outside it are out of place."""
        ids = _ids(definition)
        in_order = longest_in_order(response, ids)
        parts = tuple(
            PartFeedback(ident, ident in in_order, "" if ident in in_order else OUT_OF_PLACE)
            for ident in response
        )
        return (len(in_order) - 1) / (len(ids) - 1), parts

    def describe_response(self, definition: Mapping[str, Any], response: Any) -> str:
        """The item texts in the learner's order, joined by " → "."""
        texts = {item["id"]: item["text"] for item in definition["items"]}
        return " → ".join(texts[ident] for ident in response)

    def describe_answer(self, definition: Mapping[str, Any]) -> str:
        """The item texts in the correct order, joined by " → "."""
        return " → ".join(item["text"] for item in definition["items"])


def _ids(definition: Mapping[str, Any]) -> list[str]:
    return [item["id"] for item in definition["items"]]
