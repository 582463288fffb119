"""API endpoints of the quiz area: a module's quiz, submitting an attempt, my attempts.

A contract other tools depend on (docs/quizzes.md): the shapes below are stable.
Texts (prompts, options, explanations) are the sanitised HTML fragments rendered
when the course was loaded, the same as the web pages show.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any

from flask import Response, jsonify, request
from pydantic import BaseModel, Field

from lms.api import bp
from lms.api.core import ApiError, current_api_user, documented, token_required
from lms.extensions import db
from lms.models import Module
from lms.models.base import utcnow
from lms.quiz import services
from lms.quiz.rules import RetakeRefusal

# --- schemas ----------------------------------------------------------------------------


class QuizOption(BaseModel):
    """A choice, an ordering item, or one side of a matching question."""

    id: str = Field(examples=["b"])
    text: str = Field(description="Sanitised HTML fragment.", examples=["Trois piliers"])


class QuizQuestion(BaseModel):
    """A question as a learner sees it before answering: never its answer."""

    id: str = Field(examples=["trois-piliers"])
    type: str = Field(
        examples=["single"],
        description="single | multiple | true_false | short | numeric | ordering | matching",
    )
    prompt: str = Field(description="Sanitised HTML fragment.")
    choices: list[QuizOption] | None = Field(None, description="single and multiple")
    items: list[QuizOption] | None = Field(None, description="ordering (shuffled)")
    left: list[QuizOption] | None = Field(None, description="matching: the items to match")
    right: list[QuizOption] | None = Field(
        None, description="matching: the answers to match them with (shuffled)"
    )
    unit: str | None = Field(None, description="numeric, when the answer has a unit")


class Quiz(BaseModel):
    """A module's quiz."""

    pass_mark: float = Field(ge=0, le=1, examples=[0.7])
    questions: list[QuizQuestion]


class AttemptRequest(BaseModel):
    """Answers to a module's quiz, graded at once.

    Responses by type: single: a choice id; multiple: a list of choice ids; true_false:
    true or false; short: a text; numeric: a number (or a text such as "66,5");
    ordering: every item id, in order; matching: {left id: right id}. A question left
    out, or null, is unanswered and scores 0.
    """

    answers: dict[str, Any] = Field(
        max_length=200, examples=[{"trois-piliers": "b", "budget-suffit": False}]
    )
    idempotency_key: str = Field(
        min_length=1,
        max_length=100,
        description="Your own key for this submission: sending it again returns the same "
        "attempt instead of making another.",
        examples=["5f0c9a1e-attempt-1"],
    )


class QuestionResult(BaseModel):
    """How one question was graded."""

    id: str
    score: float = Field(ge=0, le=1)
    correct: bool
    explanation: str = Field(description="Sanitised HTML fragment.")


class AttemptResult(BaseModel):
    """A graded attempt."""

    id: int
    score: float = Field(ge=0, le=1)
    passed: bool
    questions: list[QuestionResult]


class AttemptListItem(BaseModel):
    """One of my submitted attempts."""

    id: int
    module: str = Field(description="The module's slug.", examples=["modele-au-service-de-quoi"])
    number: int = Field(description="1 for my first attempt on this module, and so on.")
    score: float = Field(ge=0, le=1)
    passed: bool
    submitted_at: datetime


class AttemptList(BaseModel):
    """A page of my submitted attempts, newest first."""

    items: list[AttemptListItem]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null at the end."
    )


class AttemptListQuery(BaseModel):
    """Pagination."""

    limit: int = Field(50, ge=1, le=100)
    cursor: str | None = Field(None, max_length=200)


# --- endpoints --------------------------------------------------------------------------


def _module_or_404(slug: str) -> Module:
    module = services.find_module(db.session(), slug)
    if module is None:
        raise ApiError(404, "not_found", "There is no such module.")
    return module


@bp.get("/modules/<slug>/quiz")
@token_required()
@documented(tags=["quiz"], responses={200: Quiz, 404: None})
def get_module_quiz(slug: str) -> tuple[dict[str, Any], int]:
    """A module's quiz: its pass mark and its questions, without their answers."""
    return services.quiz_for_api(db.session(), _module_or_404(slug)), 200


