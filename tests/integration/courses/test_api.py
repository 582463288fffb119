"""The courses API: outline, module content, marking sections read."""

from __future__ import annotations

from tests.factories import bearer, make_user
from tests.integration.courses.conftest import lesson_evidence


def api_user(app_ctx, course):
    """A learner and the header of a fresh API token of theirs."""
    user = make_user(email="api@example.org")
    return user, bearer(user)


def test_outline_lists_themes_in_order_with_my_progress(app_ctx, client, course):
    _user, headers = api_user(app_ctx, course)
    client.post("/api/v1/modules/premier-module/sections/introduction/read", headers=headers)
    response = client.get("/api/v1/modules", headers=headers)
    assert response.status_code == 200
    body = response.json
    assert body["next_cursor"] is None
    assert [t["slug"] for t in body["items"]] == ["alpha", "beta"]
    modules = body["items"][0]["modules"]
    assert [m["slug"] for m in modules] == ["premier-module", "second-module"]
    first = modules[0]
    assert first["url"] == "/modules/premier-module"
    assert first["has_practice"] is True
    assert first["competencies"][0] == {"code": "TST-01", "title": "Connaître les trois piliers"}
    assert first["progress"] == {
        "sections_read": 1,
        "sections_total": 2,
        "reading_completed": False,
        "quiz_passed": False,
        "practice_status": "none",
    }


def test_outline_is_paginated(app_ctx, client, course):
    _user, headers = api_user(app_ctx, course)
    first = client.get("/api/v1/modules?limit=1", headers=headers).json
    assert [t["slug"] for t in first["items"]] == ["alpha"]
    assert first["next_cursor"]
    second = client.get(f"/api/v1/modules?limit=1&cursor={first['next_cursor']}", headers=headers)
    assert [t["slug"] for t in second.json["items"]] == ["beta"]
    assert second.json["next_cursor"] is None
    for bad in ("limit=0", "limit=101", "cursor=abc"):
        response = client.get(f"/api/v1/modules?{bad}", headers=headers)
        assert response.status_code == 422, bad
        assert response.json["error"]["code"] == "validation_error"


def test_module_detail_has_sections_with_html_and_my_read_state(app_ctx, client, course):
    _user, headers = api_user(app_ctx, course)
    client.post("/api/v1/modules/premier-module/sections/details/read", headers=headers)
    response = client.get("/api/v1/modules/premier-module", headers=headers)
    assert response.status_code == 200
    body = response.json
    assert body["theme"] == "alpha"
    assert body["quiz_url"] == "/modules/premier-module/quiz"
    assert body["practice_url"] == "/modules/premier-module/practice"
    assert body["glossary"][0]["term"] == "Modèle socio-économique"
    assert body["reading_minutes"] == 2
    sections = body["sections"]
    assert [(s["slug"], s["read"]) for s in sections] == [
        ("introduction", False),
        ("details", True),
    ]
    assert sections[0]["url"] == "/modules/premier-module/sections/introduction"
    assert '<h2 id="les-trois-piliers">' in sections[0]["html"]
    assert body["progress"]["sections_read"] == 1


def test_marking_read_is_idempotent_and_completion_is_reported_once(app_ctx, client, course):
    user, headers = api_user(app_ctx, course)
    url = "/api/v1/modules/premier-module/sections/{}/read"
    first = client.post(url.format("introduction"), headers=headers).json
    assert first["newly_read"] is True and first["next_section"] == "details"
    again = client.post(url.format("introduction"), headers=headers).json
    assert again["newly_read"] is False and again["progress"]["sections_read"] == 1
    last = client.post(url.format("details"), headers=headers).json
    assert last["reading_completed_now"] is True and last["next_section"] is None
    assert last["progress"]["reading_completed"] is True
    repeat = client.post(url.format("details"), headers=headers).json
    assert repeat["reading_completed_now"] is False
    assert len(lesson_evidence(user)) == 2


def test_unknown_module_or_section_is_a_json_404(app_ctx, client, course):
    _user, headers = api_user(app_ctx, course)
    for method, path in [
        ("GET", "/api/v1/modules/nulle-part"),
        ("POST", "/api/v1/modules/nulle-part/sections/introduction/read"),
        ("POST", "/api/v1/modules/premier-module/sections/nulle-part/read"),
    ]:
        response = client.open(path, method=method, headers=headers)
        assert response.status_code == 404, path
        assert response.json["error"]["code"] == "not_found"


def test_the_endpoints_are_documented(app_ctx, client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert "get" in paths["/api/v1/modules"]
    assert "get" in paths["/api/v1/modules/{slug}"]
    assert "post" in paths["/api/v1/modules/{slug}/sections/{section}/read"]
