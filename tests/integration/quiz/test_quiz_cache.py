"""Submissions grade against each process's copy of the quiz: never against a stale one.

A change to a question in this process drops the copy at once; a release loaded by another
process is noticed within lms.content.cache.REVISION_CHECK_SECONDS.
"""

from __future__ import annotations

import json

from sqlalchemy import select, text

from lms.content import cache as content_cache
from lms.extensions import db
from lms.models import Question
from tests.factories import bearer, make_user
from tests.integration.quiz.helpers import FULL, RIGHT_API

URL = f"/api/v1/modules/{FULL}/attempts"


def _single_choice_score(client, headers, key: str) -> float:
    response = client.post(
        URL, json={"answers": RIGHT_API, "idempotency_key": key}, headers=headers
    )
    assert response.status_code == 201, response.json
    return next(q["score"] for q in response.json["questions"] if q["id"] == "pilier-financier")


def _definition_with_other_answer() -> tuple[Question, dict]:
    """The single-choice question, and its definition with "humain" as the right choice."""
    question = db.session.scalar(select(Question).where(Question.key == "pilier-financier"))
    definition = json.loads(json.dumps(question.definition))
    for choice in definition["choices"]:
        choice["correct"] = choice["id"] == "humain"
    return question, definition


def test_a_question_changed_in_this_process_is_graded_at_once(quiz_course, client):
    headers = bearer(make_user())
    assert _single_choice_score(client, headers, "k-1") == 1.0
    question, definition = _definition_with_other_answer()
    question.definition = definition
    question.content_hash = "changed"
    db.session.commit()
    assert _single_choice_score(client, headers, "k-2") == 0.0


def test_a_release_loaded_by_another_process_is_graded_after_the_revision_check(
    quiz_course, client, monkeypatch
):
    clock = [1_000.0]
    monkeypatch.setattr(content_cache.time, "monotonic", lambda: clock[0])
    headers = bearer(make_user())
    assert _single_choice_score(client, headers, "k-1") == 1.0
    _, definition = _definition_with_other_answer()
    db.session.rollback()
    # Another process changes the question and records its release: no ORM event here.
    db.session.execute(
        text("UPDATE question SET definition = :definition WHERE key = 'pilier-financier'"),
        {"definition": json.dumps(definition)},
    )
    db.session.execute(
        text("INSERT INTO course_version (version, loaded_at, summary) VALUES ('v2', :at, '{}')"),
        {"at": "2026-12-06 12:00:00"},
    )
    db.session.commit()
    clock[0] += content_cache.REVISION_CHECK_SECONDS / 2
    assert _single_choice_score(client, headers, "k-2") == 1.0  # the copy, still fresh
    clock[0] += content_cache.REVISION_CHECK_SECONDS
    assert _single_choice_score(client, headers, "k-3") == 0.0


def test_an_unknown_module_is_not_remembered(quiz_course, client, app):
    response = client.post(
        "/api/v1/modules/inconnu/attempts",
        json={"answers": {}, "idempotency_key": "k"},
        headers=bearer(make_user()),
    )
    assert response.status_code == 404
    assert "inconnu" not in app.extensions[content_cache.EXTENSION_KEY].quizzes
