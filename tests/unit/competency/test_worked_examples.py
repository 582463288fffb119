"""The worked examples of docs/competency-model.md, one test each.

Every number asserted here is printed in the document; if a test fails, the
rule and its documentation disagree and both must be looked at.
"""

import re
from datetime import UTC, datetime
from pathlib import Path

from lms.competency.proficiency import (
    CompetencyLevel,
    EvidenceItem,
    EvidenceSource,
    ProficiencyParams,
    compute_level,
    evidence_shares,
)

M01 = "modele-au-service-de-quoi"
M03 = "accompagner-la-transformation"
M04 = "richesses-humaines"
M05 = "leviers-financiers"
M07 = "vision-gestion-action"


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def lesson(code: str, module: str, when: datetime) -> EvidenceItem:
    return EvidenceItem(code, EvidenceSource.LESSON, 1.0, when, key=module)


def answer(code: str, key: str, score: float, when: datetime, weight: float = 1.0) -> EvidenceItem:
    return EvidenceItem(code, EvidenceSource.QUIZ, score, when, weight=weight, key=key)


def work(code: str, module: str, score: float, when: datetime) -> EvidenceItem:
    return EvidenceItem(code, EvidenceSource.PRACTICE, score, when, key=module)


def rating(code: str, level: int, when: datetime) -> EvidenceItem:
    return EvidenceItem(code, EvidenceSource.RATING, level / 4, when, level=level)


def self_assessment(code: str, level: int, when: datetime) -> EvidenceItem:
    return EvidenceItem(code, EvidenceSource.SELF, level / 4, when, level=level)


def camille_mse01() -> list[EvidenceItem]:
    """Examples 1 and 2: Camille's lessons and four answers on MSE-01."""
    return [
        lesson("MSE-01", M01, at(2025, 3, 3, 9, 0)),
        answer("MSE-01", f"{M01}/budget-ne-suffit-pas", 1, at(2025, 3, 3, 9, 30)),
        answer("MSE-01", f"{M01}/reperer-alliances", 0, at(2025, 3, 3, 9, 31)),
        answer("MSE-01", f"{M01}/pilier-des-personnes", 1, at(2025, 3, 3, 9, 32)),
        answer("MSE-01", f"{M01}/ressource-nouvelle", 1, at(2025, 3, 3, 9, 33)),
    ]


def rounded_shares(items: list[EvidenceItem], params: ProficiencyParams | None = None):
    shares = evidence_shares(items) if params is None else evidence_shares(items, params)
    return [round(share, 6) for _, share in shares]


def test_example_1_lessons_alone_give_level_1() -> None:
    """Example 1: Camille completes the lessons of module 1."""
    result = compute_level("MSE-01", camille_mse01()[:1])

    assert result.level == 1
    assert result.score is None
    assert result.knowledge_score is None
    assert result.reasons == (
        "1 lesson completed: level 1.",
        "Not level 2: no quiz answer yet (at least 3 distinct questions needed).",
    )


def test_example_2_four_answers_reach_level_2() -> None:
    """Example 2: Camille answers 4 questions on MSE-01: 1, 0, 1, 1."""
    evidence = camille_mse01()
    answers = [item for item in evidence if item.source == EvidenceSource.QUIZ]

    assert rounded_shares(answers) == [0.042875, 0.079625, 0.2275, 0.65]
    result = compute_level("MSE-01", evidence)
    assert result.knowledge_score == 0.9204
    assert result.distinct_questions == 4
    assert result.level == 2
    assert (
        "Knowledge score 0.92 (at least 0.70 needed) over 4 distinct questions "
        "(at least 3 needed): level 2."
    ) in result.reasons


def test_example_3_retakes_do_not_make_distinct_questions() -> None:
    """Example 3: Malik answers two MSE-06 questions, then retakes both."""
    evidence = [
        answer("MSE-06", f"{M04}/benevole-dedommage", 0, at(2025, 3, 4, 10, 0)),
        answer("MSE-06", f"{M04}/service-civique-duree-max", 1, at(2025, 3, 4, 10, 1)),
        answer("MSE-06", f"{M04}/benevole-dedommage", 1, at(2025, 3, 5, 18, 0)),
        answer("MSE-06", f"{M04}/service-civique-duree-max", 1, at(2025, 3, 5, 18, 1)),
    ]

    result = compute_level("MSE-06", evidence)

    assert result.knowledge_score == 0.9571
    assert result.distinct_questions == 2
    assert result.level == 1
    assert "Not level 2: 2 distinct questions answered, 3 needed." in result.reasons


