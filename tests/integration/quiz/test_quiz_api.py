"""The quiz API: submitting attempts (idempotent, validated), my attempts, limits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from lms.competency.services import rebuild_profiles
from lms.extensions import db
from lms.models import Answer, Attempt, CompetencyState, Evidence, ModuleProgress
from tests.factories import bearer, make_user
from tests.integration.quiz.helpers import FULL, LIMITED, RIGHT_API, attempt_row

URL = f"/api/v1/modules/{FULL}/attempts"


def _counts() -> tuple[int, int, int, int]:
    db.session.expire_all()
    return tuple(  # type: ignore[return-value]
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Attempt, Answer, Evidence, ModuleProgress)
    )


def test_submit_grades_and_records(quiz_course, client):
    learner = make_user()
    response = client.post(
        URL, json={"answers": RIGHT_API, "idempotency_key": "k-1"}, headers=bearer(learner)
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert set(body) == {"id", "score", "passed", "questions"}
    assert (body["score"], body["passed"]) == (1.0, True)
    assert [q["id"] for q in body["questions"]] == list(RIGHT_API)
    assert all(set(q) == {"id", "score", "correct", "explanation"} for q in body["questions"])
    assert body["questions"][4]["explanation"] == "34 000 / 80 000 × 100 = 42,5 %."
    attempt = attempt_row(body["id"])
    assert (attempt.user_id, attempt.number, attempt.idempotency_key) == (learner.id, 1, "k-1")
    assert _counts() == (1, 7, 8, 1)
    evidence = db.session.scalars(select(Evidence)).all()
    assert {e.occurred_at for e in evidence} == {attempt.submitted_at}


def test_missing_and_null_answers_score_zero(quiz_course, client):
    answers = {"pilier-financier": "financier", "somme-annuelle": None}
    response = client.post(
        URL, json={"answers": answers, "idempotency_key": "k"}, headers=bearer(make_user())
    )
    assert response.status_code == 201
    scores = {q["id"]: q["score"] for q in response.json["questions"]}
    assert scores["pilier-financier"] == 1.0
    assert scores["somme-annuelle"] == scores["etapes-budget"] == 0.0
    assert response.json["score"] == round(1 / 7, 4)
    assert response.json["passed"] is False


def test_partial_credit_is_reported_per_question(quiz_course, client):
    answers = {
        **RIGHT_API,
        "ressources-privees": ["dons"],
        "etapes-budget": ["chiffrer", "recenser", "voter", "suivre"],
        "part-subvention": "42,9",
    }
    body = client.post(
        URL, json={"answers": answers, "idempotency_key": "k"}, headers=bearer(make_user())
    ).json
    results = {q["id"]: (q["score"], q["correct"]) for q in body["questions"]}
    assert results["ressources-privees"] == (0.5, False)
    assert results["etapes-budget"] == (0.6667, False)
    assert results["part-subvention"] == (1.0, True)  # within the tolerance, French comma


def test_same_key_returns_the_same_attempt_and_records_nothing_more(quiz_course, client):
    headers = bearer(make_user())
    first = client.post(URL, json={"answers": RIGHT_API, "idempotency_key": "k"}, headers=headers)
    again = client.post(URL, json={"answers": {}, "idempotency_key": "k"}, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json == first.json
    assert _counts() == (1, 7, 8, 1)
    # Even a malformed body with the same key answers the recorded attempt.
    replay = client.post(
        URL, json={"answers": {"nulle-part": 1}, "idempotency_key": "k"}, headers=headers
    )
    assert (replay.status_code, replay.json["id"]) == (200, first.json["id"])
    other = client.post(URL, json={"answers": {}, "idempotency_key": "k2"}, headers=headers)
    assert other.status_code == 201 and other.json["id"] != first.json["id"]
    assert attempt_row(other.json["id"]).number == 2
    progress = db.session.scalar(select(ModuleProgress))
    assert (progress.quiz_attempts, progress.quiz_failures, progress.quiz_best_score) == (2, 1, 1.0)


def test_keys_belong_to_each_learner(quiz_course, client):
    body = {"answers": RIGHT_API, "idempotency_key": "shared"}
    first = client.post(URL, json=body, headers=bearer(make_user()))
    second = client.post(URL, json=body, headers=bearer(make_user()))
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json["id"] != second.json["id"]


HOSTILE = {
    "unknown question": ({"answers": {"nulle-part": "a"}, "idempotency_key": "k"}, "nulle-part"),
    "single as a number": (
        {"answers": {"pilier-financier": 1}, "idempotency_key": "k"},
        "pilier-financier",
    ),
    "unknown choice": (
        {"answers": {"ressources-privees": ["dons", "loto"]}, "idempotency_key": "k"},
        "ressources-privees",
    ),
    "true_false as text": (
        {"answers": {"benevolat-financier": "false"}, "idempotency_key": "k"},
        "benevolat-financier",
    ),
    "huge text": (
        {"answers": {"somme-annuelle": "x" * 1_000_000}, "idempotency_key": "k"},
        "somme-annuelle",
    ),
    "not a number": (
        {"answers": {"part-subvention": "beaucoup"}, "idempotency_key": "k"},
        "part-subvention",
    ),
    "boolean number": (
        {"answers": {"part-subvention": True}, "idempotency_key": "k"},
        "part-subvention",
    ),
    "ordering incomplete": (
        {"answers": {"etapes-budget": ["recenser", "voter"]}, "idempotency_key": "k"},
        "etapes-budget",
    ),
    "ordering repeated": (
        {
            "answers": {"etapes-budget": ["recenser", "recenser", "voter", "suivre"]},
            "idempotency_key": "k",
        },
        "etapes-budget",
    ),
    "matching as a list": (
        {"answers": {"associer-ressources": ["prive"]}, "idempotency_key": "k"},
        "associer-ressources",
    ),
    "answers as a list": ({"answers": ["a"], "idempotency_key": "k"}, "answers"),
    "too many answers": (
        {"answers": {f"q{n}": 1 for n in range(1000)}, "idempotency_key": "k"},
        "answers",
    ),
    "missing key": ({"answers": RIGHT_API}, "idempotency_key"),
    "empty key": ({"answers": RIGHT_API, "idempotency_key": ""}, "idempotency_key"),
    "key too long": ({"answers": RIGHT_API, "idempotency_key": "k" * 101}, "idempotency_key"),
    "key as a number": ({"answers": RIGHT_API, "idempotency_key": 12}, "idempotency_key"),
    "missing answers": ({"idempotency_key": "k"}, "answers"),
}


@pytest.mark.parametrize(("body", "field"), HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_bodies_are_refused_and_nothing_is_recorded(quiz_course, client, body, field):
    response = client.post(URL, json=body, headers=bearer(make_user()))
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "validation_error"
    assert field in error["fields"]
    assert len(response.get_data()) < 10_000  # a huge input is never echoed back
    assert _counts() == (0, 0, 0, 0)


@pytest.mark.parametrize(
    ("data", "status"), [(b"not json", 400), (b"[1, 2]", 422), (b'"text"', 422), (b"null", 422)]
)
def test_bodies_that_are_not_objects_are_refused(quiz_course, client, data, status):
    response = client.post(
        URL, data=data, content_type="application/json", headers=bearer(make_user())
    )
    assert response.status_code == status
    assert "error" in response.json
    assert _counts() == (0, 0, 0, 0)


def test_every_bad_question_is_named(quiz_course, client):
    answers = {**RIGHT_API, "pilier-financier": "zzz", "etapes-budget": "recenser", "x": 1}
    response = client.post(
        URL, json={"answers": answers, "idempotency_key": "k"}, headers=bearer(make_user())
    )
    assert set(response.json["error"]["fields"]) == {"pilier-financier", "etapes-budget", "x"}


def test_unknown_module_is_404(quiz_course, client):
    response = client.post(
        "/api/v1/modules/nulle-part/attempts",
        json={"answers": {}, "idempotency_key": "k"},
        headers=bearer(make_user()),
    )
    assert response.status_code == 404


def test_attempt_limits_apply(quiz_course, client):
    headers = bearer(make_user())
    url = f"/api/v1/modules/{LIMITED}/attempts"
    first = client.post(url, json={"answers": {}, "idempotency_key": "a"}, headers=headers)
    assert first.status_code == 201
    too_soon = client.post(url, json={"answers": {}, "idempotency_key": "b"}, headers=headers)
    assert too_soon.status_code == 409
    assert too_soon.json["error"]["code"] == "retake_too_soon"
    submitted_at = attempt_row(first.json["id"]).submitted_at
    expected = (submitted_at + timedelta(minutes=60)).isoformat()
    assert too_soon.json["error"]["fields"]["next_allowed_at"] == expected

    _move_back(first.json["id"], minutes=61)
    second = client.post(url, json={"answers": {}, "idempotency_key": "b"}, headers=headers)
    assert second.status_code == 201
    _move_back(second.json["id"], minutes=61)
    third = client.post(url, json={"answers": {}, "idempotency_key": "c"}, headers=headers)
    assert third.status_code == 409
    assert third.json["error"]["code"] == "no_attempts_left"
    # A replayed key still answers its attempt.
    replay = client.post(url, json={"answers": {}, "idempotency_key": "a"}, headers=headers)
    assert (replay.status_code, replay.json["id"]) == (200, first.json["id"])
    assert _counts()[0] == 2


def _move_back(attempt_id: int, minutes: int) -> None:
    """Pretend an attempt was submitted `minutes` earlier."""
    attempt = attempt_row(attempt_id)
    attempt.submitted_at = attempt.submitted_at - timedelta(minutes=minutes)
    db.session.commit()


def test_my_attempts_are_paginated_newest_first(quiz_course, client):
    me, other = make_user(), make_user()
    headers = bearer(me)
    ids = []
    for key in ("a", "b", "c"):
        response = client.post(URL, json={"answers": {}, "idempotency_key": key}, headers=headers)
        ids.append(response.json["id"])
    client.post(URL, json={"answers": {}, "idempotency_key": "z"}, headers=bearer(other))

    page = client.get("/api/v1/me/attempts?limit=2", headers=headers).json
    assert [item["id"] for item in page["items"]] == [ids[2], ids[1]]
    item = page["items"][0]
    assert set(item) == {"id", "module", "number", "score", "passed", "submitted_at"}
    assert (item["module"], item["number"], item["score"], item["passed"]) == (FULL, 3, 0.0, False)
    assert page["next_cursor"]
    rest = client.get(
        f"/api/v1/me/attempts?limit=2&cursor={page['next_cursor']}", headers=headers
    ).json
    assert [item["id"] for item in rest["items"]] == [ids[0]]
    assert rest["next_cursor"] is None


def test_open_attempts_are_not_listed(quiz_course, client, auth):
    from tests.integration.quiz.helpers import start

    me = make_user(email="camille@example.org")
    auth.login("camille@example.org")
    start(client)
    assert client.get("/api/v1/me/attempts", headers=bearer(me)).json["items"] == []


@pytest.mark.parametrize(
    "query",
    ["limit=0", "limit=101", "limit=abc", "cursor=%%%", "cursor=WzEsMl0", "cursor=" + "x" * 300],
)
def test_bad_pagination_is_refused(quiz_course, client, query):
    response = client.get(f"/api/v1/me/attempts?{query}", headers=bearer(make_user()))
    assert response.status_code == 422
    assert response.json["error"]["code"] == "validation_error"


def test_endpoints_are_in_the_openapi_document(app, client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert "get" in paths["/api/v1/modules/{slug}/quiz"]
    assert "post" in paths["/api/v1/modules/{slug}/attempts"]
    assert "get" in paths["/api/v1/me/attempts"]


def test_submissions_run_as_many_statements_however_many_came_before(quiz_course, client):
    """The learner's history is never re-read: answers, evidence and xAPI statements are
    written in batches, and the profile is updated from its stored aggregates."""
    learner = make_user()
    headers = bearer(learner)
    counts = []

    def count(*args):
        counts[-1] += 1

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        for n in range(6):
            counts.append(0)
            answers = RIGHT_API if n % 2 else {"pilier-financier": "financier"}
            response = client.post(
                URL, json={"answers": answers, "idempotency_key": f"k-{n}"}, headers=headers
            )
            assert response.status_code == 201
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(set(counts[1:])) == 1, counts  # the first one also creates rows

    def stored():
        db.session.expire_all()
        rows = db.session.scalars(
            select(CompetencyState).where(CompetencyState.user_id == learner.id)
        )
        return {(s.competency_id, s.level, s.score, s.evidence_count) for s in rows}

    incremental = stored()
    rebuild_profiles(db.session, [learner.id])
    db.session.commit()
    assert stored() == incremental
