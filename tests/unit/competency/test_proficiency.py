"""Edge cases and properties of the proficiency rule (lms/competency/proficiency.py)."""

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from lms.competency.proficiency import (
    DEFAULT_PARAMS,
    CompetencyLevel,
    EvidenceItem,
    EvidenceSource,
    ProficiencyParams,
    compute_level,
    compute_profile,
    evidence_shares,
    explain,
    weighted_score,
)

T0 = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)


def quiz(score: float, minutes: int, key: str | None = "m/q", code: str = "MSE-01", weight=1.0):
    return EvidenceItem(
        code, EvidenceSource.QUIZ, score, T0 + timedelta(minutes=minutes), weight=weight, key=key
    )


def practice(score: float, minutes: int, key: str = "m", code: str = "MSE-01"):
    return EvidenceItem(
        code, EvidenceSource.PRACTICE, score, T0 + timedelta(minutes=minutes), key=key
    )


def graded(level: int, minutes: int, source=EvidenceSource.RATING, code: str = "MSE-01"):
    return EvidenceItem(code, source, level / 4, T0 + timedelta(minutes=minutes), level=level)


def knowledge_level_2(code: str = "MSE-01") -> list[EvidenceItem]:
    return [quiz(1, i, key=f"m/q{i}", code=code) for i in range(3)]


def random_evidence(rng: random.Random, count: int) -> list[EvidenceItem]:
    """A learner's evidence over a few competencies, with ties and old items on purpose."""
    items = []
    for _ in range(count):
        code = rng.choice(["MSE-01", "MSE-04", "MSE-06"])
        # Few distinct instants, spread over three years, so ties and staleness occur.
        when = T0 - timedelta(days=rng.choice([0, 0, 1, 200, 400, 900]), hours=rng.choice([0, 1]))
        source = rng.choice(list(EvidenceSource))
        if source in (EvidenceSource.RATING, EvidenceSource.SELF):
            level = rng.randint(1, 4)
            items.append(EvidenceItem(code, source, level / 4, when, level=level))
        else:
            items.append(
                EvidenceItem(
                    code,
                    source,
                    rng.choice([0.0, 0.25, 0.5, 0.7, 0.85, 1.0]),
                    when,
                    weight=rng.choice([1.0, 1.0, 2.0, 0.5]),
                    key=f"mod-{rng.randint(1, 3)}/q{rng.randint(1, 4)}",
                )
            )
    return items


def canvas(scores: list[float], w: float) -> float:
    """The reference: D_1 = s_1, D_k = w*s_k + (1-w)*D_(k-1)."""
    average = scores[0]
    for score in scores[1:]:
        average = w * score + (1 - w) * average
    return average


# --- no evidence, and what counts ---------------------------------------------


def test_no_evidence_is_level_0_with_no_score() -> None:
    result = compute_level("MSE-09", [])

    assert result == CompetencyLevel(
        competency="MSE-09",
        level=0,
        measured_level=0,
        score=None,
        knowledge_score=None,
        applied_score=None,
        evidence_count=0,
        distinct_questions=0,
        distinct_practices=0,
        reasons=("No evidence yet: level 0.",),
    )


def test_a_single_wrong_answer_still_gives_level_1() -> None:
    result = compute_level("MSE-01", [quiz(0, 0)])

    assert (result.level, result.knowledge_score) == (1, 0.0)


def test_knowledge_alone_never_goes_beyond_level_2() -> None:
    answers = [quiz(1, i, key=f"m/q{i}") for i in range(40)]

    assert compute_level("MSE-01", answers).level == 2


def test_answers_without_a_key_are_not_distinct_questions() -> None:
    answers = [quiz(1, i, key=None) for i in range(5)]

    result = compute_level("MSE-01", answers)

    assert result.distinct_questions == 0
    assert result.level == 1


def test_thresholds_are_inclusive() -> None:
    at_threshold = [quiz(0.7, i, key=f"m/q{i}") for i in range(3)]
    just_below = [quiz(0.6999, i, key=f"m/q{i}") for i in range(3)]

    assert compute_level("MSE-01", at_threshold).level == 2
    below = compute_level("MSE-01", just_below)
    assert below.level == 1
    # Rounding to two decimals would show 0.70 and contradict the level.
    assert "Not level 2: knowledge score 0.6999 is below 0.70." in below.reasons