def test_example_4_order_is_when_the_work_was_done_not_reviewed() -> None:
    """Example 4: Sarah's first practical work is reviewed after her second one."""
    # Submitted 1 April (reviewed 30 April: 0.5), submitted 10 April (reviewed 12 April: 0.9).
    evidence = [
        work("MSE-04", M03, 0.5, at(2025, 4, 1, 14)),
        work("MSE-04", M07, 0.9, at(2025, 4, 10, 14)),
    ]

    result = compute_level("MSE-04", evidence)

    assert result.applied_score == 0.76
    assert result.level == 3
    # What ordering by review date would have given: the older, weaker work last.
    by_review = [
        work("MSE-04", M03, 0.5, at(2025, 4, 30, 14)),
        work("MSE-04", M07, 0.9, at(2025, 4, 12, 14)),
    ]
    wrong = compute_level("MSE-04", by_review)
    assert wrong.applied_score == 0.64
    assert wrong.level == 1


def test_example_5_a_weight_2_question_counts_as_two_answers() -> None:
    """Example 5: Amina's last MSE-04 question has weight 2."""
    evidence = [
        answer("MSE-04", f"{M07}/niveaux-de-decision", 0, at(2025, 5, 6, 11, 0)),
        answer("MSE-04", f"{M07}/reperer-regles-de-gestion", 0, at(2025, 5, 6, 11, 1)),
        answer("MSE-04", f"{M07}/symptomes-defaut-articulation", 1, at(2025, 5, 6, 11, 2), 2),
    ]

    assert rounded_shares(evidence) == [0.042875, 0.079625, 0.8775]
    result = compute_level("MSE-04", evidence)
    assert result.knowledge_score == 0.8775
    assert result.level == 2
    # The same answers with weight 1: the right answer pulls 0.65 only.
    unweighted = [answer(i.competency, i.key or "", i.score, i.occurred_at) for i in evidence]
    assert compute_level("MSE-04", unweighted).knowledge_score == 0.65
    assert compute_level("MSE-04", unweighted).level == 1


def test_example_6_old_answers_count_less() -> None:
    """Example 6: Paul's wrong answers of 2023 count less after his 2024 retake."""
    evidence = [
        answer("MSE-02", f"{M05}/reduction-don-particulier", 0, at(2023, 9, 12, 10, 0)),
        answer("MSE-02", f"{M05}/conditions-interet-general", 0, at(2023, 9, 12, 10, 1)),
        answer("MSE-02", f"{M05}/amicale-cercle-restreint", 0, at(2023, 9, 12, 10, 2)),
        answer("MSE-02", f"{M05}/conditions-interet-general", 1, at(2024, 11, 20, 10, 0)),
    ]

    assert rounded_shares(evidence) == [0.025985, 0.048258, 0.137879, 0.787879]
    result = compute_level("MSE-02", evidence)
    assert result.knowledge_score == 0.7879
    assert result.distinct_questions == 3
    assert result.level == 2
    assert (
        "3 quiz answers given more than 365 days before the latest answer count with factor 0.5."
    ) in result.reasons
    # Without the age factor, the old answers would keep him at level 1.
    no_ageing = compute_level("MSE-02", evidence, ProficiencyParams(stale_factor=1.0))
    assert no_ageing.knowledge_score == 0.65
    assert no_ageing.level == 1


def test_example_7_practical_work_with_level_2_knowledge_reaches_level_3() -> None:
    """Example 7: Camille's practical work of module 1 is reviewed at 0.67."""
    evidence = [*camille_mse01(), work("MSE-01", M01, 0.67, at(2025, 3, 10, 16))]

    result = compute_level("MSE-01", evidence)

    assert result.knowledge_score == 0.9204
    assert result.applied_score == 0.67
    assert result.score == 0.67
    assert result.level == 3
    assert result.reasons[-1] == (
        "Not level 4: practical work score 0.67 is below 0.85; "
        "1 distinct practical work reviewed, 2 needed."
    )


