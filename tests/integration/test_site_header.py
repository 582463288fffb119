"""The site header: rendered once per (language, role) and reused, yet right for every visitor."""

from __future__ import annotations

import re

from lms.extensions import db
from lms.models import Role
from tests.factories import make_org, make_user

NEXT_RE = re.compile(r'<input type="hidden" name="next" value="([^"]*)">')
HEADER_CSRF_RE = re.compile(
    r'<header class="site-header">.*?name="csrf_token" value="([^"]+)"', re.DOTALL
)


def header(html: str) -> str:
    """The <header> element of a page."""
    start = html.index('<header class="site-header">')
    return html[start : html.index("</header>", start)]


def test_each_role_and_language_gets_its_own_navigation(app_ctx, client, auth):
    org = make_org()
    people = [
        make_user(email="lea@example.org", org=org),
        make_user(Role.TRAINER, email="tom@example.org", org=org),
        make_user(Role.ORG_ADMIN, email="ada@example.org", org=org),
    ]
    for person in people:
        person.locale = "en"
    db.session.commit()

    anonymous_fr = header(client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True))
    anonymous_en = header(client.get("/").get_data(as_text=True))
    assert "Se connecter" in anonymous_fr and "Sign in" not in anonymous_fr
    assert "Sign in" in anonymous_en

    seen = {}
    for email in ("lea@example.org", "tom@example.org", "ada@example.org"):
        auth.login(email)
        seen[email] = header(client.get("/modules").get_data(as_text=True))
        auth.logout()
    assert "My profile" in seen["lea@example.org"]
    assert "Cohorts" not in seen["lea@example.org"]
    assert "Cohorts" in seen["tom@example.org"] and "Certification" not in seen["tom@example.org"]
    assert "Cohorts" in seen["ada@example.org"] and "Certification" in seen["ada@example.org"]
    assert "Sign in" not in seen["ada@example.org"]


def test_the_language_switch_returns_to_the_page_with_its_path_escaped(client):
    html = client.get('/modules?q="><script>alert(1)</script>').get_data(as_text=True)
    value = NEXT_RE.search(html).group(1)
    assert value.startswith("/modules?q=")
    assert "<script>" not in header(html)
    assert "&#34;&gt;&lt;script&gt;" in value or "%22%3E%3Cscript%3E" in value


def test_the_header_forms_carry_this_visitors_valid_token(app_ctx, client, auth):
    make_user(email="lea@example.org").locale = "en"
    db.session.commit()
    auth.login("lea@example.org")
    html = client.get("/modules").get_data(as_text=True)
    token = HEADER_CSRF_RE.search(html).group(1)
    response = client.post("/language/fr", data={"csrf_token": token, "next": "/modules"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/modules")
    assert "Se déconnecter" in header(client.get("/modules").get_data(as_text=True))

    # Another visitor's page, rendered from the same cached header, has another token.
    other = client.application.test_client()
    other_html = other.get("/login").get_data(as_text=True)
    assert HEADER_CSRF_RE.search(other_html) is None or (
        HEADER_CSRF_RE.search(other_html).group(1) != token
    )
