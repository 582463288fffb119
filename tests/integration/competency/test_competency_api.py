"""The competency API: my profile, my evidence (paginated), my self-assessment."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lms.models import EvidenceSource
from tests.factories import bearer, make_user
from tests.integration.competency.helpers import T0, answers, evidence_rows, lesson, record, states


@pytest.fixture
def me(app_ctx, course):
    """A learner with an API token (the fixture course loaded)."""
    user = make_user(email="api@example.org")
    return user, bearer(user)


def test_profile_lists_every_competency_level_0_without_evidence(client, me):
    user, headers = me
    record(user.id, lesson("TST-01"), *answers("TST-01", [1, 0, 1, 1]))
    response = client.get("/api/v1/me/profile", headers=headers)
    assert response.status_code == 200
    assert response.json == {
        "competencies": [
            {
                "code": "TST-01",
                "title": "Connaître les trois piliers",
                "level": 2,
                "self_level": None,
                "score": 0.9204,
                "evidence_count": 5,
            },
            {
                "code": "TST-02",
                "title": "Diagnostiquer son modèle",
                "level": 0,
                "self_level": None,
                "score": None,
                "evidence_count": 0,
            },
            {
                "code": "TST-03",
                "title": "Ancrer son modèle",
                "level": 0,
                "self_level": None,
                "score": None,
                "evidence_count": 0,
            },
        ]
    }


def test_evidence_items_newest_first_with_their_fields(client, me):
    user, headers = me
    record(user.id, lesson("TST-01"), *answers("TST-01", [1, 0]), lesson("TST-02"))
    response = client.get("/api/v1/me/evidence?competency=TST-01", headers=headers)
    assert response.status_code == 200
    items = response.json["items"]
    assert response.json["next_cursor"] is None
    assert [(i["source"], i["key"], i["score"]) for i in items] == [
        ("quiz", "premier-module/q1", 0.0),
        ("quiz", "premier-module/q0", 1.0),
        ("lesson", "premier-module", 1.0),
    ]
    assert items[0] == {
        "id": items[0]["id"],
        "competency": "TST-01",
        "source": "quiz",
        "score": 0.0,
        "weight": 1.0,
        "level": None,
        "key": "premier-module/q1",
        "occurred_at": (T0 + timedelta(minutes=1)).isoformat(),
        "module": "premier-module",
    }
    everything = client.get("/api/v1/me/evidence", headers=headers).json["items"]
    assert len(everything) == 4


def test_evidence_pages_follow_the_cursor_without_gaps_or_repeats(client, me):
    user, headers = me
    # Seven answers, two of them at the same instant: the cursor must still split them.
    record(user.id, *answers("TST-01", [1, 0, 1, 1, 0, 1]), *answers("TST-01", [1], prefix="r"))
    seen, cursor, pages = [], None, 0
    while True:
        query = "limit=3" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(f"/api/v1/me/evidence?{query}", headers=headers).json
        seen += [item["id"] for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert pages == 3
    assert seen == [
        row.id
        for row in sorted(evidence_rows(user.id), key=lambda r: (r.occurred_at, r.id), reverse=True)
    ]


def test_evidence_refuses_unknown_competency_and_bad_cursor(client, me):
    _, headers = me
    response = client.get("/api/v1/me/evidence?competency=NOPE-01", headers=headers)
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"competency": "Unknown competency."}
    response = client.get("/api/v1/me/evidence?cursor=not-a-cursor", headers=headers)
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"cursor": "Invalid cursor."}
    response = client.get("/api/v1/me/evidence?limit=0", headers=headers)
    assert response.status_code == 422
    assert "limit" in response.json["error"]["fields"]


def test_evidence_of_other_learners_is_never_listed(client, me):
    _, headers = me
    other = make_user(email="autre@example.org")
    record(other.id, *answers("TST-01", [1, 1, 1]))
    assert client.get("/api/v1/me/evidence", headers=headers).json["items"] == []


def test_self_assessment_records_changes_and_returns_the_profile(client, me):
    user, headers = me
    record(user.id, lesson("TST-01"))
    response = client.put(
        "/api/v1/me/self-assessment", json={"TST-01": 4, "TST-03": 2}, headers=headers
    )
    assert response.status_code == 200
    profile = {c["code"]: c for c in response.json["competencies"]}
    assert profile["TST-01"]["self_level"] == 4 and profile["TST-01"]["level"] == 1
    assert profile["TST-03"]["self_level"] == 2 and profile["TST-03"]["level"] == 0
    assert profile["TST-02"]["self_level"] is None
    rows = evidence_rows(user.id, EvidenceSource.SELF)
    assert [(r.level, r.score, r.key) for r in rows] == [(4, 1.0, "self"), (2, 0.5, "self")]
    # The same answers again change nothing and record nothing.
    client.put("/api/v1/me/self-assessment", json={"TST-01": 4}, headers=headers)
    assert len(evidence_rows(user.id, EvidenceSource.SELF)) == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"TST-01": 3, "NOPE-01": 2}, "NOPE-01"),
        ({"TST-01": 3, "TST-02": 5}, "TST-02"),
        ({"TST-01": 3, "TST-02": 0}, "TST-02"),
        ({"TST-01": 3, "TST-02": "3"}, "TST-02"),
        ({"TST-01": 3, "TST-02": 2.5}, "TST-02"),
        ({"TST-01": 3, "TST-02": True}, "TST-02"),
        ({"TST-01": 3, "TST-02": None}, "TST-02"),
    ],
)
def test_self_assessment_refuses_bad_codes_and_levels_recording_nothing(client, me, body, field):
    user, headers = me
    response = client.put("/api/v1/me/self-assessment", json=body, headers=headers)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "validation_error"
    assert list(response.json["error"]["fields"]) == [field]
    assert evidence_rows(user.id) == []
    assert states(user.id) == {}


def test_self_assessment_body_must_be_a_json_object(client, me):
    user, headers = me
    response = client.put("/api/v1/me/self-assessment", json=[3], headers=headers)
    assert response.status_code == 422
    response = client.put("/api/v1/me/self-assessment", data={"TST-01": "3"}, headers=headers)
    assert response.status_code == 415
    assert response.json["error"]["code"] == "unsupported_media_type"
    assert evidence_rows(user.id) == []


def test_openapi_documents_the_endpoints(client, app_ctx):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {"/api/v1/me/profile", "/api/v1/me/evidence", "/api/v1/me/self-assessment"} <= set(paths)
    assert "put" in paths["/api/v1/me/self-assessment"]