def test_borderline_practical_work_needs_level_2_knowledge() -> None:
    with_knowledge = compute_level("MSE-01", [*knowledge_level_2(), practice(0.6, 10)])
    without = compute_level("MSE-01", [quiz(1, 0), practice(0.6, 10)])

    assert with_knowledge.level == 3
    assert without.level == 1


def test_one_practical_work_never_reaches_level_4() -> None:
    result = compute_level("MSE-01", [*knowledge_level_2(), practice(1.0, 10)])

    assert result.level == 3


def test_evidence_of_another_competency_is_refused() -> None:
    with pytest.raises(ValueError, match="MSE-04"):
        compute_level("MSE-01", [quiz(1, 0, code="MSE-04")])


# --- ordering -----------------------------------------------------------------


def test_order_is_when_the_learner_answered_not_the_list_order() -> None:
    # Recorded in this order, but the right answer was given last.
    late_recorded_wrong_answer = quiz(0, 0, key="m/a")
    answers = [quiz(1, 5, key="m/b"), quiz(1, 6, key="m/c"), late_recorded_wrong_answer]

    result = compute_level("MSE-01", answers)

    assert result.knowledge_score == round(canvas([0, 1, 1], 0.65), 4) == 0.8775
    assert result.knowledge_score != round(canvas([1, 1, 0], 0.65), 4)


def test_shares_follow_when_the_learner_answered() -> None:
    newest, oldest = quiz(0, 9, key="m/b"), quiz(1, 1, key="m/a")

    shares = evidence_shares([newest, oldest])

    assert shares == [(oldest, pytest.approx(0.35)), (newest, pytest.approx(0.65))]
    assert weighted_score([newest, oldest]) == 0.35


def test_input_order_never_changes_the_result() -> None:
    rng = random.Random(20250106)
    for _ in range(200):
        evidence = [i for i in random_evidence(rng, 12) if i.competency == "MSE-01"]
        expected = compute_level("MSE-01", evidence)
        for _ in range(3):
            rng.shuffle(evidence)
            assert compute_level("MSE-01", evidence) == expected


def test_shifting_every_date_changes_nothing() -> None:
    # The level depends on the evidence only, never on the day it is computed.
    rng = random.Random(7)
    for _ in range(100):
        evidence = [i for i in random_evidence(rng, 10) if i.competency == "MSE-04"]
        moved = [replace(i, occurred_at=i.occurred_at + timedelta(days=1234)) for i in evidence]
        # Only the date printed in a trainer rating's reason may differ.
        assert replace(compute_level("MSE-04", moved), reasons=()) == replace(
            compute_level("MSE-04", evidence), reasons=()
        )


# --- the decaying average -------------------------------------------------------


def test_score_is_canvas_decaying_average_for_fresh_unit_weights() -> None:
    rng = random.Random(11)
    for _ in range(200):
        scores = [rng.random() for _ in range(rng.randint(1, 9))]
        w = rng.choice([0.5, 0.65, 0.8, 1.0])
        answers = [quiz(s, i, key=f"m/q{i}") for i, s in enumerate(scores)]
        got = weighted_score(answers, ProficiencyParams(decay_weight=w))
        assert got == pytest.approx(canvas(scores, w), abs=5e-5)


def test_shares_add_up_to_one_and_grow_with_recency() -> None:
    answers = [quiz(1, i, key=f"m/q{i}") for i in range(6)]

    shares = [share for _, share in evidence_shares(answers)]

    assert sum(shares) == pytest.approx(1.0)
    assert shares[1:] == sorted(shares[1:])
    assert shares[-1] == pytest.approx(0.65)


def test_a_weight_2_answer_counts_like_the_same_answer_twice() -> None:
    weighted = [quiz(0.2, 0, key="m/a"), quiz(0.9, 1, key="m/b", weight=2)]
    repeated = [quiz(0.2, 0, key="m/a"), quiz(0.9, 1, key="m/b"), quiz(0.9, 2, key="m/b")]

    assert weighted_score(weighted) == weighted_score(repeated) == 0.8143


