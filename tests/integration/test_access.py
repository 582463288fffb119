"""Every route, every role: who is refused.

ROUTES lists each endpoint with the roles that may use it. The completeness
test fails when a route is added without being listed here, so no route goes
untested for refusals.
"""

from __future__ import annotations

import pytest

from lms.models import Role
from tests.conftest import csrf_token
from tests.factories import bearer, make_org, make_user

ALL = (Role.LEARNER, Role.TRAINER, Role.ORG_ADMIN, Role.ADMIN)
PUBLIC = "public"

# endpoint: (method, path, roles allowed | PUBLIC)
ROUTES: dict[str, tuple[str, str, tuple[Role, ...] | str]] = {
    "main.index": ("GET", "/", PUBLIC),
    "main.healthz": ("GET", "/healthz", PUBLIC),
    "main.set_language": ("POST", "/language/en", PUBLIC),
    "auth.login": ("GET", "/login", PUBLIC),
    "auth.register": ("GET", "/register", PUBLIC),
    "auth.reset_request": ("GET", "/reset", PUBLIC),
    "auth.reset_password": ("GET", "/reset/invalid", PUBLIC),
    "auth.logout": ("POST", "/logout", ALL),
    "account.index": ("GET", "/account/", ALL),
    "account.create_token": ("POST", "/account/tokens", ALL),
    "account.revoke_token": ("POST", "/account/tokens/999/revoke", ALL),
    "account.join": ("POST", "/account/join", ALL),
    "account.export": ("GET", "/account/export.json", ALL),
    "account.delete": ("POST", "/account/delete", ALL),
    "admin.users": ("GET", "/admin/users", (Role.ORG_ADMIN, Role.ADMIN)),
    "admin.user_new": ("GET", "/admin/users/new", (Role.ORG_ADMIN, Role.ADMIN)),
    "admin.user_edit": ("GET", "/admin/users/{self_id}/edit", (Role.ORG_ADMIN, Role.ADMIN)),
    "admin.user_deactivate": (
        "POST",
        "/admin/users/{other_id}/deactivate",
        (Role.ORG_ADMIN, Role.ADMIN),
    ),
    "admin.organisations": ("GET", "/admin/organisations", (Role.ADMIN,)),
    "admin.organisation_new": ("GET", "/admin/organisations/new", (Role.ADMIN,)),
    "admin.organisation_edit": ("GET", "/admin/organisations/{org_id}/edit", (Role.ADMIN,)),
    "api.create_token": ("POST", "/api/v1/auth/token", PUBLIC),
    "api.me": ("GET", "/api/v1/me", ALL),
    "api.openapi": ("GET", "/api/v1/openapi.json", PUBLIC),
}
NOT_LISTED = {"static"}


def test_every_route_is_listed(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - NOT_LISTED
    missing = sorted(e for e in endpoints if e not in ROUTES)
    assert missing == [], f"add these endpoints to ROUTES: {missing}"


def _protected():
    return [(e, m, p, roles) for e, (m, p, roles) in ROUTES.items() if roles != PUBLIC]


def _request(client, method, path, headers=None):
    if path.startswith("/api/"):
        return client.open(path, method=method, headers=headers or {}, json={})
    data = {"csrf_token": csrf_token(client, "/account/")} if method == "POST" else None
    return client.open(path, method=method, data=data)


@pytest.mark.parametrize(("endpoint", "method", "path", "roles"), _protected())
def test_anonymous_is_refused(app_ctx, client, endpoint, method, path, roles):
    org = make_org()
    other = make_user(org=org)
    url = path.format(self_id=other.id, other_id=other.id, org_id=org.id)
    response = client.open(url, method=method, json={} if url.startswith("/api/") else None)
    if url.startswith("/api/"):
        assert response.status_code == 401
        assert response.json["error"]["code"] == "unauthorized"
    else:
        # Pages send anonymous people to the sign-in form (POSTs without CSRF get 400 first).
        assert response.status_code in (302, 400)
        if response.status_code == 302:
            assert "/login" in response.headers["Location"]


def _refused():
    return [(e, m, p, role) for e, m, p, roles in _protected() for role in ALL if role not in roles]


@pytest.mark.parametrize(("endpoint", "method", "path", "role"), _refused())
def test_roles_outside_the_list_are_refused(app_ctx, client, auth, endpoint, method, path, role):
    org = make_org()
    me = make_user(role=role, org=org, email="me@example.org")
    # The target belongs to another organisation, so org admins are refused too.
    other = make_user(org=make_org())
    url = path.format(self_id=other.id, other_id=other.id, org_id=org.id)
    if url.startswith("/api/"):
        response = _request(client, method, url, bearer(me))
    else:
        auth.login("me@example.org")
        response = _request(client, method, url)
    assert response.status_code == 403


SELF_DESTRUCTIVE = {"auth.logout", "account.delete", "account.revoke_token"}  # see test_account


@pytest.mark.parametrize(
    ("endpoint", "method", "path", "roles"),
    [r for r in _protected() if r[0] not in SELF_DESTRUCTIVE],
)
def test_allowed_roles_get_in(app_ctx, client, auth, endpoint, method, path, roles):
    org = make_org()
    role = roles[0]
    me = make_user(role=role, org=org, email="me@example.org")
    other = make_user(org=org)
    url = path.format(self_id=other.id, other_id=other.id, org_id=org.id)
    if url.startswith("/api/"):
        response = _request(client, method, url, bearer(me))
    else:
        auth.login("me@example.org")
        response = _request(client, method, url)
    assert response.status_code in (200, 302)
