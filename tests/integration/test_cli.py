"""Operator commands: users create/list/token, demo."""

from __future__ import annotations

from lms.extensions import db
from lms.models import Role, User
from tests.factories import make_org


def test_users_create_then_login_through_the_form(app_ctx, runner, client, auth):
    make_org(slug="club")
    result = runner.invoke(
        args=[
            "users",
            "create",
            "nina@example.org",
            "--role",
            "trainer",
            "--org",
            "club",
            "--name",
            "Nina",
            "--password",
            "mot-de-passe-long",
        ]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).where(User.email == "nina@example.org"))
    assert user.role == Role.TRAINER and user.organisation.slug == "club"
    auth.login("nina@example.org", "mot-de-passe-long")
    assert client.get("/account/").status_code == 200


def test_users_create_prompts_for_the_password(app_ctx, runner):
    result = runner.invoke(
        args=["users", "create", "p@example.org"], input="mot-de-passe-long\nmot-de-passe-long\n"
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(db.select(User.email)) == "p@example.org"


def test_users_create_refuses_unknown_org_and_weak_password(app_ctx, runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "a@example.org",
            "--org",
            "nope",
            "--password",
            "mot-de-passe-long",
        ]
    )
    assert result.exit_code != 0 and "nope" in result.output
    result = runner.invoke(args=["users", "create", "a@example.org", "--password", "court"])
    assert result.exit_code != 0
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_users_list_and_token(app_ctx, runner, client):
    runner.invoke(args=["users", "create", "a@example.org", "--password", "mot-de-passe-long"])
    assert "a@example.org\tlearner" in runner.invoke(args=["users", "list"]).output
    token = runner.invoke(args=["users", "token", "a@example.org"]).output.strip()
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json["email"]
        == "a@example.org"
    )


def test_demo_is_idempotent_and_prints_accounts(app_ctx, runner):
    first = runner.invoke(args=["demo"])
    assert "Demo data created." in first.output
    assert "formatrice@escales.test" in first.output
    count = db.session.scalar(db.select(db.func.count(User.id)))
    second = runner.invoke(args=["demo"])
    assert "already present" in second.output
    assert db.session.scalar(db.select(db.func.count(User.id))) == count == 6
