"""record_review: the service the trainers' review page calls; evidence and the profile."""

from __future__ import annotations

import pytest

from lms.extensions import db
from lms.models import (
    Competency,
    CompetencyState,
    Evidence,
    EvidenceSource,
    PracticeReview,
    ReviewDecision,
    SubmissionStatus,
)
from lms.practice import services
from lms.practice.services import PracticeError
from tests.integration.practice.helpers import post_work, practice_status, submissions


def _level(user_id: int, code: str) -> int | None:
    db.session.expire_all()
    return db.session.scalar(
        db.select(CompetencyState.level)
        .join(Competency, CompetencyState.competency_id == Competency.id)
        .where(CompetencyState.user_id == user_id, Competency.code == code)
    )


def _submitted(client, learner):
    post_work(client, "Ma cartographie.", submit=True)
    return submissions(learner.id)[-1]


def test_an_excellent_review_records_evidence_that_lifts_the_competency_to_level_3(
    learner, trainer, client
):
    work = _submitted(client, learner)
    submitted_at = work.submitted_at
    assert _level(learner.id, "TST-02") is None

    review = services.record_review(
        db.session, work, trainer, [4], ReviewDecision.ACCEPTED, "Très **complet**."
    )

    assert review.score == 1.0
    assert review.criteria == [{"criterion": "Exhaustivité", "level": 4}]
    assert review.feedback_html == "<p>Très <strong>complet</strong>.</p>"
    [evidence] = db.session.scalars(db.select(Evidence)).all()
    assert evidence.source == EvidenceSource.PRACTICE
    assert evidence.competency.code == "TST-02"  # the practice's competencies only
    assert evidence.score == 1.0
    assert evidence.key == "premier-module"
    assert evidence.occurred_at == submitted_at  # when the learner did the work
    assert evidence.review_id == review.id
    assert evidence.recorded_by_id == trainer.id
    assert evidence.module_id == work.module_id
    # Practical work alone at 1.0 >= 0.75 (applied_alone_threshold): level 3.
    assert _level(learner.id, "TST-02") == 3
    assert submissions(learner.id)[0].status == SubmissionStatus.ACCEPTED
    assert practice_status(learner.id) == "accepted"


def test_a_weaker_review_is_evidence_too_but_does_not_reach_level_3_alone(learner, trainer, client):
    work = _submitted(client, learner)
    review = services.record_review(db.session, work, trainer, [3], ReviewDecision.ACCEPTED, "")
    assert review.score == pytest.approx(2 / 3)
    # 0.667 < 0.75 without level-2 knowledge: the work counts, at level 1.
    assert _level(learner.id, "TST-02") == 1


def test_needs_revision_then_a_better_version_raises_the_level(learner, trainer, client):
    work = _submitted(client, learner)
    services.record_review(db.session, work, trainer, [2], ReviewDecision.NEEDS_REVISION, "")
    assert practice_status(learner.id) == "needs_revision"
    assert _level(learner.id, "TST-02") == 1

    post_work(client, "Ma cartographie complétée.", submit=True)
    second = submissions(learner.id)[-1]
    assert second.version == 2
    services.record_review(db.session, second, trainer, [4], ReviewDecision.ACCEPTED, "")
    # Decaying average 0.65 * 1.0 + 0.35 * 0.333 = 0.77 >= 0.75: level 3.
    assert _level(learner.id, "TST-02") == 3
    assert db.session.scalar(db.select(db.func.count(Evidence.id))) == 2


@pytest.mark.parametrize("levels", [[], [4, 4], [0], [5]])
def test_levels_that_do_not_fit_the_rubric_record_nothing(learner, trainer, client, levels):
    work = _submitted(client, learner)
    with pytest.raises(PracticeError) as raised:
        services.record_review(db.session, work, trainer, levels, ReviewDecision.ACCEPTED, "")
    assert raised.value.code == "rubric"
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count(PracticeReview.id))) == 0
    assert db.session.scalar(db.select(db.func.count(Evidence.id))) == 0
    assert submissions(learner.id)[0].status == SubmissionStatus.SUBMITTED
    assert practice_status(learner.id) == "submitted"


def test_only_submitted_work_can_be_reviewed(learner, trainer, client):
    post_work(client, "Brouillon.")
    draft = submissions(learner.id)[0]
    with pytest.raises(PracticeError) as raised:
        services.record_review(db.session, draft, trainer, [4], ReviewDecision.ACCEPTED, "")
    assert raised.value.code == "not_submitted"

    post_work(client, "Rendu.", submit=True)
    work = submissions(learner.id)[0]
    services.record_review(db.session, work, trainer, [4], ReviewDecision.ACCEPTED, "")
    with pytest.raises(PracticeError):  # reviewed once: not again
        services.record_review(db.session, work, trainer, [1], ReviewDecision.ACCEPTED, "")
    assert db.session.scalar(db.select(db.func.count(PracticeReview.id))) == 1


def test_hostile_feedback_is_sanitised(learner, trainer, client):
    work = _submitted(client, learner)
    review = services.record_review(
        db.session,
        work,
        trainer,
        [3],
        ReviewDecision.NEEDS_REVISION,
        "<script>alert(1)</script> [voir](javascript:alert(1))",
    )
    assert "<script" not in review.feedback_html
    assert "javascript:" not in review.feedback_html


def test_viewing_rule_owner_and_admins_only_for_now(learner, trainer, client):
    from lms.models import Role
    from tests.factories import make_user

    work = _submitted(client, learner)
    assert services.can_view_submission(learner, work)
    assert services.can_view_submission(make_user(Role.ADMIN), work)
    assert not services.can_view_submission(trainer, work)  # until cohorts extends the rule
    assert not services.can_view_submission(make_user(Role.ORG_ADMIN), work)
    assert not services.can_view_submission(make_user(Role.LEARNER), work)
