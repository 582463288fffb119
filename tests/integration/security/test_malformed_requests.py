"""Broken and oversized request bodies get a clear 4xx, never a 500, on every route.

Every API route that reads a JSON body (POST and PUT) is sent bodies that are not
JSON, not an object, deeply nested, not UTF-8 or labelled with another type: each
answers 400, 415 or 422 with the API's JSON error, and records nothing. Every route
that takes a body (forms, uploads, the API) refuses one over MAX_CONTENT_LENGTH
with 413.
"""

from __future__ import annotations

import io

import pytest
from flask import Flask

from lms.models import Role
from tests.access_roles import PUBLIC
from tests.factories import bearer, make_org, make_user
from tests.integration.test_access import ROUTES, _url

MALFORMED = {
    "truncated": (b'{"answers": {', "application/json"),
    "not an object": (b"[1, 2, 3]", "application/json"),
    "a bare string": (b'"text"', "application/json"),
    "null": (b"null", "application/json"),
    "deeply nested": (b"[" * 100_000 + b"]" * 100_000, "application/json"),
    "not utf-8": (b'{"name": "\xff\xfe"}', "application/json"),
    "empty": (b"", "application/json"),
    "form-encoded": (b"a=1&b=2", "application/x-www-form-urlencoded"),
}


def _api_routes_with_a_body(app: Flask) -> list[str]:
    """Endpoints of the API whose POST or PUT reads a JSON body (per the OpenAPI document)."""
    document = app.test_client().get("/api/v1/openapi.json").json
    with_body = {
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if "requestBody" in operation
    }
    endpoints = []
    for rule in app.url_map.iter_rules():
        path = rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
        if any((m, path) in with_body for m in rule.methods or ()):
            endpoints.append(rule.endpoint)
    return sorted(endpoints)


def _caller(endpoint: str) -> tuple[str, dict[str, str]]:
    """The route's URL, and the headers of a caller allowed on it (its first role)."""
    _, path, roles = ROUTES[endpoint]
    org = make_org()
    role = Role.LEARNER if roles == PUBLIC else roles[0]
    me = make_user(role=role, org=org, email="me@example.org")
    other = make_user(org=org)
    url = _url(endpoint, path, self_id=other.id, other_id=other.id, org=org)
    return url, ({} if roles == PUBLIC else bearer(me))


# API routes that change something without reading a body.
WITHOUT_BODY = {"api.mark_section_read"}


def test_the_walk_covers_every_api_post_and_put(app):
    writes = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/") and {"POST", "PUT"} & set(rule.methods or ())
    }
    assert writes - set(_api_routes_with_a_body(app)) == WITHOUT_BODY


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrise by the endpoints found in the application itself."""
    from config import TestConfig
    from lms import create_app

    if "api_endpoint" in metafunc.fixturenames:
        metafunc.parametrize("api_endpoint", _api_routes_with_a_body(create_app(TestConfig)))
    elif "body_endpoint" in metafunc.fixturenames:
        metafunc.parametrize("body_endpoint", _routes_with_a_body(create_app(TestConfig)))


@pytest.mark.parametrize("body", sorted(MALFORMED))
def test_malformed_json_gets_a_json_4xx(app_ctx, client, api_endpoint, body):
    url, headers = _caller(api_endpoint)
    method = ROUTES[api_endpoint][0]
    data, content_type = MALFORMED[body]
    response = client.open(
        url, method=method, data=data, headers=headers, content_type=content_type
    )
    assert response.status_code in (400, 415, 422), (response.status_code, response.data[:300])
    assert response.is_json, response.data[:300]
    error = response.json["error"]
    assert error["code"] and error["message"]


def _routes_with_a_body(app: Flask) -> list[str]:
    """Every endpoint that accepts POST or PUT (forms, uploads, the API)."""
    return sorted(
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if {"POST", "PUT"} & set(rule.methods or ()) and rule.endpoint in ROUTES
    )


def test_every_body_over_the_limit_is_refused_with_413(
    app, app_ctx, client, auth, monkeypatch, body_endpoint
):
    url, headers = _caller(body_endpoint)
    roles = ROUTES[body_endpoint][2]
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    big = b"x" * 4096
    if url.startswith("/api/"):
        method = "PUT" if ROUTES[body_endpoint][0] == "PUT" else "POST"
        response = client.open(
            url, method=method, data=big, headers=headers, content_type="application/json"
        )
        if body_endpoint in WITHOUT_BODY:
            assert response.status_code < 500  # the body is never read
            return
        assert response.status_code == 413
        assert response.json["error"]["code"] == "payload_too_large"
        return
    if roles != PUBLIC:
        auth.login("me@example.org")
    upload = {"file": (io.BytesIO(big), "big.csv"), "files": (io.BytesIO(big), "big.png")}
    response = client.post(url, data=upload, content_type="multipart/form-data")
    assert response.status_code == 413