def test_example_8_strong_practical_work_alone_reaches_level_3() -> None:
    """Example 8: Youssef, no quiz on MSE-07, practical work reviewed at 0.8 (and at 0.7)."""
    strong = compute_level("MSE-07", [work("MSE-07", M05, 0.8, at(2025, 4, 2, 16))])
    borderline = compute_level("MSE-07", [work("MSE-07", M05, 0.7, at(2025, 4, 2, 16))])

    assert strong.level == 3
    assert strong.applied_score == 0.8
    assert borderline.level == 1
    assert (
        "Not level 3: practical work score 0.70 is below 0.75 (or 0.60 with level-2 knowledge)."
    ) in borderline.reasons


def test_example_9_two_strong_practical_works_reach_level_4() -> None:
    """Example 9: Hugo's two practical works on MSE-04, 0.9 then 0.85."""
    two_works = [
        work("MSE-04", M03, 0.9, at(2025, 3, 20, 16)),
        work("MSE-04", M07, 0.85, at(2025, 5, 15, 16)),
    ]
    same_work_twice = [
        work("MSE-04", M03, 0.9, at(2025, 3, 20, 16)),
        work("MSE-04", M03, 0.85, at(2025, 5, 15, 16)),
    ]

    result = compute_level("MSE-04", two_works)
    assert result.applied_score == 0.8675
    assert result.distinct_practices == 2
    assert result.level == 4

    resubmitted = compute_level("MSE-04", same_work_twice)
    assert resubmitted.applied_score == 0.8675
    assert resubmitted.level == 3
    assert "Not level 4: 1 distinct practical work reviewed, 2 needed." in resubmitted.reasons


def test_example_10_the_latest_trainer_rating_sets_the_level() -> None:
    """Example 10: Léa is rated 3 in June, then 2 in September."""
    quizzes = camille_mse01()
    june = [*quizzes, rating("MSE-01", 3, at(2025, 6, 5, 17))]
    september = [*june, rating("MSE-01", 2, at(2025, 9, 5, 17))]

    after_june = compute_level("MSE-01", june)
    assert (after_june.level, after_june.measured_level, after_june.rating) == (3, 2, 3)
    assert after_june.knowledge_score == 0.9204
    assert after_june.reasons[-1] == (
        "Trainer rating on 2025-06-05: level 3. "
        "It sets the level (the evidence alone gives level 2)."
    )

    after_september = compute_level("MSE-01", september)
    assert (after_september.level, after_september.measured_level) == (2, 2)
    assert after_september.rating == 2


def test_example_11_self_assessment_is_shown_and_never_counts() -> None:
    """Example 11: Léa positions herself at level 4 on MSE-01."""
    evidence = [*camille_mse01(), self_assessment("MSE-01", 4, at(2025, 3, 3, 9, 45))]

    result = compute_level("MSE-01", evidence)
    without = compute_level("MSE-01", camille_mse01())

    assert result.self_level == 4
    assert result.level == 2
    assert result.evidence_count == 5
    assert _measured(result) == _measured(without)
    assert result.reasons[-1] == (
        "Self-assessment: level 4. It is shown for information and never changes the level."
    )


def _measured(level: CompetencyLevel) -> tuple[object, ...]:
    return (
        level.level,
        level.measured_level,
        level.score,
        level.knowledge_score,
        level.applied_score,
        level.evidence_count,
        level.distinct_questions,
    )


def test_every_example_of_the_document_has_its_test() -> None:
    doc = Path(__file__).parents[3] / "docs" / "competency-model.md"
    numbers = re.findall(r"^### Example (\d+) ", doc.read_text(encoding="utf-8"), re.MULTILINE)
    tested = {name.split("_")[2] for name in globals() if name.startswith("test_example_")}

    assert numbers == [str(n) for n in range(1, len(numbers) + 1)]
    assert len(numbers) >= 8
    assert set(numbers) == tested
