"""A submitted attempt is final: submitting it again, even concurrently, records nothing more."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lms.extensions import db
from lms.models import Answer, Attempt, AttemptStatus, Evidence, ModuleProgress, QuestionSnapshot
from lms.models.base import utcnow
from lms.quiz import services
from tests.conftest import ON_POSTGRES
from tests.factories import bearer, make_user
from tests.integration.quiz.helpers import FULL, LIMITED, RIGHT_API, module_row

requires_postgres = pytest.mark.skipif(
    not ON_POSTGRES, reason="concurrent transactions need PostgreSQL (SQLite tests share one)"
)


def _counts() -> tuple[int, int, int]:
    db.session.expire_all()
    return tuple(  # type: ignore[return-value]
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Answer, Evidence, ModuleProgress)
    )


def _open_attempt(user_id: int) -> int:
    attempt = services.start_attempt(db.session(), user_id, module_row(FULL), "start-key", utcnow())
    return attempt.id


def test_submitting_twice_grades_once(quiz_course):
    user = make_user()
    attempt_id = _open_attempt(user.id)
    first = services.submit_attempt(
        db.session(), user.id, module_row(FULL), attempt_id, RIGHT_API, utcnow()
    )
    second = services.submit_attempt(
        db.session(), user.id, module_row(FULL), attempt_id, {}, utcnow()
    )
    assert (first.graded_now, second.graded_now) == (True, False)
    assert second.attempt.score == 1.0
    assert _counts() == (7, 8, 1)
    assert db.session.scalar(select(ModuleProgress.quiz_attempts)) == 1


def test_the_database_refuses_a_second_set_of_answers(quiz_course):
    """The backstop where no row lock exists: (attempt, question key) is unique."""
    user = make_user()
    attempt_id = _open_attempt(user.id)
    question = services.live_questions(db.session(), module_row(FULL).id)[0]
    # As if another transaction had already stored its answers but not yet the status.
    db.session.add(
        Answer(
            attempt_id=attempt_id,
            question_id=question.id,
            question_key=question.key,
            position=1,
            stored_snapshot=QuestionSnapshot(digest="test", snapshot={}),
            response=None,
            score=0,
            correct=False,
        )
    )
    db.session.commit()
    with pytest.raises(IntegrityError):
        services.submit_attempt(
            db.session(), user.id, module_row(FULL), attempt_id, RIGHT_API, utcnow()
        )
    assert _counts() == (1, 0, 1)  # the stray answer, no evidence, progress untouched
    assert db.session.get(Attempt, attempt_id).status == AttemptStatus.IN_PROGRESS
    assert db.session.scalar(select(ModuleProgress.quiz_attempts)) == 0


def test_someone_elses_attempt_cannot_be_submitted(quiz_course):
    owner, intruder = make_user(), make_user()
    attempt_id = _open_attempt(owner.id)
    with pytest.raises(services.AttemptNotFound):
        services.submit_attempt(
            db.session(), intruder.id, module_row(FULL), attempt_id, RIGHT_API, utcnow()
        )
    assert db.session.get(Attempt, attempt_id).status == AttemptStatus.IN_PROGRESS


def _in_threads(app, count: int, work) -> list:
    """Run `work(index)` in `count` threads released together; each has its own session."""
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list = []

    def run(index: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                results[index] = work(index)
            except Exception as error:  # reported below, in the test's thread
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


@requires_postgres
def test_concurrent_submissions_of_one_attempt_grade_it_once(app, quiz_course):
    user = make_user()
    attempt_id = _open_attempt(user.id)
    user_id = user.id
    db.session.commit()

    def submit(_: int) -> bool:
        module = services.find_module(db.session(), FULL)
        outcome = services.submit_attempt(
            db.session(), user_id, module, attempt_id, RIGHT_API, utcnow()
        )
        return outcome.graded_now

    graded = _in_threads(app, 6, submit)
    assert sorted(graded) == [False] * 5 + [True]
    assert _counts() == (7, 8, 1)
    progress = db.session.scalar(select(ModuleProgress))
    assert (progress.quiz_attempts, progress.quiz_failures) == (1, 0)


@requires_postgres
def test_concurrent_api_submissions_with_one_key_make_one_attempt(app, quiz_course):
    headers = bearer(make_user())
    body = {"answers": RIGHT_API, "idempotency_key": "same"}

    def post(_: int):
        response = app.test_client().post(
            f"/api/v1/modules/{FULL}/attempts", json=body, headers=headers
        )
        return response.status_code, response.json["id"]

    results = _in_threads(app, 6, post)
    assert sorted(status for status, _ in results) == [200] * 5 + [201]
    assert len({attempt_id for _, attempt_id in results}) == 1
    assert db.session.scalar(select(func.count(Attempt.id))) == 1
    assert _counts() == (7, 8, 1)


@requires_postgres
def test_concurrent_new_attempts_respect_the_waiting_time(app, quiz_course):
    headers = bearer(make_user())

    def post(index: int) -> int:
        body = {"answers": {}, "idempotency_key": f"key-{index}"}
        response = app.test_client().post(
            f"/api/v1/modules/{LIMITED}/attempts", json=body, headers=headers
        )
        return response.status_code

    statuses = _in_threads(app, 4, post)
    # One attempt starts the 60-minute wait; the others see it, whatever the timing.
    assert sorted(statuses) == [201, 409, 409, 409]
    assert db.session.scalar(select(func.count(Attempt.id))) == 1
