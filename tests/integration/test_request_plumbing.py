"""What every request does before and after its view: load the signed-in user, read and
sign the session cookie, sign the CSRF token, add the security headers. These were made
cheaper (lms.auth.user_loading, lms.security, lms.page_cache); the behaviour must not move."""

from __future__ import annotations

import itertools
import time

import pytest
from flask import Response, flash, session
from itsdangerous.timed import TimestampSigner
from sqlalchemy import update

from lms.auth.user_loading import load_user
from lms.extensions import db
from lms.models import Role, User
from tests.conftest import CSRF_RE
from tests.factories import make_user


def test_a_deactivated_account_is_signed_out_at_its_next_request(app_ctx, client, auth):
    user = make_user(email="camille@example.org")
    auth.login("camille@example.org")
    assert client.get("/account/").status_code == 200
    # Another process (an administrator's request) deactivates the account: no copy of
    # the user outlives the request that read it.
    db.session.execute(update(User).where(User.id == user.id).values(active=False))
    db.session.commit()
    assert client.get("/account/").status_code == 302


def test_a_role_changed_elsewhere_applies_at_the_next_request(app_ctx, client, auth):
    user = make_user(email="camille@example.org")
    auth.login("camille@example.org")
    assert client.get("/admin/organisations").status_code in {302, 403}
    db.session.execute(update(User).where(User.id == user.id).values(role=Role.ADMIN))
    db.session.commit()
    assert client.get("/admin/organisations").status_code == 200


def test_the_loaded_user_is_a_clean_persistent_row_that_saves_changes(app_ctx):
    user_id = make_user(email="camille@example.org", name="Camille").id
    db.session.remove()
    session = db.session()
    user = load_user(session, user_id)
    assert user is not None and user.email == "camille@example.org" and user.role == Role.LEARNER
    assert user in session and not session.dirty and not session.new
    assert user.organisation is None  # relationships load as usual
    user.name = "Camille B."
    session.commit()
    db.session.remove()
    assert db.session.get(User, user_id).name == "Camille B."


def test_loading_a_user_the_session_holds_returns_that_object(app_ctx):
    user = make_user(email="camille@example.org")
    assert load_user(db.session(), user.id) is user


def test_an_unknown_or_foreign_user_id_means_signed_out(app_ctx, client):
    assert load_user(db.session(), 999_999) is None
    with client.session_transaction() as session:
        session["_user_id"] = "not-a-number"
    assert client.get("/account/").status_code == 302


def test_every_page_token_works_and_is_signed_anew_each_time(app_ctx, client, auth, monkeypatch):
    make_user(email="camille@example.org")
    auth.login("camille@example.org")
    # The signers' clock moves on by ten seconds at each reading (cookies' signers too).
    clock = itertools.count(int(time.time()) + 10, 10)
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: next(clock))
    pages = [client.get(path).get_data(as_text=True) for path in ("/modules", "/account/")]
    first, second = ({a or b for a, b in CSRF_RE.findall(page)} for page in pages)
    assert len(first) == 1 and len(second) == 1
    # A token that stayed the same across compressed pages would help a BREACH-style attack.
    assert first != second
    for token in (first.pop(), second.pop()):
        response = client.post("/language/en", data={"csrf_token": token, "next": "/"})
        assert response.status_code == 302


def test_a_changed_secret_key_refuses_old_session_cookies(app, app_ctx, client, auth):
    make_user(email="camille@example.org")
    auth.login("camille@example.org")
    assert client.get("/account/").status_code == 200
    original = app.secret_key
    try:
        app.secret_key = "another-secret-key-for-this-test"
        assert client.get("/account/").status_code == 302  # the old cookie no longer verifies
    finally:
        app.secret_key = original


def test_a_view_own_security_header_is_kept_and_the_others_added(app):
    with app.test_request_context("/"):
        response = app.process_response(Response("x", headers={"Referrer-Policy": "no-referrer"}))
    assert response.headers.getlist("Referrer-Policy") == ["no-referrer"]
    names = [name for name, _value in response.headers.items()]
    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options"):
        assert names.count(header) == 1


