"""Retake limits on the quiz page, and past attempts unchanged by later content edits."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from lms.content.services import load_content
from lms.extensions import db
from lms.models import Attempt, Question
from tests.conftest import csrf_token
from tests.factories import make_user
from tests.integration.quiz.helpers import (
    FULL,
    LIMITED,
    RIGHT_FORM,
    attempt_row,
    attempt_url,
    result_block,
    take_quiz,
)

LIMITED_RIGHT = {"q:cotisation-privee": "true", "q:combien-piliers": "3"}


def _move_back(attempt_id: int, minutes: int) -> None:
    attempt = attempt_row(attempt_id)
    attempt.submitted_at = attempt.submitted_at - timedelta(minutes=minutes)
    db.session.commit()


def _attempt_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Attempt.id)))


def _start_refused(client) -> None:
    response = client.post(
        f"/modules/{LIMITED}/quiz/attempts",
        data={"csrf_token": csrf_token(client, "/account/"), "idempotency_key": "new"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/modules/{LIMITED}/quiz")


def test_waiting_time_then_attempt_limit(app_ctx, quiz_course, client, auth):
    make_user(email="camille@example.org")
    auth.login("camille@example.org")
    first = take_quiz(client, {}, slug=LIMITED)

    page = client.get(f"/modules/{LIMITED}/quiz").get_data(as_text=True)
    assert 'class="quiz-refusal"' in page
    assert 'name="idempotency_key"' not in page  # no Start button
    _start_refused(client)
    assert _attempt_count() == 1

    _move_back(first, minutes=61)
    second = take_quiz(client, LIMITED_RIGHT, slug=LIMITED)
    assert attempt_row(second).number == 2
    assert attempt_row(second).passed is True

    _move_back(second, minutes=61)
    page = client.get(f"/modules/{LIMITED}/quiz").get_data(as_text=True)
    assert 'class="quiz-refusal"' in page
    _start_refused(client)
    assert _attempt_count() == 2
    # The feedback page offers no retake either.
    result = client.get(attempt_url(second, LIMITED)).get_data(as_text=True)
    assert 'name="idempotency_key"' not in result


def test_result_page_offers_a_retake_when_allowed(quiz_course, client, auth):
    make_user(email="camille@example.org")
    auth.login("camille@example.org")
    attempt_id = take_quiz(client, {})
    html = client.get(attempt_url(attempt_id)).get_data(as_text=True)
    assert f'action="/modules/{FULL}/quiz/attempts"' in html


def test_a_content_edit_never_changes_a_past_attempt(app_ctx, editable_course, client, auth):
    load_content(editable_course)
    make_user(email="camille@example.org")
    auth.login("camille@example.org")
    attempt_id = take_quiz(client, RIGHT_FORM)
    before = client.get(attempt_url(attempt_id)).get_data(as_text=True)
    stored = [
        (a.question_key, a.score, a.correct, a.feedback) for a in attempt_row(attempt_id).answers
    ]

    quiz = editable_course / "escale" / "01-quiz-complet" / "quiz.yaml"
    text = quiz.read_text()
    edited = (
        text.replace(
            "        text: Les ressources financières\n        correct: true\n",
            "        text: Les ressources financières\n",
        )
        .replace(
            "        text: Les richesses humaines\n",
            "        text: Les richesses humaines\n        correct: true\n",
        )
        .replace("Oui, c'est une ressource publique.", "Feedback réécrit.")
        .replace(
            "Les subventions sont une ressource publique du pilier financier.",
            "Explication réécrite.",
        )
        .replace(
            'prompt: "Quel pilier regroupe les **subventions** ?"',
            'prompt: "Question reformulée ?"',
        )
    )
    assert edited != text
    quiz.write_text(edited)
    load_content(editable_course)
    db.session.expire_all()
    question = db.session.scalar(select(Question).where(Question.key == "pilier-financier"))
    assert question.rendered["prompt"] == "Question reformulée ?"

    attempt = attempt_row(attempt_id)
    assert attempt.score == 1.0 and attempt.passed is True
    assert [(a.question_key, a.score, a.correct, a.feedback) for a in attempt.answers] == stored
    after = client.get(attempt_url(attempt_id)).get_data(as_text=True)
    single = result_block(after, "pilier-financier")
    assert single == result_block(before, "pilier-financier")
    assert "Quel pilier regroupe les <strong>subventions</strong> ?" in single
    assert "Les subventions sont une ressource publique du pilier financier." in single
    assert (
        "Oui, c&#39;est une ressource publique." in single
        or "Oui, c'est une ressource publique." in single
    )
    assert "réécrit" not in after and "reformulée" not in after

    # A new attempt is graded against the edited question.
    retake = take_quiz(client, RIGHT_FORM)
    answers = {a.question_key: a for a in attempt_row(retake).answers}
    assert answers["pilier-financier"].score == 0.0