def test_a_lower_weight_pulls_less() -> None:
    light = weighted_score([quiz(0, 0, key="m/a"), quiz(1, 1, key="m/b", weight=0.5)])
    normal = weighted_score([quiz(0, 0, key="m/a"), quiz(1, 1, key="m/b")])

    assert light is not None and normal is not None
    assert light < normal


def test_decay_weight_1_keeps_only_the_latest_answer() -> None:
    answers = [quiz(1, 0, key="m/a"), quiz(0.3, 1, key="m/b")]

    assert weighted_score(answers, ProficiencyParams(decay_weight=1.0)) == 0.3


# --- staleness ------------------------------------------------------------------


def _old_then_new(age: timedelta) -> list[EvidenceItem]:
    new = quiz(1, 0, key="m/new")
    old = replace(quiz(0, 0, key="m/old"), occurred_at=new.occurred_at - age)
    return [old, new]


def test_stale_evidence_weighs_less() -> None:
    old, new = evidence_shares(_old_then_new(timedelta(days=400)))

    # Without ageing the old answer would keep 0.35; halved and rescaled: 0.175 / 0.825.
    assert old[1] == pytest.approx(0.175 / 0.825)
    assert new[1] == pytest.approx(0.65 / 0.825)
    assert weighted_score(_old_then_new(timedelta(days=400))) == 0.7879


def test_staleness_starts_after_exactly_stale_after_days() -> None:
    on_the_day = weighted_score(_old_then_new(timedelta(days=365)))
    one_second_later = weighted_score(_old_then_new(timedelta(days=365, seconds=1)))

    assert on_the_day == 0.65
    assert one_second_later == 0.7879


def test_evidence_that_is_all_old_keeps_its_score() -> None:
    # Age is measured against the newest evidence, not today: a learner who
    # stopped two years ago keeps the profile they earned.
    answers = [
        replace(quiz(s, i, key=f"m/q{i}"), occurred_at=T0 - timedelta(days=800) + timedelta(days=i))
        for i, s in enumerate([0.5, 1, 1, 1])
    ]

    assert weighted_score(answers) == round(canvas([0.5, 1, 1, 1], 0.65), 4)


def test_stale_practical_work_weighs_less_too() -> None:
    works = [practice(1.0, 0, key="a"), practice(0.5, 0, key="b")]
    works[0] = replace(works[0], occurred_at=T0 - timedelta(days=500))

    aged = compute_level("MSE-01", works)
    not_aged = compute_level("MSE-01", works, ProficiencyParams(stale_factor=1.0))

    assert aged.applied_score is not None and not_aged.applied_score is not None
    assert aged.applied_score < not_aged.applied_score
    assert any("1 practical work given more than 365 days" in r for r in aged.reasons)


# --- trainer ratings and self-assessment -------------------------------------------


def test_a_rating_alone_sets_the_level() -> None:
    result = compute_level("MSE-01", [graded(4, 0)])

    assert (result.level, result.measured_level, result.rating) == (4, 0, 4)
    assert result.score is None


def test_a_rating_can_lower_the_measured_level() -> None:
    evidence = [*knowledge_level_2(), practice(0.9, 10), graded(2, 20)]

    result = compute_level("MSE-01", evidence)

    assert (result.level, result.measured_level) == (2, 3)
    assert result.applied_score == 0.9


def test_the_latest_rating_wins_whatever_the_input_order() -> None:
    ratings = [graded(4, 30), graded(1, 10), graded(3, 20)]

    assert compute_level("MSE-01", ratings).level == 4


def test_self_assessment_never_changes_the_level() -> None:
    rng = random.Random(3)
    for _ in range(200):
        evidence = [i for i in random_evidence(rng, 10) if i.competency == "MSE-06"]
        measured = [i for i in evidence if i.source != EvidenceSource.SELF]
        with_self = compute_level("MSE-06", evidence)
        without = compute_level("MSE-06", measured)
        assert with_self.level == without.level
        assert with_self.measured_level == without.measured_level
        assert with_self.score == without.score
        assert with_self.evidence_count == without.evidence_count