def test_the_blueprints_the_limiter_skips_declare_no_limit(app):
    """The limiter skips reading pages outright (lms.extensions.UNLIMITED_BLUEPRINTS): none
    of their routes may carry a limit it would then ignore."""
    from lms.extensions import UNLIMITED_BLUEPRINTS

    # Flask-Limiter marks every view it wraps with a limit with this attribute.
    LIMITED_VIEW_MARK = "__wrapper-limiter-instance"

    skipped = {
        endpoint: view
        for endpoint, view in app.view_functions.items()
        if endpoint.split(".")[0] in UNLIMITED_BLUEPRINTS
    }
    assert skipped  # the reading pages are there
    # How a limited view looks (the sign-in form; tests/integration/test_auth.py hits its limit).
    assert hasattr(app.view_functions["auth.login"], LIMITED_VIEW_MARK)
    for endpoint, view in skipped.items():
        assert not hasattr(view, LIMITED_VIEW_MARK), endpoint


def _later(monkeypatch, seconds: int) -> None:
    """Move the clocks of the signers and of the remembered cookies `seconds` ahead."""
    now = time.time() + seconds
    monkeypatch.setattr(time, "time", lambda: now)
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(now))


def test_a_session_cookie_accepted_before_is_refused_once_expired(app, app_ctx, client, auth):
    """A verified cookie is remembered (lms.security.SessionCookies), not beyond its life."""
    make_user(email="camille@example.org")
    auth.login("camille@example.org")
    assert client.get("/account/").status_code == 200
    assert client.get("/account/").status_code == 200  # the remembered cookie
    lifetime = int(app.permanent_session_lifetime.total_seconds())
    with pytest.MonkeyPatch.context() as patch:
        _later(patch, lifetime - 60)
        assert client.get("/account/").status_code == 200  # still within its life
    with pytest.MonkeyPatch.context() as patch:
        _later(patch, lifetime + 60)
        assert client.get("/account/").status_code == 302  # signed out


def test_a_remembered_session_never_carries_another_requests_changes(app):
    """Two requests with the same cookie start from what it says, whatever the first one
    did to its session (here: flash a message, which appends to a list in place)."""
    interface = app.session_interface
    cookie_name = app.config["SESSION_COOKIE_NAME"]
    signer = interface.get_signing_serializer(app)
    cookie = signer.dumps({"_user_id": "1", "_flashes": [("info", "Enregistré.")]})
    plain = signer.dumps({"_user_id": "1", "csrf_token": "abc"})
    for _ in range(2):
        with app.test_request_context("/", headers={"Cookie": f"{cookie_name}={cookie}"}):
            flash("Encore.")
            assert session["_flashes"][0] == ("info", "Enregistré.")
            assert len(session["_flashes"]) == 2  # never 3: the first request's flash is gone
        with app.test_request_context("/", headers={"Cookie": f"{cookie_name}={plain}"}):
            assert session["csrf_token"] == "abc"
            session["csrf_token"] = "changed"  # only this request's session changes


def test_the_kept_csrf_signer_signs_as_flask_wtf_does(monkeypatch):
    """lms.page_cache.CsrfSigner gives itsdangerous' token byte for byte, at every moment."""
    from itsdangerous import URLSafeTimedSerializer

    from lms.page_cache import CsrfSigner

    signer = CsrfSigner("a-secret-key")
    reference = URLSafeTimedSerializer("a-secret-key", salt="wtf-csrf-token")
    tokens = set()
    for moment, raw in [(1_800_000_000, "f" * 40), (1_800_000_001, "f" * 40), (7, "0" * 40)]:
        monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self, at=moment: at)
        token = signer.sign(raw)
        assert token == reference.dumps(raw)
        assert reference.loads(token) == raw
        tokens.add(token)
    assert len(tokens) == 3  # a new signature every second
