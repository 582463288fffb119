"""Shared fixtures: an app on SQLite (or TEST_DATABASE_URL), a client, and sign-in helpers.

Tables are created once per session and emptied after every test, so each test
starts from an empty database whichever engine runs the suite.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import text

from config import TestConfig
from lms import create_app
from lms.content import cache as content_cache
from lms.content.model import Course
from lms.content.reader import read_course
from lms.content.services import load_content
from lms.extensions import db, limiter

IS_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
DATABASE_URL = TestConfig.SQLALCHEMY_DATABASE_URI
ON_POSTGRES = DATABASE_URL.startswith("postgresql")


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One application for the session, with fresh tables."""
    os.environ.setdefault("INSTANCE_PATH", str(tmp_path_factory.mktemp("instance")))
    application = create_app(TestConfig)
    application.config["UPLOAD_DIR"] = str(tmp_path_factory.mktemp("uploads"))
    with application.app_context():
        db.drop_all()
        db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_database(request: pytest.FixtureRequest) -> Iterator[None]:
    """Empty every table after each test that used the app."""
    yield
    if "app" not in request.fixturenames:
        return
    application: Flask = request.getfixturevalue("app")
    with application.app_context():
        empty_database()


def empty_database() -> None:
    """Delete every row of every table of the current app's database; reset rate limits."""
    db.session.remove()
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as connection:
        if ON_POSTGRES:
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())
    content_cache.clear()  # rows were deleted behind the ORM's back
    limiter.reset()


FIXTURE_COURSE = Path(__file__).parent / "fixtures" / "content" / "valid" / "content"
REAL_COURSE = Path(__file__).parent.parent / "content"


@pytest.fixture
def course(app_ctx: Flask) -> Course:
    """The small valid fixture course (modules premier-module, deuxieme, troisieme), loaded."""
    load_content(FIXTURE_COURSE)
    return read_course(FIXTURE_COURSE)


@pytest.fixture
def app_ctx(app: Flask) -> Iterator[Flask]:
    """An application context, for tests that call services directly."""
    with app.app_context():
        yield app
        db.session.remove()


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in its own application context.

    Tests hold an app context to use factories; without this, requests would
    share its `g` (and Flask-Login's cached user) and its database session.
    """

    def open(self, *args: object, **kwargs: object):  # type: ignore[override]
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A browser-like test client (cookies kept)."""
    app.test_client_class = IsolatedClient
    client = app.test_client()
    # Anonymous pages answer in English unless a test asks otherwise, so tests can read the
    # msgids; signed-in pages follow the user's own locale (French by default).
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """The `flask` command-line runner."""
    return app.test_cli_runner()


CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_token(client: FlaskClient, path: str) -> str:
    """GET a page and return the CSRF token of its first form."""
    response = client.get(path)
    match = CSRF_RE.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {path} ({response.status_code})"
    return match.group(1) or match.group(2)


class AuthActions:
    """Sign in and out through the real forms."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, email: str, password: str = "motdepasse-solide", remember: bool = False):
        data = {
            "email": email,
            "password": password,
            "csrf_token": csrf_token(self.client, "/login"),
        }
        if remember:
            data["remember"] = "y"
        return self.client.post("/login", data=data)

    def logout(self):
        return self.client.post(
            "/logout", data={"csrf_token": csrf_token(self.client, "/account/")}
        )


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    """Sign-in helper bound to `client`."""
    return AuthActions(client)
