"""Scoring a practical work against its rubric: pure functions over plain values.

A rubric has criteria; each criterion has four level descriptors, from 1
(insufficient) to 4 (excellent). A trainer picks one level per criterion. The
work's score, between 0 and 1, is the mean over criteria of ``(level - 1) / 3``:
level 1 counts 0, level 2 one third, level 3 two thirds, level 4 counts 1. So
all criteria at level 4 give 1.0, all at level 3 give 0.667, and a work rated
4, 4, 3 gives (1 + 1 + 0.667) / 3 = 0.889. Every criterion weighs the same.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

#: The levels a trainer can give a criterion.
RUBRIC_LEVELS = (1, 2, 3, 4)


class RubricError(ValueError):
    """Levels that do not fit the rubric."""


def check_levels(rubric: Sequence[Mapping[str, Any]], levels: Sequence[int]) -> None:
    """Raise RubricError unless there is one level from 1 to 4 per criterion, in rubric order."""
    if not rubric:
        raise RubricError("This practical work has no rubric to review it with.")
    if len(levels) != len(rubric):
        raise RubricError(
            f"Give one level per criterion: {len(rubric)} expected, {len(levels)} given."
        )
    for position, level in enumerate(levels, start=1):
        # bool is an int in Python; True must not pass for level 1.
        if isinstance(level, bool) or not isinstance(level, int) or level not in RUBRIC_LEVELS:
            raise RubricError(
                f"Criterion {position}: the level must be 1, 2, 3 or 4, not {level!r}."
            )


def rubric_score(levels: Sequence[int]) -> float:
    """The work's score from 0 to 1: the mean of ``(level - 1) / 3`` over the criteria."""
    if not levels:
        raise RubricError("A score needs at least one criterion.")
    for level in levels:
        if isinstance(level, bool) or level not in RUBRIC_LEVELS:
            raise RubricError(f"The level must be 1, 2, 3 or 4, not {level!r}.")
    return sum((level - 1) / 3 for level in levels) / len(levels)


def rated_criteria(
    rubric: Sequence[Mapping[str, Any]], levels: Sequence[int]
) -> list[dict[str, Any]]:
    """What a review stores: ``[{"criterion": name, "level": n}]`` in rubric order (checked)."""
    check_levels(rubric, levels)
    return [
        {"criterion": str(criterion["criterion"]), "level": level}
        for criterion, level in zip(rubric, levels, strict=True)
    ]
