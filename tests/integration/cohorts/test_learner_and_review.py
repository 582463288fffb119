"""A trainer opens one learner, reviews practical work, rates a competency."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from lms.extensions import db
from lms.models import (
    AuditEvent,
    CompetencyState,
    Evidence,
    EvidenceSource,
    ModuleProgress,
    PracticeReview,
    PracticeSubmission,
    SubmissionStatus,
)
from tests.conftest import csrf_token
from tests.factories import enrol
from tests.integration.cohorts.helpers import (
    days_ago,
    make_world,
    read_all,
    submit_work,
    take_quiz,
)


def _level(user_id, code):
    db.session.expire_all()
    return db.session.scalar(
        select(CompetencyState.level)
        .join(CompetencyState.competency)
        .where(CompetencyState.user_id == user_id, CompetencyState.competency.has(code=code))
    )


def _review(client, submission_id, *, levels, decision="accepted", feedback=""):
    path = f"/review/{submission_id}"
    data = {"csrf_token": csrf_token(client, path), "decision": decision, "feedback": feedback}
    for index, level in enumerate(levels):
        if level is not None:
            data[f"criterion-{index}"] = str(level)
    return client.post(path, data=data)


def test_the_learner_page_shows_progress_attempts_profile_and_work(course, client, auth):
    world = make_world(learners=1)
    learner = world.learners[0]
    read_all(learner)
    take_quiz(learner, right=False, key="first", at=days_ago(1))
    take_quiz(learner, right=True, key="second")
    submit_work(learner)
    auth.login(world.trainer.email)
    page = client.get(f"/cohorts/{world.cohort.id}/learners/{learner.id}").get_data(as_text=True)
    assert learner.email in page
    assert "2/2" in page  # sections read
    assert page.count("/attempts/") == 2
    assert "TST-01" in page and "TST-02" in page  # the profile
    assert "/review/" in page  # the practical work, to review
    attempt = page[page.index("/attempts/") :].split('"')[0]
    answers = client.get(f"/cohorts/{world.cohort.id}/learners/{learner.id}{attempt}")
    text = answers.get_data(as_text=True)
    assert answers.status_code == 200 and "trois" in text  # the questions and the answers given
    evidence = client.get(f"/cohorts/{world.cohort.id}/learners/{learner.id}/competencies/TST-01")
    assert evidence.status_code == 200 and "TST-01" in evidence.get_data(as_text=True)


def test_only_learners_of_the_cohort_can_be_opened(course, client, auth):
    world = make_world(learners=1)
    outsider = world.other_trainer
    take_quiz(world.learners[0])
    auth.login(world.trainer.email)
    base = f"/cohorts/{world.cohort.id}/learners"
    assert client.get(f"{base}/{outsider.id}").status_code == 404  # a trainer, not a learner
    assert client.get(f"{base}/999999").status_code == 404
    assert client.get(f"{base}/{world.learners[0].id}/attempts/999999").status_code == 404
    assert client.get(f"{base}/{world.learners[0].id}/competencies/NOPE").status_code == 404


def test_the_queue_lists_the_work_of_my_cohorts_oldest_first(course, client, auth):
    world = make_world(learners=2)
    first, second = world.learners
    stranger = world.other_trainer  # trains cohort B; give it a learner with work
    from tests.factories import make_user

    other_learner = make_user(email="b1@example.org", org=world.org, name="Bea B")
    enrol(world.other_cohort, other_learner)
    submit_work(second)
    submit_work(first)
    submit_work(other_learner)
    auth.login(world.trainer.email)
    queue = client.get("/review").get_data(as_text=True)
    assert queue.index("Learner 02") < queue.index("Learner 01")
    assert "Bea B" not in queue
    auth.logout()
    auth.login(stranger.email)
    queue = client.get("/review").get_data(as_text=True)
    assert "Bea B" in queue and "Learner 01" not in queue
    auth.logout()
    auth.login(world.org_admin.email)
    queue = client.get("/review").get_data(as_text=True)
    assert "Bea B" in queue and "Learner 01" in queue
    only_a = client.get(f"/review?cohort={world.cohort.id}").get_data(as_text=True)
    assert "Bea B" not in only_a


def test_an_accepted_review_lifts_the_competency_to_level_three(course, client, auth):
    world = make_world(learners=1)
    learner = world.learners[0]
    read_all(learner)
    submission = submit_work(learner)
    assert _level(learner.id, "TST-02") == 1  # lessons alone
    auth.login(world.trainer.email)
    page = client.get(f"/review/{submission.id}").get_data(as_text=True)
    assert "Exhaustivité" in page and "Excellent" in page  # the rubric, with its descriptors
    response = _review(
        client,
        submission.id,
        levels=[4],
        feedback="Très **bien**. <script>alert(1)</script>",
    )
    assert response.status_code == 302
    db.session.expire_all()
    review = db.session.scalar(select(PracticeReview))
    assert review.score == 1.0 and review.reviewer_id == world.trainer.id
    assert "<strong>bien</strong>" in review.feedback_html and "<script" not in review.feedback_html
    assert db.session.get(PracticeSubmission, submission.id).status == SubmissionStatus.ACCEPTED
    assert db.session.scalar(select(ModuleProgress.practice_status)) == "accepted"
    sources = db.session.scalars(select(Evidence.source).where(Evidence.review_id == review.id))
    assert list(sources) == [EvidenceSource.PRACTICE]
    assert _level(learner.id, "TST-02") == 3
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "practice.reviewed"))
    assert audit.target_id == str(learner.id) and audit.details["levels"] == [4]
    # Reviewed work leaves the queue and cannot be reviewed twice.
    assert f"/review/{submission.id}" not in client.get("/review").get_data(as_text=True)
    assert _review(client, submission.id, levels=[4]).status_code == 409
    assert db.session.scalar(select(func.count()).select_from(PracticeReview)) == 1


def test_asking_for_a_new_version(course, client, auth):
    world = make_world(learners=1)
    submission = submit_work(world.learners[0])
    auth.login(world.trainer.email)
    _review(client, submission.id, levels=[1], decision="needs_revision", feedback="À reprendre.")
    db.session.expire_all()
    assert (
        db.session.get(PracticeSubmission, submission.id).status == SubmissionStatus.NEEDS_REVISION
    )


def test_an_incomplete_review_records_nothing(course, client, auth):
    world = make_world(learners=1)
    submission = submit_work(world.learners[0])
    auth.login(world.trainer.email)
    missing_level = _review(client, submission.id, levels=[None])
    assert missing_level.status_code == 422
    bad_level = _review(client, submission.id, levels=[7])
    assert bad_level.status_code == 422
    no_decision = _review(client, submission.id, levels=[3], decision="")
    assert no_decision.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(PracticeReview)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Evidence)
            .where(Evidence.source == EvidenceSource.PRACTICE)
        )
        == 0
    )


def test_reviews_are_for_the_learners_trainers_only(course, client, auth):
    world = make_world(learners=1)
    submission = submit_work(world.learners[0])
    for user in (world.other_trainer, world.foreign_admin):
        auth.login(user.email)
        assert client.get(f"/review/{submission.id}").status_code == 403
        assert _review(client, submission.id, levels=[4]).status_code == 403
        auth.logout()
    assert db.session.scalar(select(func.count()).select_from(PracticeReview)) == 0
    auth.login(world.org_admin.email)
    assert client.get(f"/review/{submission.id}").status_code == 200


def test_a_trainer_rates_a_competency_with_a_justification(course, client, auth):
    world = make_world(learners=1)
    learner = world.learners[0]
    auth.login(world.trainer.email)
    path = f"/cohorts/{world.cohort.id}/learners/{learner.id}/rate"
    page = client.get(f"{path}?code=TST-01").get_data(as_text=True)
    assert re.search(r'<option (selected value="TST-01"|value="TST-01" selected)', page)
    no_reason = client.post(
        path, data={"csrf_token": csrf_token(client, path), "competency": "TST-01", "level": "3"}
    )
    assert no_reason.status_code == 422
    unknown = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "competency": "XXX-99",
            "level": "3",
            "justification": "Vu en atelier.",
        },
    )
    assert unknown.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Evidence)) == 0
    response = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "competency": "TST-01",
            "level": "3",
            "justification": "Animé l'atelier de cartographie avec aisance.",
        },
    )
    assert response.status_code == 302
    evidence = db.session.scalar(select(Evidence))
    assert evidence.source == EvidenceSource.RATING and evidence.level == 3
    assert evidence.recorded_by_id == world.trainer.id and "atelier" in evidence.note
    assert _level(learner.id, "TST-01") == 3
    audit = db.session.scalar(select(AuditEvent))
    assert (audit.action, audit.target_id, audit.organisation_id) == (
        "competency.rated",
        str(learner.id),
        world.org.id,
    )
    assert audit.details["competency"] == "TST-01"
