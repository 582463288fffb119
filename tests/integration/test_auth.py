"""Sign-in, registration, password reset and the login rate limit, through the real forms."""

from __future__ import annotations

import re

import pytest
from flask import current_app
from itsdangerous import URLSafeTimedSerializer

from lms.auth import services
from lms.extensions import db
from lms.models import CohortMembership, User
from tests.conftest import csrf_token
from tests.factories import PASSWORD, make_cohort, make_org, make_user


def test_login_success_shows_the_signed_in_home(app_ctx, client, auth):
    make_user(email="camille@example.org", name="Camille")
    response = auth.login("camille@example.org")
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Camille" in page
    assert db.session.scalar(db.select(User.last_login_at)) is not None


@pytest.mark.parametrize(
    ("email", "password"),
    [("camille@example.org", "wrong-password"), ("nobody@example.org", PASSWORD)],
)
def test_login_failure_gives_one_generic_message(app_ctx, client, auth, email, password):
    make_user(email="camille@example.org")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr-FR,fr;q=0.9"  # French, as by default
    response = auth.login(email, password)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # The same words whether the account exists or not.
    assert "Adresse e-mail ou mot de passe incorrect." in page
    assert client.get("/account/").status_code == 302


def test_deactivated_user_cannot_sign_in(app_ctx, client, auth):
    user = make_user(email="parti@example.org")
    user.active = False
    db.session.commit()
    auth.login("parti@example.org")
    assert client.get("/account/").status_code == 302


def test_remember_me_sets_a_long_lived_cookie(app_ctx, client, auth):
    make_user(email="camille@example.org")
    response = auth.login("camille@example.org", remember=True)
    cookies = response.headers.getlist("Set-Cookie")
    assert any(c.startswith("remember_token=") and "HttpOnly" in c for c in cookies)


def test_login_is_rate_limited(app_ctx, client, auth):
    make_user(email="camille@example.org")
    token = csrf_token(client, "/login")
    statuses = [
        client.post(
            "/login", data={"email": "camille@example.org", "password": "x", "csrf_token": token}
        ).status_code
        for _ in range(12)
    ]
    assert statuses[:10] == [200] * 10
    assert statuses[-1] == 429
    # Even the right password is refused while limited.
    response = client.post(
        "/login", data={"email": "camille@example.org", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 429


def test_form_without_csrf_token_is_refused(app_ctx, client):
    make_user(email="camille@example.org")
    response = client.post("/login", data={"email": "camille@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/account/").status_code == 302


def test_logout_requires_post_with_csrf(app_ctx, client, auth):
    make_user(email="camille@example.org")
    auth.login("camille@example.org")
    assert client.post("/logout").status_code == 400  # no token: still signed in
    assert client.get("/account/").status_code == 200
    auth.logout()
    assert client.get("/account/").status_code == 302


def _register(client, **fields):
    data = {
        "name": "Nouvelle Personne",
        "email": "nouvelle@example.org",
        "password": "un-mot-de-passe-long",
        "confirm": "un-mot-de-passe-long",
        "join_code": "",
        "locale": "fr",
        "csrf_token": csrf_token(client, "/register"),
    }
    data.update(fields)
    return client.post("/register", data=data)


def test_register_with_cohort_code_joins_organisation_and_cohort(app_ctx, client):
    org = make_org()
    cohort = make_cohort(org, join_code="PROMO-1")
    response = _register(client, join_code="PROMO-1")
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "nouvelle@example.org"))
    assert user.organisation_id == org.id
    assert (
        db.session.scalar(
            db.select(CohortMembership).where(CohortMembership.user_id == user.id)
        ).cohort_id
        == cohort.id
    )


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"join_code": "INCONNU"}, "join code"),
        ({"password": "court", "confirm": "court"}, "10"),
        ({"confirm": "autre-chose-long"}, "differ"),
        ({"email": "pas-une-adresse"}, "email"),
    ],
)
def test_register_refusals_are_shown_on_the_form(app_ctx, client, fields, expected):
    response = _register(client, **fields)
    assert response.status_code == 200
    assert expected.lower() in response.get_data(
        as_text=True
    ).lower() or "aria-invalid" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_register_refuses_a_taken_address(app_ctx, client):
    make_user(email="nouvelle@example.org")
    response = _register(client)
    assert response.status_code == 200
    assert db.session.scalar(db.select(db.func.count(User.id))) == 1


