"""The rubric score: mean of (level - 1) / 3, one level from 1 to 4 per criterion."""

from __future__ import annotations

import pytest

from lms.practice.rubric import RubricError, check_levels, rated_criteria, rubric_score

RUBRIC = [
    {"criterion": "Exhaustivité", "levels": ["a", "b", "c", "d"]},
    {"criterion": "Clarté", "levels": ["a", "b", "c", "d"]},
    {"criterion": "Pertinence", "levels": ["a", "b", "c", "d"]},
]


@pytest.mark.parametrize(
    ("levels", "score"),
    [
        ([1], 0.0),
        ([2], 1 / 3),
        ([3], 2 / 3),
        ([4], 1.0),
        ([4, 4, 3], (1 + 1 + 2 / 3) / 3),  # the docstring's example: 0.889
        ([1, 4], 0.5),
        ([2, 3, 4, 1], 0.5),
    ],
)
def test_score_is_the_mean_of_level_minus_one_over_three(levels, score):
    assert rubric_score(levels) == pytest.approx(score)


def test_the_example_of_the_documentation_rounds_to_0_889():
    assert round(rubric_score([4, 4, 3]), 3) == 0.889


@pytest.mark.parametrize("levels", [[], [0], [5], [4, -1], [True]])
def test_score_refuses_levels_outside_1_to_4(levels):
    with pytest.raises(RubricError):
        rubric_score(levels)


def test_check_levels_needs_one_level_per_criterion():
    check_levels(RUBRIC, [1, 2, 4])
    with pytest.raises(RubricError, match="3 expected, 2 given"):
        check_levels(RUBRIC, [1, 2])
    with pytest.raises(RubricError, match="3 expected, 4 given"):
        check_levels(RUBRIC, [1, 2, 3, 4])


@pytest.mark.parametrize("bad", [0, 5, 2.5, "3", None, True])
def test_check_levels_refuses_anything_but_the_integers_1_to_4(bad):
    with pytest.raises(RubricError, match="Criterion 2"):
        check_levels(RUBRIC, [1, bad, 3])


def test_a_rubric_without_criteria_cannot_be_used():
    with pytest.raises(RubricError):
        check_levels([], [])


def test_rated_criteria_pairs_names_and_levels_in_rubric_order():
    assert rated_criteria(RUBRIC, [4, 3, 2]) == [
        {"criterion": "Exhaustivité", "level": 4},
        {"criterion": "Clarté", "level": 3},
        {"criterion": "Pertinence", "level": 2},
    ]
