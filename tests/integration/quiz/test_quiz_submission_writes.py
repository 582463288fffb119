"""What a submission writes without the session's flush: the attempt, the progress row and
the xAPI statements, each exactly once, and what the session holds stays true."""

from __future__ import annotations

import json
from collections import Counter

from sqlalchemy import func, select

from lms.extensions import db
from lms.learning.progress import module_progress
from lms.models import Answer, AttemptStatus, Module, Question, QuestionSnapshot, XapiStatement
from lms.models.base import utcnow
from lms.quiz import services
from tests.factories import bearer, make_user
from tests.integration.quiz.helpers import FULL, RIGHT_API

URL = f"/api/v1/modules/{FULL}/attempts"


def _verbs(user_id: int) -> Counter[str]:
    rows = db.session.scalars(select(XapiStatement).where(XapiStatement.user_id == user_id))
    return Counter(row.verb for row in rows)


def test_an_open_attempt_submitted_writes_each_statement_once(quiz_course):
    learner = make_user()
    module = services.find_module(db.session(), FULL)
    assert module is not None
    attempt = services.start_attempt(db.session(), learner.id, module, "k", utcnow())
    outcome = services.submit_attempt(
        db.session(), learner.id, module, attempt.id, RIGHT_API, utcnow()
    )
    assert outcome.graded_now
    # The object the session held reads what was written.
    assert (attempt.status, attempt.score, attempt.passed) == (AttemptStatus.SUBMITTED, 1.0, True)
    assert _verbs(learner.id) == {"passed": 1, "answered": 7}
    again = services.submit_attempt(
        db.session(), learner.id, module, attempt.id, RIGHT_API, utcnow()
    )
    assert not again.graded_now
    assert _verbs(learner.id) == {"passed": 1, "answered": 7}


def test_the_progress_row_held_by_the_session_reads_the_new_summary(quiz_course):
    learner = make_user()
    progress = module_progress(db.session(), learner.id, _module_id(FULL))
    db.session.commit()
    assert progress.quiz_attempts == 0
    module = services.find_quiz_module(db.session(), FULL)
    assert module is not None
    services.submit_new_attempt(db.session(), learner.id, module, "k", {}, utcnow())
    assert (progress.quiz_attempts, progress.quiz_failures) == (1, 1)
    assert progress.quiz_best_score == 0.0 and progress.quiz_passed_at is None


def test_a_retired_module_refuses_submissions(quiz_course, client):
    db.session.scalars(select(Module).where(Module.slug == FULL)).one().retired_at = utcnow()
    db.session.commit()
    response = client.post(
        URL, json={"answers": RIGHT_API, "idempotency_key": "k"}, headers=bearer(make_user())
    )
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_the_api_answers_the_same_body_to_a_retry(quiz_course, client):
    headers = bearer(make_user())
    first = client.post(URL, json={"answers": RIGHT_API, "idempotency_key": "k"}, headers=headers)
    again = client.post(URL, json={"answers": {}, "idempotency_key": "k"}, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.mimetype == again.mimetype == "application/json"
    assert first.json == again.json
    # The snapshots, serialised once per copy of the quiz, are stored as JSON objects.
    snapshot = db.session.scalars(
        select(QuestionSnapshot.snapshot)
        .join(Answer, Answer.snapshot_id == QuestionSnapshot.id)
        .where(Answer.question_key == "pilier-financier")
    ).one()
    assert snapshot["key"] == "pilier-financier" and snapshot["definition"]["type"] == "single"


def _module_id(slug: str) -> int:
    module = services.find_module(db.session(), slug)
    assert module is not None
    return module.id


def test_answers_to_the_same_questions_share_their_snapshots(quiz_course, client):
    """Each question's snapshot is stored once, however many learners answer it."""
    for learner in (make_user(), make_user()):
        response = client.post(
            URL, json={"answers": RIGHT_API, "idempotency_key": "k"}, headers=bearer(learner)
        )
        assert response.status_code == 201
    answers = db.session.scalars(select(Answer)).all()
    assert len(answers) == 14  # 7 questions, 2 learners
    assert len({answer.snapshot_id for answer in answers}) == 7
    stored = db.session.scalars(select(QuestionSnapshot)).all()
    assert len(stored) == 7
    assert {row.digest for row in stored} == {
        services.snapshot_digest(json.dumps(row.snapshot)) for row in stored
    }
    # Each answer still reads its own question.
    assert all(answer.snapshot["key"] == answer.question_key for answer in answers)


def test_an_edited_question_gets_a_new_snapshot_and_old_answers_keep_theirs(quiz_course):
    first, second = make_user(), make_user()
    module = services.find_quiz_module(db.session(), FULL)
    assert module is not None
    services.submit_new_attempt(db.session(), first.id, module, "k", RIGHT_API, utcnow())
    question = db.session.scalars(select(Question).where(Question.key == "pilier-financier")).one()
    old_prompt = question.rendered["prompt"]
    question.rendered = {**question.rendered, "prompt": "<p>Nouvelle formulation</p>"}
    db.session.commit()
    services.submit_new_attempt(db.session(), second.id, module, "k", RIGHT_API, utcnow())
    prompts = {
        answer.attempt.user_id: answer.snapshot["rendered"]["prompt"]
        for answer in db.session.scalars(
            select(Answer).where(Answer.question_key == "pilier-financier")
        )
    }
    assert prompts == {first.id: old_prompt, second.id: "<p>Nouvelle formulation</p>"}
    assert db.session.scalar(select(func.count(QuestionSnapshot.id))) == 8