def test_self_assessment_alone_leaves_the_competency_unassessed() -> None:
    result = compute_level("MSE-01", [graded(4, 0, source=EvidenceSource.SELF)])

    assert (result.level, result.self_level, result.evidence_count) == (0, 4, 0)


# --- the profile ------------------------------------------------------------------


def test_profile_equals_each_competency_computed_alone() -> None:
    rng = random.Random(5)
    for _ in range(100):
        evidence = random_evidence(rng, rng.randint(0, 25))
        profile = compute_profile(evidence)
        codes = {item.competency for item in evidence}
        assert set(profile) == codes
        for code in codes:
            assert profile[code] == compute_level(
                code, [i for i in evidence if i.competency == code]
            )


def test_rebuilding_from_all_evidence_matches_updates_as_it_arrives() -> None:
    # Incremental updates recompute a competency from all its evidence each time
    # an item arrives (in any arrival order); the last update equals a rebuild.
    rng = random.Random(9)
    for _ in range(50):
        evidence = random_evidence(rng, 15)
        arrival = evidence[:]
        rng.shuffle(arrival)
        stored: dict[str, CompetencyLevel] = {}
        seen: list[EvidenceItem] = []
        for item in arrival:
            seen.append(item)
            stored[item.competency] = compute_level(
                item.competency, [i for i in seen if i.competency == item.competency]
            )
        assert stored == compute_profile(evidence)


def test_profile_lists_framework_competencies_without_evidence() -> None:
    profile = compute_profile([quiz(1, 0, code="MSE-04")], competencies=["MSE-13", "MSE-01"])

    assert list(profile) == ["MSE-01", "MSE-04", "MSE-13"]
    assert profile["MSE-13"].level == 0
    assert profile["MSE-04"].level == 1


def test_explain_gives_the_reasons() -> None:
    result = compute_level("MSE-01", knowledge_level_2())

    assert explain(result) == list(result.reasons)
    assert explain(result)[-1] == "Not level 3: no reviewed practical work yet."


# --- validation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"score": 1.2},
        {"score": -0.1},
        {"weight": 0},
        {"weight": float("nan")},
        {"competency": ""},
        {"level": 3},  # a quiz answer has no level
    ],
)
def test_invalid_evidence_is_refused(kwargs) -> None:
    fields = {
        "competency": "MSE-01",
        "source": EvidenceSource.QUIZ,
        "score": 1.0,
        "occurred_at": T0,
        "key": "m/q",
    }
    with pytest.raises(ValueError):
        EvidenceItem(**(fields | kwargs))


@pytest.mark.parametrize("level", [None, 0, 5])
def test_a_rating_needs_a_level_from_1_to_4(level) -> None:
    with pytest.raises(ValueError):
        EvidenceItem("MSE-01", EvidenceSource.RATING, 0.5, T0, level=level)


def test_source_may_be_given_as_stored_text() -> None:
    item = EvidenceItem("MSE-01", "practice", 0.5, T0, key="m")  # type: ignore[arg-type]

    assert item.source is EvidenceSource.PRACTICE


@pytest.mark.parametrize(
    "kwargs",
    [
        {"decay_weight": 0},
        {"decay_weight": 1.5},
        {"stale_factor": 0},
        {"stale_after_days": -1},
        {"min_distinct_questions": 0},
        {"min_distinct_practices": 0},
        {"knowledge_threshold": 0},
        {"applied_threshold": 0.8},  # above applied_alone_threshold
        {"mastery_threshold": 0.7},  # below applied_alone_threshold
    ],
)
def test_inconsistent_parameters_are_refused(kwargs) -> None:
    with pytest.raises(ValueError):
        ProficiencyParams(**kwargs)


def test_default_parameters_are_the_documented_ones() -> None:
    documented = ProficiencyParams(
        decay_weight=0.65,
        stale_after_days=365,
        stale_factor=0.5,
        knowledge_threshold=0.7,
        min_distinct_questions=3,
        applied_threshold=0.6,
        applied_alone_threshold=0.75,
        mastery_threshold=0.85,
        min_distinct_practices=2,
    )
    assert documented == DEFAULT_PARAMS
