"""Administration of users and organisations, and the org admin's narrower reach."""

from __future__ import annotations

import re

from lms.extensions import db
from lms.models import Organisation, Role, User
from tests.conftest import csrf_token
from tests.factories import make_org, make_user


def _as(client, auth, role, org=None):
    make_user(role=role, org=org, email="boss@example.org")
    auth.login("boss@example.org")


def test_admin_searches_users(app_ctx, client, auth):
    _as(client, auth, Role.ADMIN)
    make_user(name="Zoé Lambert", email="zoe@example.org")
    make_user(name="Marc Durand", email="marc@example.org")
    page = client.get("/admin/users?q=zoé").get_data(as_text=True)
    assert "zoe@example.org" in page
    assert "marc@example.org" not in page


def test_admin_creates_user_without_password_sends_invitation(app_ctx, client, auth, caplog):
    _as(client, auth, Role.ADMIN)
    org = make_org()
    response = client.post(
        "/admin/users/new",
        data={
            "name": "Nina Formatrice",
            "email": "nina@example.org",
            "role": "trainer",
            "organisation_id": str(org.id),
            "password": "",
            "active": "y",
            "csrf_token": csrf_token(client, "/admin/users/new"),
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "nina@example.org"))
    assert user.role == Role.TRAINER and user.organisation_id == org.id
    assert re.search(r"/reset/[\w.\-]+", caplog.text)


def test_admin_deactivates_a_user_who_then_cannot_sign_in(app_ctx, client, auth, app):
    _as(client, auth, Role.ADMIN)
    target = make_user(email="target@example.org")
    client.post(
        f"/admin/users/{target.id}/deactivate",
        data={"csrf_token": csrf_token(client, "/admin/users")},
    )
    other = app.test_client()
    other.post(
        "/login",
        data={
            "email": "target@example.org",
            "password": "motdepasse-solide",
            "csrf_token": csrf_token(other, "/login"),
        },
    )
    assert other.get("/account/").status_code == 302


def test_org_admin_sees_and_edits_only_their_organisation(app_ctx, client, auth):
    mine, theirs = make_org(), make_org()
    _as(client, auth, Role.ORG_ADMIN, org=mine)
    colleague = make_user(org=mine, email="colleague@example.org")
    stranger = make_user(org=theirs, email="stranger@example.org")
    page = client.get("/admin/users").get_data(as_text=True)
    assert "colleague@example.org" in page
    assert "stranger@example.org" not in page
    assert client.get(f"/admin/users/{colleague.id}/edit").status_code == 200
    assert client.get(f"/admin/users/{stranger.id}/edit").status_code == 403


def test_org_admin_cannot_create_an_admin(app_ctx, client, auth):
    org = make_org()
    _as(client, auth, Role.ORG_ADMIN, org=org)
    response = client.post(
        "/admin/users/new",
        data={
            "name": "Pirate",
            "email": "pirate@example.org",
            "role": "admin",
            "organisation_id": str(org.id),
            "password": "mot-de-passe-long",
            "csrf_token": csrf_token(client, "/admin/users/new"),
        },
    )
    assert response.status_code == 200  # the form refuses the choice
    assert db.session.scalar(db.select(User).where(User.email == "pirate@example.org")) is None


def test_admin_creates_and_deactivates_an_organisation(app_ctx, client, auth):
    _as(client, auth, Role.ADMIN)
    token = csrf_token(client, "/admin/organisations/new")
    client.post(
        "/admin/organisations/new",
        data={
            "name": "Fondation Exemple",
            "slug": "fondation-exemple",
            "active": "y",
            "csrf_token": token,
        },
    )
    org = db.session.scalar(db.select(Organisation).where(Organisation.slug == "fondation-exemple"))
    assert org is not None and org.active and org.join_code
    response = client.post(
        f"/admin/organisations/{org.id}/edit",
        data={"name": "Fondation Exemple", "slug": "fondation-exemple", "csrf_token": token},
    )
    assert response.status_code == 302
    db.session.refresh(org)
    assert not org.active


def test_duplicate_organisation_slug_is_a_form_error(app_ctx, client, auth):
    _as(client, auth, Role.ADMIN)
    make_org(slug="prise")
    response = client.post(
        "/admin/organisations/new",
        data={
            "name": "Autre",
            "slug": "prise",
            "csrf_token": csrf_token(client, "/admin/organisations/new"),
        },
    )
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
