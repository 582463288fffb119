"""Security baseline: headers, cookies, error pages, production settings."""

from __future__ import annotations

import pytest

from config import ProductionConfig
from lms import create_app
from tests.factories import make_user


def test_security_headers_forbid_inline_scripts(app_ctx, client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "<script>" not in response.get_data(as_text=True)


def test_session_cookie_is_httponly_and_samesite(app_ctx, client, auth):
    make_user(email="camille@example.org")
    response = auth.login("camille@example.org")
    session_cookie = next(
        c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")
    )
    assert "HttpOnly" in session_cookie
    assert "SameSite=Lax" in session_cookie


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", None)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)


def test_production_cookies_are_secure(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "x" * 32)
    app = create_app(ProductionConfig)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


@pytest.mark.parametrize(("path", "status"), [("/nowhere", 404), ("/admin/organisations", 302)])
def test_error_pages_are_html_for_people(app_ctx, client, path, status):
    response = client.get(path)
    assert response.status_code == status
    if status == 404:
        assert response.mimetype == "text/html"
        assert "404" in response.get_data(as_text=True)


def test_json_clients_get_json_errors(app_ctx, client):
    response = client.get("/nowhere", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_server_error_page_hides_details():
    from config import TestConfig

    app = create_app(TestConfig)
    app.testing = False  # let the error handler answer, as in production

    @app.route("/boom-test")
    def boom() -> str:
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom-test")
    assert response.status_code == 500
    assert "secret internals" not in response.get_data(as_text=True)
