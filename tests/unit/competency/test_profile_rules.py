"""The profile's rules (lms/competency/profile.py): gaps, completion, recommendations, reviews."""

from datetime import UTC, datetime, timedelta

import pytest

from lms.competency.profile import (
    CompetencyStatus,
    ModuleInfo,
    ModuleProgressInfo,
    ThemeInfo,
    group_by_theme,
    is_module_completed,
    largest_gaps,
    recommend_modules,
    review_suggestions,
)

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def status(code, level=0, self_level=None, theme="t", last=None):
    return CompetencyStatus(
        code=code,
        title=f"Titre {code}",
        theme_slug=theme,
        level=level,
        measured_level=level,
        self_level=self_level,
        last_evidence_at=last,
    )


def module(id_, codes, order=None):
    return ModuleInfo(id_, f"m{id_}", f"Module {id_}", tuple(codes), order or (1, id_))


# --- gaps --------------------------------------------------------------------------------------


def test_gap_is_self_level_minus_level():
    assert status("A", level=1, self_level=4).gap == 3
    assert status("A", level=3, self_level=1).gap == -2
    assert status("A", level=2, self_level=2).gap == 0
    assert status("A", level=2).gap is None


def test_largest_gaps_rank_by_size_either_way():
    rows = [
        status("A", level=2, self_level=3),  # +1
        status("B", level=4, self_level=1),  # -3
        status("C", level=0, self_level=2),  # +2
        status("D", level=1, self_level=1),  # no gap
        status("E", level=1),  # not self-assessed
    ]
    assert [r.code for r in largest_gaps(rows)] == ["B", "C", "A"]


def test_largest_gaps_put_overestimation_first_at_equal_size_then_code():
    rows = [
        status("B", level=3, self_level=1),  # -2
        status("C", level=0, self_level=2),  # +2
        status("A", level=1, self_level=3),  # +2
    ]
    assert [r.code for r in largest_gaps(rows)] == ["A", "C", "B"]


def test_largest_gaps_are_limited_and_skip_equal_levels():
    rows = [status(f"C{i}", level=0, self_level=1 + i % 4) for i in range(8)]
    assert len(largest_gaps(rows, limit=3)) == 3
    assert largest_gaps([status("A", level=2, self_level=2)]) == []


# --- completion --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("progress", "has_quiz", "has_practice", "completed"),
    [
        (None, True, False, False),
        (ModuleProgressInfo(False, True), True, False, False),
        (ModuleProgressInfo(True, False), True, False, False),
        (ModuleProgressInfo(True, True), True, False, True),
        (ModuleProgressInfo(True, False), False, False, True),  # no quiz to pass
        (ModuleProgressInfo(True, True, "none"), True, True, False),
        (ModuleProgressInfo(True, True, "draft"), True, True, False),
        (ModuleProgressInfo(True, True, "needs_revision"), True, True, False),
        (ModuleProgressInfo(True, True, "submitted"), True, True, True),
        (ModuleProgressInfo(True, True, "accepted"), True, True, True),
    ],
)
def test_module_completion(progress, has_quiz, has_practice, completed):
    assert is_module_completed(progress, has_quiz=has_quiz, has_practice=has_practice) is completed


# --- recommendations ---------------------------------------------------------------------------


def test_recommendations_start_with_the_weakest_competency():
    rows = [status("A", level=2), status("B", level=0), status("C", level=1)]
    modules = [module(1, ["A"]), module(2, ["C"]), module(3, ["B"])]
    ranked = recommend_modules(rows, modules, completed_module_ids=[])
    assert [r.module.id for r in ranked] == [3, 2, 1]
    assert [c.code for c in ranked[0].competencies] == ["B"]


def test_recommendations_skip_completed_modules_and_mastered_competencies():
    rows = [status("A", level=4), status("B", level=1)]
    modules = [module(1, ["A"]), module(2, ["B"]), module(3, ["B"])]
    ranked = recommend_modules(rows, modules, completed_module_ids=[2])
    assert [r.module.id for r in ranked] == [3]


def test_recommendations_ignore_codes_outside_the_profile():
    rows = [status("A", level=1)]
    assert recommend_modules(rows, [module(1, ["RETIRED"])], []) == []


def test_recommendation_ties_count_weak_competencies_then_missing_levels_then_course_order():
    rows = [status("A", level=0), status("B", level=0), status("C", level=1), status("D", level=3)]
    modules = [
        module(1, ["A", "D"], order=(1, 1)),  # one at level 0; missing 4 + 1 = 5
        module(2, ["A", "B"], order=(2, 1)),  # two at level 0
        module(3, ["B", "C"], order=(1, 2)),  # one at level 0; missing 4 + 3 = 7
        module(4, ["A"], order=(1, 0)),  # one at level 0; missing 4, first in the course
        module(5, ["B"], order=(1, 3)),  # same as 4, later in the course
    ]
    ranked = recommend_modules(rows, modules, [], limit=5)
    assert [r.module.id for r in ranked] == [2, 3, 1, 4, 5]


def test_recommendations_are_limited():
    rows = [status("A")]
    modules = [module(i, ["A"]) for i in range(1, 6)]
    assert len(recommend_modules(rows, modules, [])) == 3
    assert len(recommend_modules(rows, modules, [], limit=1)) == 1


# --- review suggestions ------------------------------------------------------------------------


def test_review_suggested_once_evidence_is_older_than_the_setting():
    after = timedelta(days=60)
    rows = [
        status("OLD", level=2, last=NOW - timedelta(days=61)),
        status("EDGE", level=2, last=NOW - timedelta(days=60)),  # exactly 60 days: not yet
        status("NEW", level=2, last=NOW - timedelta(days=3)),
        status("NONE"),
    ]
    passed = [module(1, ["OLD"]), module(2, ["EDGE", "NEW"]), module(3, ["NONE"])]
    suggestions = review_suggestions(rows, passed, NOW, after)
    assert [s.module.id for s in suggestions] == [1]
    assert [c.code for c in suggestions[0].competencies] == ["OLD"]
    assert suggestions[0].oldest_evidence_at == NOW - timedelta(days=61)


def test_review_suggestions_list_each_module_once_oldest_evidence_first():
    rows = [
        status("A", level=1, last=NOW - timedelta(days=100)),
        status("B", level=2, last=NOW - timedelta(days=300)),
    ]
    passed = [module(1, ["A", "B"]), module(2, ["A"])]
    suggestions = review_suggestions(rows, passed, NOW, timedelta(days=60))
    assert [s.module.id for s in suggestions] == [1, 2]
    assert [c.code for c in suggestions[0].competencies] == ["B", "A"]


def test_no_review_without_passed_modules():
    rows = [status("A", level=1, last=NOW - timedelta(days=400))]
    assert review_suggestions(rows, [], NOW, timedelta(days=60)) == []


# --- grouping ----------------------------------------------------------------------------------


def test_group_by_theme_follows_theme_order_and_keeps_unknown_themes():
    themes = [ThemeInfo("b", "Bêta"), ThemeInfo("a", "Alpha"), ThemeInfo("empty", "Vide")]
    rows = [status("A1", theme="a"), status("X1", theme="x"), status("B1", theme="b")]
    groups = group_by_theme(rows, themes)
    assert [(t.slug, [r.code for r in rs]) for t, rs in groups] == [
        ("b", ["B1"]),
        ("a", ["A1"]),
        ("x", ["X1"]),
    ]
