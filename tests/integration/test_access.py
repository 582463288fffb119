"""Every route, every role: who is refused.

Each area lists its endpoints, with the roles that may use them, in a module
`tests/integration/access_<area>.py` holding a dict `ROUTES`; this file merges
them. The completeness test fails when a route is added without being listed,
so no route goes untested for refusals.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path

import pytest

from lms.content.services import load_content
from lms.models import Organisation, Role
from tests.access_roles import ALL, PUBLIC
from tests.conftest import FIXTURE_COURSE, csrf_token
from tests.factories import bearer, make_org, make_user

# endpoint -> the function of its access module that makes the objects its path names.
PLACEHOLDERS: dict[str, Callable[[Organisation], dict[str, object]]] = {}


def _load_routes() -> dict[str, tuple[str, str, tuple[Role, ...] | str]]:
    routes: dict[str, tuple[str, str, tuple[Role, ...] | str]] = {}
    for path in sorted(Path(__file__).parent.glob("access_*.py")):
        spec = importlib.util.spec_from_file_location(f"access_{path.stem}", path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        overlap = routes.keys() & module.ROUTES.keys()
        assert not overlap, f"{path.name} lists endpoints twice: {overlap}"
        routes.update(module.ROUTES)
        # An access module may define placeholders(org) -> {name: value} for its paths.
        if hasattr(module, "placeholders"):
            PLACEHOLDERS.update(dict.fromkeys(module.ROUTES, module.placeholders))
    return routes


ROUTES = _load_routes()
NOT_LISTED = {"static"}


def test_every_route_is_listed(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - NOT_LISTED
    missing = sorted(e for e in endpoints if e not in ROUTES)
    assert missing == [], f"add these endpoints to ROUTES: {missing}"


def _url(endpoint: str, path: str, *, self_id: int, other_id: int, org: Organisation) -> str:
    """Fill a route's placeholders; {module}/{section} need the fixture course (loaded here)."""
    if "{module}" in path or "{section}" in path:
        load_content(FIXTURE_COURSE)
    extra = PLACEHOLDERS[endpoint](org) if endpoint in PLACEHOLDERS else {}
    return path.format(
        self_id=self_id,
        other_id=other_id,
        org_id=org.id,
        module="premier-module",
        section="introduction",
        **extra,
    )


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
    url = _url(endpoint, path, self_id=other.id, other_id=other.id, org=org)
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
    url = _url(endpoint, path, self_id=other.id, other_id=other.id, org=org)
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
    url = _url(endpoint, path, self_id=other.id, other_id=other.id, org=org)
    if url.startswith("/api/"):
        response = _request(client, method, url, bearer(me))
    else:
        auth.login("me@example.org")
        response = _request(client, method, url)
    # Let in: not refused. A request without a valid body may still be invalid (422).
    assert response.status_code not in (401, 403), response.status_code
    assert response.status_code < 500
