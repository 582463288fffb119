"""Quiz rules: who may start another attempt, how an attempt is scored, what it changes.

Pure functions, plain values in and out: no database, no request. The services
(lms.quiz.services) read the rows, ask these rules, and record the outcome.
Documented for learners and trainers in docs/quizzes.md.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

#: Scores and pass marks are compared at this precision (grading rounds to 4 decimals too).
SCORE_DECIMALS = 4


class RetakeRefusal(enum.StrEnum):
    """Why another attempt may not start now."""

    NO_ATTEMPTS_LEFT = "no_attempts_left"
    TOO_SOON = "too_soon"


@dataclass(frozen=True)
class RetakeDecision:
    """May the learner start an attempt now? If not, why, and from when (None: never)."""

    allowed: bool
    reason: RetakeRefusal | None = None
    next_allowed_at: datetime | None = None
    attempts_left: int | None = None  # None: unlimited


def retake_decision(
    *,
    attempts_started: int,
    last_submitted_at: datetime | None,
    max_attempts: int | None,
    retake_wait_minutes: int,
    now: datetime,
) -> RetakeDecision:
    """Whether a new attempt may start at `now`.

    Attempts count from the moment they start (an open, unsubmitted attempt counts:
    the learner resumes it instead of starting another). `max_attempts` None means
    unlimited; the wait runs from the last submission, and at exactly the end of the
    wait the learner may start again.
    """
    attempts_left = None if max_attempts is None else max(0, max_attempts - attempts_started)
    if attempts_left == 0:
        return RetakeDecision(False, RetakeRefusal.NO_ATTEMPTS_LEFT, None, 0)
    if retake_wait_minutes > 0 and last_submitted_at is not None:
        next_allowed_at = last_submitted_at + timedelta(minutes=retake_wait_minutes)
        if now < next_allowed_at:
            return RetakeDecision(False, RetakeRefusal.TOO_SOON, next_allowed_at, attempts_left)
    return RetakeDecision(True, None, None, attempts_left)


def attempt_score(question_scores: Sequence[float]) -> float:
    """The attempt's score, 0..1: the plain mean of its question scores.

    Every question counts the same, whatever its competency weights (those weigh the
    evidence in the profile, not the quiz score). A quiz without questions scores 0.
    """
    if not question_scores:
        return 0.0
    return round(sum(question_scores) / len(question_scores), SCORE_DECIMALS)


def is_passed(score: float, pass_mark: float) -> bool:
    """Passed when the score reaches the pass mark (0.7 passes a 0.7 pass mark)."""
    return round(score, SCORE_DECIMALS) >= round(pass_mark, SCORE_DECIMALS)


@dataclass(frozen=True)
class QuizSummary:
    """The quiz part of a learner's module progress."""

    attempts: int = 0  # submitted attempts
    failures: int = 0
    best_score: float | None = None
    passed_at: datetime | None = None  # when the quiz was first passed


def summary_after_attempt(
    summary: QuizSummary, *, score: float, passed: bool, submitted_at: datetime
) -> QuizSummary:
    """The summary once one more attempt is submitted.

    The best score only rises; `passed_at` keeps the first pass (a later failed retake
    does not "unpass" the quiz).
    """
    best = score if summary.best_score is None else max(summary.best_score, score)
    passed_at = summary.passed_at
    if passed and (passed_at is None or submitted_at < passed_at):
        passed_at = submitted_at
    return replace(
        summary,
        attempts=summary.attempts + 1,
        failures=summary.failures + (0 if passed else 1),
        best_score=best,
        passed_at=passed_at,
    )
