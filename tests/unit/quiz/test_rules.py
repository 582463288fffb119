"""The quiz rules: retake eligibility, attempt score, pass or fail, the progress summary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lms.quiz.rules import (
    QuizSummary,
    RetakeDecision,
    RetakeRefusal,
    attempt_score,
    is_passed,
    retake_decision,
    summary_after_attempt,
)

NOW = datetime(2025, 3, 10, 14, 0, tzinfo=UTC)


def decide(**overrides) -> RetakeDecision:
    values = {
        "attempts_started": 0,
        "last_submitted_at": None,
        "max_attempts": None,
        "retake_wait_minutes": 0,
        "now": NOW,
    }
    return retake_decision(**{**values, **overrides})


class TestRetakeDecision:
    def test_first_attempt_is_allowed(self):
        assert decide() == RetakeDecision(True, None, None, None)

    def test_unlimited_by_default(self):
        decision = decide(attempts_started=50, last_submitted_at=NOW - timedelta(seconds=1))
        assert decision.allowed and decision.attempts_left is None

    @pytest.mark.parametrize(("started", "left"), [(0, 3), (1, 2), (2, 1)])
    def test_attempts_left_under_the_limit(self, started, left):
        decision = decide(attempts_started=started, max_attempts=3)
        assert decision.allowed and decision.attempts_left == left

    @pytest.mark.parametrize("started", [3, 4])
    def test_no_attempt_left_at_the_limit(self, started):
        decision = decide(attempts_started=started, max_attempts=3, retake_wait_minutes=30)
        assert decision == RetakeDecision(False, RetakeRefusal.NO_ATTEMPTS_LEFT, None, 0)

    def test_waiting_time_runs_from_the_last_submission(self):
        last = NOW - timedelta(minutes=20)
        decision = decide(attempts_started=1, last_submitted_at=last, retake_wait_minutes=30)
        assert not decision.allowed
        assert decision.reason == RetakeRefusal.TOO_SOON
        assert decision.next_allowed_at == last + timedelta(minutes=30)

    def test_allowed_exactly_when_the_wait_ends(self):
        last = NOW - timedelta(minutes=30)
        assert decide(attempts_started=1, last_submitted_at=last, retake_wait_minutes=30).allowed
        almost = NOW - timedelta(minutes=30) + timedelta(seconds=1)
        assert not decide(
            attempts_started=1, last_submitted_at=almost, retake_wait_minutes=30
        ).allowed

    def test_the_wait_tells_how_many_attempts_remain(self):
        decision = decide(
            attempts_started=1,
            last_submitted_at=NOW,
            max_attempts=3,
            retake_wait_minutes=10,
        )
        assert (decision.allowed, decision.attempts_left) == (False, 2)

    def test_no_wait_before_the_first_submission(self):
        # An attempt started but never submitted does not start the clock.
        assert decide(attempts_started=1, retake_wait_minutes=60).allowed


class TestScore:
    def test_plain_mean_of_question_scores(self):
        assert attempt_score([1, 0.5, 0, 1]) == 0.625

    def test_rounded_to_four_decimals(self):
        assert attempt_score([1, 0, 0]) == 0.3333
        assert attempt_score([1, 1, 0]) == 0.6667

    def test_no_questions_scores_zero(self):
        assert attempt_score([]) == 0.0

    @pytest.mark.parametrize(
        ("score", "pass_mark", "passed"),
        [(0.7, 0.7, True), (0.6999, 0.7, False), (1.0, 1.0, True), (0.0, 0.5, False)],
    )
    def test_pass_mark_is_at_least(self, score, pass_mark, passed):
        assert is_passed(score, pass_mark) is passed

    def test_floating_point_noise_does_not_fail_a_pass(self):
        # 7 right out of 10 computed as a float sum, 0.7000000000000001 or 0.6999999999999999.
        assert is_passed(sum([0.1] * 7), 0.7)


class TestSummary:
    def test_first_failed_attempt(self):
        summary = summary_after_attempt(QuizSummary(), score=0.4, passed=False, submitted_at=NOW)
        assert summary == QuizSummary(attempts=1, failures=1, best_score=0.4, passed_at=None)

    def test_pass_after_a_failure(self):
        before = QuizSummary(attempts=1, failures=1, best_score=0.4)
        summary = summary_after_attempt(before, score=0.9, passed=True, submitted_at=NOW)
        assert summary == QuizSummary(attempts=2, failures=1, best_score=0.9, passed_at=NOW)

    def test_a_worse_retake_keeps_the_best_score_and_the_first_pass(self):
        before = QuizSummary(attempts=2, failures=1, best_score=0.9, passed_at=NOW)
        later = NOW + timedelta(days=1)
        summary = summary_after_attempt(before, score=0.3, passed=False, submitted_at=later)
        assert summary == QuizSummary(attempts=3, failures=2, best_score=0.9, passed_at=NOW)

    def test_a_second_pass_keeps_the_first_pass_time(self):
        before = QuizSummary(attempts=1, failures=0, best_score=0.8, passed_at=NOW)
        later = NOW + timedelta(hours=2)
        summary = summary_after_attempt(before, score=1.0, passed=True, submitted_at=later)
        assert (summary.best_score, summary.passed_at) == (1.0, NOW)