def _reset_link(caplog) -> str:
    match = re.search(r"(/reset/[\w.\-]+)", caplog.text)
    assert match, caplog.text
    return match.group(1)


def _choose_password(client, auth, link: str, email: str, new: str) -> None:
    """Choose a password through a link's form, then sign in with it."""
    response = client.post(
        link, data={"password": new, "confirm": new, "csrf_token": csrf_token(client, link)}
    )
    assert response.status_code == 302
    auth.login(email, new)
    assert client.get("/account/").status_code == 200


def test_password_reset_round_trip(app_ctx, client, auth, caplog):
    make_user(email="camille@example.org")
    client.post(
        "/reset",
        data={"email": "camille@example.org", "csrf_token": csrf_token(client, "/reset")},
    )
    link = _reset_link(caplog)
    _choose_password(client, auth, link, "camille@example.org", "nouveau-mot-de-passe")
    # The link is single-use: the password changed, so it no longer works.
    assert client.get(link).status_code == 302


def test_password_reset_for_unknown_address_says_the_same(app_ctx, client, caplog):
    response = client.post(
        "/reset",
        data={"email": "personne@example.org", "csrf_token": csrf_token(client, "/reset")},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "/reset/" not in caplog.text


def test_password_reset_token_expires(app_ctx):
    user = make_user()
    token = services.make_reset_token(user)
    assert services.user_for_reset_token(token, max_age=3600) == user
    old_token = _signed_ago(services.RESET_SALT, user, 3601)  # an hour and a second ago
    assert services.user_for_reset_token(old_token, max_age=3600) is None
    assert services.user_for_reset_token(token + "x") is None


def _signed_ago(salt: str, user: User, seconds: int) -> str:
    """A token of this kind for the user, as if signed `seconds` ago."""
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)
    import time

    real_time = time.time
    try:
        time.time = lambda: real_time() - seconds  # type: ignore[assignment]
        return serializer.dumps({"uid": user.id, "fp": services._password_fingerprint(user)})
    finally:
        time.time = real_time  # type: ignore[assignment]


def test_an_invitation_lasts_days_where_a_reset_link_lasts_an_hour(app_ctx, client, auth):
    """A new account's link to choose a password still works two days later (people do not
    all read their mail within the hour); it expires after INVITATION_MAX_AGE (14 days)."""
    user = make_user(email="nouvelle@example.org")
    two_days = 2 * 24 * 3600
    invitation = _signed_ago(services.INVITATION_SALT, user, two_days)
    assert services.user_for_password_link(_signed_ago(services.RESET_SALT, user, two_days)) is None
    assert (
        services.user_for_password_link(_signed_ago(services.INVITATION_SALT, user, 15 * 24 * 3600))
        is None
    )
    link = f"/reset/{invitation}"
    assert client.get(link).status_code == 200
    _choose_password(client, auth, link, "nouvelle@example.org", "mon-premier-mot-de-passe")
    # Single-use, like a reset link: the password changed, so it no longer works.
    assert client.get(link).status_code == 302


def test_a_reset_link_is_not_an_invitation_and_the_other_way_round(app_ctx):
    user = make_user()
    assert services.user_for_invitation_token(services.make_reset_token(user)) is None
    assert services.user_for_reset_token(services.make_invitation_token(user)) is None
    assert services.user_for_password_link(services.make_invitation_token(user)) == user


def test_next_parameter_cannot_redirect_off_site(app_ctx, client):
    make_user(email="camille@example.org")
    response = client.post(
        "/login?next=//evil.example/",
        data={
            "email": "camille@example.org",
            "password": PASSWORD,
            "csrf_token": csrf_token(client, "/login"),
        },
    )
    assert response.headers["Location"] == "/"
