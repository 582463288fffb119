"""GET /api/v1/cohorts, /cohorts/<id>/progress and /cohorts/<id>/competencies."""

from __future__ import annotations

from sqlalchemy import select

from lms.extensions import db
from lms.models import Competency, CompetencyState, Role
from tests.factories import bearer, enrol, make_cohort, make_user
from tests.integration.cohorts.helpers import make_world, read_all, take_quiz


def test_cohorts_are_paginated_with_a_cursor(course, client):
    world = make_world(learners=2)
    for n in range(3):
        make_cohort(world.org, name=f"Extra {n}")
    headers = bearer(world.org_admin)
    first = client.get("/api/v1/cohorts?limit=2", headers=headers).json
    assert [c["name"] for c in first["items"]] == ["Promo A", "Promo B"]
    assert first["items"][0]["learners"] == 2 and first["items"][0]["organisation"] == "reseau"
    second = client.get(
        f"/api/v1/cohorts?limit=2&cursor={first['next_cursor']}", headers=headers
    ).json
    assert [c["name"] for c in second["items"]] == ["Extra 0", "Extra 1"]
    last = client.get(
        f"/api/v1/cohorts?limit=2&cursor={second['next_cursor']}", headers=headers
    ).json
    assert [c["name"] for c in last["items"]] == ["Extra 2"] and last["next_cursor"] is None


def test_progress_gives_every_learner_and_module(course, client):
    world = make_world(learners=3)
    read_all(world.learners[0])
    take_quiz(world.learners[0])
    headers = bearer(world.trainer)
    url = f"/api/v1/cohorts/{world.cohort.id}/progress"
    page = client.get(f"{url}?limit=2", headers=headers).json
    assert [m["slug"] for m in page["modules"]] == ["premier-module", "second-module", "troisieme"]
    assert [i["learner"]["email"] for i in page["items"]] == [
        "learner1@example.org",
        "learner2@example.org",
    ]
    first = page["items"][0]["modules"][0]
    assert first == {
        "module": "premier-module",
        "sections_read": 2,
        "sections_total": 2,
        "quiz_attempts": 1,
        "quiz_best_score": 100,
        "quiz_passed": True,
        "practice_status": "none",
        "completed": True,
        "overdue": False,
    }
    assert page["items"][0]["modules"][1]["practice_status"] is None  # no practical work
    rest = client.get(f"{url}?limit=2&cursor={page['next_cursor']}", headers=headers).json
    assert [i["learner"]["email"] for i in rest["items"]] == ["learner3@example.org"]
    assert rest["next_cursor"] is None


def test_competencies_give_levels_and_the_spread(course, client):
    world = make_world(learners=2)
    tst2 = db.session.scalar(select(Competency.id).where(Competency.code == "TST-02"))
    db.session.add(CompetencyState(user_id=world.learners[1].id, competency_id=tst2, level=3))
    db.session.commit()
    body = client.get(
        f"/api/v1/cohorts/{world.cohort.id}/competencies", headers=bearer(world.trainer)
    ).json
    spread = {c["code"]: c["distribution"] for c in body["competencies"]}
    assert spread["TST-02"] == [1, 0, 0, 1, 0]
    assert [i["levels"]["TST-02"] for i in body["items"]] == [0, 3]


def test_errors_have_the_api_shape(course, client):
    world = make_world(learners=0)
    headers = bearer(world.trainer)
    missing = client.get("/api/v1/cohorts/999999/progress", headers=headers)
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"
    other = client.get(f"/api/v1/cohorts/{world.other_cohort.id}/progress", headers=headers)
    assert other.status_code == 403 and other.json["error"]["code"] == "forbidden"
    bad = client.get(f"/api/v1/cohorts/{world.cohort.id}/progress?cursor=abc", headers=headers)
    assert bad.status_code == 422 and "cursor" in bad.json["error"]["fields"]
    too_many = client.get("/api/v1/cohorts?limit=5000", headers=headers)
    assert too_many.status_code == 422
    learner = make_user(Role.LEARNER, world.org)
    enrol(world.cohort, learner)
    assert client.get("/api/v1/cohorts", headers=bearer(learner)).status_code == 403
    assert client.get("/api/v1/cohorts").status_code == 401


def test_the_endpoints_are_documented(app, client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in (
        "/api/v1/cohorts",
        "/api/v1/cohorts/{cohort_id}/progress",
        "/api/v1/cohorts/{cohort_id}/competencies",
    ):
        assert "get" in paths[path], path


def test_out_of_range_cursors_and_filters_are_refused_not_crashed(course, client, auth):
    world = make_world(learners=1)
    headers = bearer(world.trainer)
    for cursor in ("-5", "99999999999999999999", "2147483648", "1e3"):
        for path in ("/api/v1/cohorts", f"/api/v1/cohorts/{world.cohort.id}/competencies"):
            response = client.get(f"{path}?cursor={cursor}", headers=headers)
            assert response.status_code == 422, (path, cursor)
    auth.login(world.trainer.email)
    assert client.get("/review?cohort=99999999999999999999&module=-3").status_code == 200
