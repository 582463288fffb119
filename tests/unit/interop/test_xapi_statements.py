"""xAPI statement builders: account actors, ADL verbs, activity URLs, results."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from lms.interop import xapi

SITE = xapi.Site(base_url="https://escales.example/", actor_key="secret")
WHEN = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)


def test_the_actor_is_an_opaque_stable_account_never_an_email():
    actor = SITE.actor(42)
    assert actor == {
        "objectType": "Agent",
        "account": {"homePage": "https://escales.example", "name": xapi.actor_name(42, "secret")},
    }
    assert len(actor["account"]["name"]) == 32
    assert xapi.actor_name(42, "secret") == xapi.actor_name(42, "secret")
    assert xapi.actor_name(42, "secret") != xapi.actor_name(43, "secret")
    assert xapi.actor_name(42, "secret") != xapi.actor_name(42, "other key")
    assert "42" not in actor["account"]["name"]


def test_section_completed():
    statement = xapi.section_completed(SITE, 7, "au-service", "introduction", "Introduction", WHEN)
    assert uuid.UUID(statement["id"]).version == 7
    assert statement["verb"] == {
        "id": "http://adlnet.gov/expapi/verbs/completed",
        "display": {"en-US": "completed"},
    }
    assert (
        statement["object"]["id"]
        == "https://escales.example/modules/au-service/sections/introduction"
    )
    assert statement["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/lesson"
    assert statement["timestamp"] == "2026-01-15T09:30:00.000Z"
    assert (
        statement["context"]["contextActivities"]["parent"][0]["id"]
        == "https://escales.example/modules/au-service"
    )


def test_each_statement_gets_its_own_id():
    first = xapi.section_completed(SITE, 7, "m", "s", "S", WHEN)
    second = xapi.section_completed(SITE, 7, "m", "s", "S", WHEN)
    assert first["id"] != second["id"]


def test_question_answered_carries_score_success_and_response():
    statement = xapi.question_answered(
        SITE, 7, "au-service", "piliers", "multiple", ["a", "c"], 0.5, False, WHEN
    )
    assert statement["verb"]["id"].endswith("/answered")
    assert (
        statement["object"]["id"]
        == "https://escales.example/modules/au-service/quiz/questions/piliers"
    )
    assert statement["object"]["definition"]["interactionType"] == "choice"
    assert statement["result"] == {"score": {"scaled": 0.5}, "success": False, "response": "a[,]c"}


def test_attempt_passed_and_failed_with_duration():
    passed = xapi.attempt_finished(
        SITE, 7, "m", 0.8, True, WHEN - timedelta(minutes=3, seconds=5), WHEN
    )
    failed = xapi.attempt_finished(SITE, 7, "m", 0.4, False, WHEN, WHEN)
    assert passed["verb"]["id"] == "http://adlnet.gov/expapi/verbs/passed"
    assert passed["result"] == {
        "score": {"scaled": 0.8},
        "success": True,
        "completion": True,
        "duration": "PT3M5S",
    }
    assert failed["verb"]["id"] == "http://adlnet.gov/expapi/verbs/failed"
    assert failed["result"]["duration"] == "PT0S"
    assert passed["object"]["id"] == "https://escales.example/modules/m/quiz"


def test_practice_review_names_the_instructor_by_account_too():
    statement = xapi.practice_reviewed(SITE, 7, "m", 0.75, True, 3, WHEN)
    assert statement["verb"]["id"].endswith("/scored")
    assert statement["context"]["instructor"] == SITE.actor(3)
    assert statement["result"]["success"] is True


def test_certificate_earned():
    statement = xapi.certificate_earned(
        SITE,
        7,
        "https://escales.example/orgs/o/programmes/1/badge.json",
        "Parcours",
        "https://escales.example/certificates/abc",
        WHEN,
    )
    assert statement["verb"]["id"] == "http://id.tincanapi.com/verb/earned"
    assert statement["object"]["definition"]["name"] == {"fr-FR": "Parcours"}


def test_statements_are_plain_json():
    statement = xapi.question_answered(
        SITE, 7, "m", "q", "matching", {"l1": "r2", "l2": None}, 1.0, True, WHEN
    )
    assert json.loads(json.dumps(statement)) == statement
    assert statement["result"]["response"] == "l1[.]r2"


def test_response_text_formats():
    assert xapi.response_text(True) == "true"
    assert xapi.response_text(66.5) == "66.5"
    assert xapi.response_text(None) is None
    assert xapi.duration(WHEN, WHEN + timedelta(hours=1, seconds=2)) == "PT1H2S"


def test_statement_ids_are_uuid7_growing_with_time_and_unguessable():
    earlier = [xapi.new_statement_id(now_ms=1_700_000_000_000) for _ in range(50)]
    later = xapi.new_statement_id(now_ms=1_700_000_000_001)
    assert all(uuid.UUID(i).version == 7 and uuid.UUID(i).variant == uuid.RFC_4122 for i in earlier)
    assert len(set(earlier)) == 50  # the same millisecond: the random bits differ
    assert max(earlier) < later  # ids sort by time, as text too
    assert uuid.UUID(later).int >> 80 == 1_700_000_000_001
    batch = xapi.new_statement_ids(12, now_ms=1_700_000_000_002)
    assert len(set(batch)) == 12 and set(batch).isdisjoint(earlier)
    assert all(uuid.UUID(i).version == 7 and uuid.UUID(i).variant == uuid.RFC_4122 for i in batch)
    assert {uuid.UUID(i).int >> 80 for i in batch} == {1_700_000_000_002}


@dataclass(frozen=True)
class _Answer:
    question_key: str
    question_type: str
    response: Any
    score: float
    correct: bool


def test_an_attempts_answered_statements_serialised_at_once_are_question_answereds():
    """The quiz's fast path writes the statements `question_answered` builds, whatever the
    response's shape (none, text with quotes and braces, a list, pairs, a boolean)."""
    answers = [
        _Answer("piliers", "multiple", ["a", "c"], 0.5, False),
        _Answer("statut", "short", 'une "SCIC" {coopérative}', 1.0, True),
        _Answer("ordre", "ordering", ["x", "y", "z"], 0.3333333, False),
        _Answer("paires", "matching", {"l1": "r2", "l2": None}, 0.5, False),
        _Answer("vrai", "true_false", True, 1.0, True),
        _Answer("vide", "numeric", None, 0.0, False),
    ]
    serialised = xapi.answered_statements_json(SITE, 7, "au-service", answers, WHEN)
    assert len(serialised) == len(answers)
    assert len({statement_id for statement_id, _ in serialised}) == len(answers)
    for answer, (statement_id, text) in zip(answers, serialised, strict=True):
        statement = json.loads(text)
        assert statement["id"] == statement_id
        assert uuid.UUID(statement_id).version == 7
        expected = xapi.question_answered(
            SITE,
            7,
            "au-service",
            answer.question_key,
            answer.question_type,
            answer.response,
            answer.score,
            answer.correct,
            WHEN,
        )
        assert statement == {**expected, "id": statement_id}