@bp.post("/modules/<slug>/attempts")
@token_required()
@documented(
    tags=["quiz"],
    json=AttemptRequest,
    responses={201: AttemptResult, 200: AttemptResult, 404: None, 409: None},
    validate_responses=False,  # built below from the graded attempt (a hot path)
)
def submit_module_attempt(slug: str) -> tuple[Response, int]:
    """Submit answers to a module's quiz; they are graded at once and recorded.

    201: a new attempt. 200: this idempotency key was already used, and this is the
    attempt it made (the answers sent this time are ignored). 422: unknown question ids
    or malformed responses, `fields` naming each question; nothing is recorded.
    409: the module's attempt limit or waiting time refuses a new attempt.
    """
    submitted_at = utcnow()
    body: AttemptRequest = request.context.json  # type: ignore[attr-defined]
    user = current_api_user()
    module = services.find_quiz_module(db.session(), slug)
    if module is None:
        raise ApiError(404, "not_found", "There is no such module.")
    try:
        outcome = services.submit_new_attempt(
            db.session(), user.id, module, body.idempotency_key, body.answers, submitted_at
        )
    except services.InvalidAnswers as invalid:
        raise ApiError(
            422, "validation_error", "Some answers are invalid.", invalid.fields
        ) from None
    except services.RetakeNotAllowed as refused:
        raise _refusal(refused) from None
    result = services.attempt_scores(db.session(), outcome)
    body_out = {
        "id": result.id,
        "score": result.score,
        "passed": result.passed,
        "questions": [
            {
                "id": question.key,
                "score": question.score,
                "correct": question.correct,
                "explanation": question.explanation_html,
            }
            for question in result.questions
        ],
    }
    # Serialised here: the response is not validated (see `documented`), and spectree
    # would otherwise walk the dict looking for pydantic models.
    return jsonify(body_out), 201 if outcome.graded_now else 200


def _refusal(refused: services.RetakeNotAllowed) -> ApiError:
    decision = refused.decision
    if decision.reason == RetakeRefusal.TOO_SOON and decision.next_allowed_at is not None:
        return ApiError(
            409,
            "retake_too_soon",
            "Wait before taking this quiz again.",
            {"next_allowed_at": decision.next_allowed_at.isoformat()},
        )
    return ApiError(409, "no_attempts_left", "All the attempts allowed for this quiz are used.")


@bp.get("/me/attempts")
@token_required()
@documented(tags=["quiz"], query=AttemptListQuery, responses={200: AttemptList})
def list_my_attempts() -> tuple[dict[str, Any], int]:
    """My submitted attempts on every module, newest first."""
    query: AttemptListQuery = request.context.query  # type: ignore[attr-defined]
    after = _decode_cursor(query.cursor) if query.cursor else None
    rows = services.submitted_attempts(db.session(), current_api_user().id, query.limit + 1, after)
    page, more = rows[: query.limit], len(rows) > query.limit
    items = [
        {
            "id": attempt.id,
            "module": slug,
            "number": attempt.number,
            "score": attempt.score,
            "passed": attempt.passed,
            "submitted_at": attempt.submitted_at.isoformat() if attempt.submitted_at else None,
        }
        for attempt, slug in page
    ]
    last = page[-1][0] if page and more else None
    return {
        "items": items,
        "next_cursor": _encode_cursor(last.submitted_at, last.id) if last else None,
    }, 200


def _encode_cursor(submitted_at: datetime | None, attempt_id: int) -> str:
    assert submitted_at is not None
    raw = json.dumps([submitted_at.isoformat(), attempt_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        at, attempt_id = json.loads(raw)
        when = datetime.fromisoformat(at)
        if when.tzinfo is None or not isinstance(attempt_id, int):
            raise ValueError(cursor)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise ApiError(
            422, "validation_error", "The request is invalid.", {"cursor": "invalid cursor"}
        ) from None
    return when, attempt_id
