"""The pure certification rules: eligibility with reasons, validity dates, statuses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lms.certification.rules import (
    NEARLY_ELIGIBLE_MAX_GAP,
    Bucket,
    CertificateStatus,
    CompetencyTarget,
    DisplayStatus,
    IssueBlocker,
    LearnerRecord,
    ModuleRecord,
    ModuleTarget,
    ProgrammeTargets,
    RenewalState,
    UnmetKind,
    add_months,
    certificate_status,
    check_eligibility,
    classify_member,
    competency_gaps,
    display_status,
    expiry_for,
    issue_blocker,
    renewal_opens_at,
    renewal_state,
)

TARGETS = ProgrammeTargets(
    competencies=(
        CompetencyTarget("MSE-01", "Connaître les piliers", 2),
        CompetencyTarget("MSE-02", "Diagnostiquer", 3),
    ),
    modules=(
        ModuleTarget("premier-module", "Premier module", require_quiz=True, require_practice=True),
        ModuleTarget("second-module", "Second module", require_quiz=True, require_practice=False),
    ),
)
DONE = ModuleRecord(quiz_passed=True, practice_accepted=True)


def record(levels=None, modules=None) -> LearnerRecord:
    return LearnerRecord(levels or {}, modules or {})


def test_a_learner_meeting_every_requirement_is_eligible():
    result = check_eligibility(
        TARGETS,
        record({"MSE-01": 2, "MSE-02": 4}, {"premier-module": DONE, "second-module": DONE}),
    )
    assert result.eligible
    assert result.unmet == ()
    assert (result.met, result.total) == (5, 5)


def test_each_unmet_requirement_says_why():
    result = check_eligibility(
        TARGETS,
        record(
            {"MSE-01": 1},
            {"premier-module": ModuleRecord(quiz_passed=True, practice_accepted=False)},
        ),
    )
    assert not result.eligible
    reasons = [(u.kind, u.code, u.required_level, u.current_level) for u in result.unmet]
    assert reasons == [
        (UnmetKind.COMPETENCY, "MSE-01", 2, 1),
        (UnmetKind.COMPETENCY, "MSE-02", 3, 0),  # no level yet counts as 0
        (UnmetKind.PRACTICE, "premier-module", None, None),
        (UnmetKind.QUIZ, "second-module", None, None),
    ]
    assert result.met == 1
    assert result.gap == 1 + 3 + 1 + 1


def test_a_level_above_the_minimum_meets_it():
    targets = ProgrammeTargets(competencies=(CompetencyTarget("MSE-01", "x", 2),))
    assert check_eligibility(targets, record({"MSE-01": 4})).eligible


def test_a_module_step_that_is_not_required_is_ignored():
    targets = ProgrammeTargets(modules=(ModuleTarget("m", "M", True, False),))
    passed = ModuleRecord(quiz_passed=True, practice_accepted=False)
    assert check_eligibility(targets, record(modules={"m": passed})).eligible


@pytest.mark.parametrize(
    ("levels", "nearly"),
    [
        ({"MSE-01": 2, "MSE-02": 2}, True),  # one level missing
        ({"MSE-01": 2, "MSE-02": 1}, True),  # two levels missing
        ({"MSE-01": 1, "MSE-02": 1}, False),  # three
        ({"MSE-01": 2, "MSE-02": 3}, False),  # eligible is not "nearly"
    ],
)
def test_nearly_eligible_means_at_most_two_steps_away(levels, nearly):
    targets = ProgrammeTargets(competencies=TARGETS.competencies)
    assert NEARLY_ELIGIBLE_MAX_GAP == 2
    assert check_eligibility(targets, record(levels)).nearly_eligible is nearly


def test_competency_gaps_for_the_staff_view():
    assert competency_gaps(TARGETS.competencies, {"MSE-01": 3, "MSE-02": 1}) == {
        "MSE-01": 0,
        "MSE-02": 2,
    }


# --- Dates ---------------------------------------------------------------------------------

T = datetime(2025, 1, 31, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (T, 1, datetime(2025, 2, 28, 9, 30, tzinfo=UTC)),  # the 31st becomes the month's end
        (T, 12, datetime(2026, 1, 31, 9, 30, tzinfo=UTC)),
        (datetime(2024, 2, 29, tzinfo=UTC), 12, datetime(2025, 2, 28, tzinfo=UTC)),
        (datetime(2025, 11, 15, tzinfo=UTC), 3, datetime(2026, 2, 15, tzinfo=UTC)),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


def test_no_validity_means_no_expiry():
    assert expiry_for(T, None) is None
    assert renewal_opens_at(None, 30) is None


def test_first_certification_counts_from_completion():
    assert expiry_for(T, 12) == datetime(2026, 1, 31, 9, 30, tzinfo=UTC)


def test_early_recertification_counts_from_previous_expiry_when_the_programme_says_so():
    previous = datetime(2025, 3, 1, tzinfo=UTC)  # still valid when recertifying on T
    assert expiry_for(T, 12, previous_expires_at=previous, from_previous_expiry=True) == (
        datetime(2026, 3, 1, tzinfo=UTC)
    )
    assert expiry_for(T, 12, previous_expires_at=previous, from_previous_expiry=False) == (
        datetime(2026, 1, 31, 9, 30, tzinfo=UTC)
    )


def test_late_recertification_counts_from_completion_whatever_the_setting():
    lapsed = datetime(2024, 12, 1, tzinfo=UTC)
    assert expiry_for(T, 12, previous_expires_at=lapsed, from_previous_expiry=True) == (
        datetime(2026, 1, 31, 9, 30, tzinfo=UTC)
    )


def test_renewal_window_opens_before_expiry():
    assert renewal_opens_at(T, 30) == T - timedelta(days=30)
    assert renewal_opens_at(T, 0) == T


# --- Statuses ------------------------------------------------------------------------------

NOW = datetime(2025, 6, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("revoked_at", "expires_at", "status"),
    [
        (None, None, CertificateStatus.VALID),
        (None, NOW + timedelta(seconds=1), CertificateStatus.VALID),
        (None, NOW, CertificateStatus.EXPIRED),  # expired from the expiry instant on
        (NOW - timedelta(days=1), NOW + timedelta(days=9), CertificateStatus.REVOKED),
        (NOW - timedelta(days=1), NOW - timedelta(days=9), CertificateStatus.REVOKED),
    ],
)
def test_certificate_status(revoked_at, expires_at, status):
    assert certificate_status(revoked_at, expires_at, NOW) == status


@pytest.mark.parametrize(
    ("status", "opens_at", "state"),
    [
        (CertificateStatus.VALID, None, RenewalState.NOT_DUE),
        (CertificateStatus.VALID, NOW + timedelta(days=1), RenewalState.NOT_DUE),
        (CertificateStatus.VALID, NOW, RenewalState.OPEN),
        (CertificateStatus.EXPIRED, NOW - timedelta(days=40), RenewalState.LAPSED),
        (CertificateStatus.REVOKED, NOW - timedelta(days=40), RenewalState.CLOSED),
    ],
)
def test_renewal_state(status, opens_at, state):
    assert renewal_state(status, opens_at, NOW) == state


@pytest.mark.parametrize(
    ("status", "renewal", "shown"),
    [
        (CertificateStatus.VALID, RenewalState.NOT_DUE, DisplayStatus.VALID),
        (CertificateStatus.VALID, RenewalState.OPEN, DisplayStatus.EXPIRING),
        (CertificateStatus.EXPIRED, RenewalState.LAPSED, DisplayStatus.EXPIRED),
        (CertificateStatus.REVOKED, RenewalState.CLOSED, DisplayStatus.REVOKED),
    ],
)
def test_display_status(status, renewal, shown):
    assert display_status(status, renewal) == shown


@pytest.mark.parametrize(
    ("eligible", "active", "renewal", "automatic", "blocker"),
    [
        (True, True, None, True, None),  # first certificate
        (False, True, None, False, IssueBlocker.NOT_ELIGIBLE),
        (True, False, None, False, IssueBlocker.INACTIVE_PROGRAMME),
        (True, True, RenewalState.NOT_DUE, False, IssueBlocker.ALREADY_CERTIFIED),
        (True, True, RenewalState.OPEN, True, None),  # recertification in the window
        (False, True, RenewalState.OPEN, False, IssueBlocker.NOT_ELIGIBLE),
        (True, True, RenewalState.LAPSED, True, None),  # recertification after expiry
        (True, True, RenewalState.CLOSED, False, None),  # an admin may re-issue after revoking
        (True, True, RenewalState.CLOSED, True, IssueBlocker.REVOKED),  # the sweep may not
    ],
)
def test_issue_blocker(eligible, active, renewal, automatic, blocker):
    assert (
        issue_blocker(
            eligible=eligible,
            programme_active=active,
            current_renewal=renewal,
            automatic=automatic,
        )
        == blocker
    )


def test_classify_member():
    eligible = check_eligibility(ProgrammeTargets(), record())
    one_step = check_eligibility(
        ProgrammeTargets(competencies=(CompetencyTarget("A", "a", 2),)), record({"A": 1})
    )
    far = check_eligibility(
        ProgrammeTargets(competencies=(CompetencyTarget("A", "a", 4),)), record({"A": 0})
    )
    assert classify_member(eligible, RenewalState.OPEN) == Bucket.RENEWAL_DUE
    assert classify_member(far, RenewalState.LAPSED) == Bucket.RENEWAL_DUE
    assert classify_member(far, RenewalState.NOT_DUE) == Bucket.CERTIFIED
    assert classify_member(eligible, None) == Bucket.ELIGIBLE
    assert classify_member(eligible, RenewalState.CLOSED) == Bucket.ELIGIBLE  # after revocation
    assert classify_member(one_step, None) == Bucket.NEARLY
    assert classify_member(far, None) == Bucket.IN_PROGRESS
