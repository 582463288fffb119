"""Lesson pages are kept rendered per (language, role, section, sections read): each
visitor still gets their own CSRF token, their own messages and their own read marks."""

from __future__ import annotations

import re

from lms.extensions import db
from tests.conftest import csrf_token
from tests.factories import make_user
from tests.integration.courses.conftest import read

INTRO = "/modules/premier-module/sections/introduction"
TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def tokens(html: str) -> set[str]:
    """Every CSRF token in a page."""
    return set(TOKEN_RE.findall(html))


def test_two_learners_sharing_a_kept_page_get_their_own_working_token(learner, client, app):
    first = client.get(INTRO).get_data(as_text=True)
    other_user = make_user(email="noe@example.org", name="Noé")
    other_user.locale = "en"
    db.session.commit()
    other = app.test_client()
    other.post(
        "/login",
        data={
            "email": "noe@example.org",
            "password": "motdepasse-solide",
            "csrf_token": csrf_token(other, "/login"),
        },
    )
    second = other.get(INTRO).get_data(as_text=True)
    assert len(tokens(first)) == 1 and len(tokens(second)) == 1
    assert tokens(first) != tokens(second)
    assert "\x00" not in first and "\x00" not in second  # every slot filled
    # Each token works for its owner: "Mark as read" with the token of the page.
    response = other.post(f"{INTRO}/read", data={"csrf_token": tokens(second).pop()})
    assert response.status_code == 302
    assert "You have read this section." in other.get(INTRO).get_data(as_text=True)
    # The first learner's page did not change: they have not read it.
    assert 'id="mark-read"' in client.get(INTRO).get_data(as_text=True)


def test_a_message_to_flash_is_shown_and_not_kept(learner, client):
    client.get(INTRO)
    read(client, "premier-module", "introduction")
    html = client.get(INTRO).get_data(as_text=True)
    assert "Section marked as read." in html
    assert "Section marked as read." not in client.get(INTRO).get_data(as_text=True)


def test_the_language_switch_returns_to_the_page_with_its_query(learner, client):
    client.get(INTRO)
    html = client.get(f"{INTRO}?from=search").get_data(as_text=True)
    assert 'name="next" value="/modules/premier-module/sections/introduction?from=search"' in html
    html = client.get(INTRO).get_data(as_text=True)
    assert 'name="next" value="/modules/premier-module/sections/introduction?"' in html
