"""The API base: tokens, /me, the error shape and the OpenAPI document."""

from __future__ import annotations

from lms.extensions import db
from lms.models import ApiToken
from tests.factories import PASSWORD, make_org, make_user


def test_token_then_me(app_ctx, client):
    make_user(email="camille@example.org", org=make_org(slug="club"), name="Camille")
    response = client.post(
        "/api/v1/auth/token", json={"email": "camille@example.org", "password": PASSWORD}
    )
    assert response.status_code == 200
    token = response.json["token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json == {
        "id": me.json["id"],
        "email": "camille@example.org",
        "name": "Camille",
        "role": "learner",
        "locale": "fr",
        "organisation": "club",
    }
    assert db.session.scalar(db.select(ApiToken.token_hash)) != token


def test_wrong_password_is_401_in_the_error_shape(app_ctx, client):
    make_user(email="camille@example.org")
    response = client.post(
        "/api/v1/auth/token", json={"email": "camille@example.org", "password": "non"}
    )
    assert response.status_code == 401
    assert response.json["error"]["code"] == "invalid_credentials"
    assert set(response.json["error"]) == {"code", "message", "fields"}


def test_malformed_body_is_422_with_fields(app_ctx, client):
    response = client.post("/api/v1/auth/token", json={"email": 12})
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "validation_error"
    assert "email" in error["fields"] and "password" in error["fields"]


def test_not_json_is_refused_cleanly(app_ctx, client):
    response = client.post("/api/v1/auth/token", data="not json", content_type="text/plain")
    assert 400 <= response.status_code < 500
    assert "error" in response.json


def test_unknown_api_path_is_json_404(app_ctx, client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_garbage_token_is_401(app_ctx, client):
    for header in ("Bearer esc_nope", "Bearer", "Basic abc", "Bearer " + "x" * 5000):
        response = client.get("/api/v1/me", headers={"Authorization": header})
        assert response.status_code == 401, header


def test_openapi_document_is_3_1_and_describes_the_endpoints(app_ctx, client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.1")
    assert "/api/v1/auth/token" in spec["paths"]
    assert "/api/v1/me" in spec["paths"]
    me = spec["paths"]["/api/v1/me"]["get"]
    assert "401" in me["responses"]
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
