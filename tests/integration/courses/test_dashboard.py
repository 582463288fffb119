"""The signed-in home page: continue where you left off, what's next, overall progress."""

from __future__ import annotations

import re

from lms.extensions import db
from lms.models.base import utcnow
from tests.integration.courses.conftest import progress_row, read


def card(html: str, card_id: str) -> str | None:
    """The HTML of one dashboard card, or None when it is not shown."""
    match = re.search(rf'<section[^>]*id="{card_id}">(.*?)</section>', html, re.S)
    return match.group(1) if match else None


def home(client) -> str:
    return client.get("/").get_data(as_text=True)


def pass_quiz(user, slug: str) -> None:
    row = progress_row(user, slug)
    row.quiz_passed_at = utcnow()
    db.session.commit()


def test_a_new_learner_is_invited_to_start_the_first_module(learner, client):
    html = home(client)
    assert card(html, "continue") is None
    nxt = card(html, "whats-next")
    assert "Un modèle au service de quoi ?" in nxt
    assert 'href="/modules/premier-module/sections/introduction"' in nxt
    assert "Start this module" in nxt


def test_continue_goes_to_the_section_last_visited(learner, client):
    read(client, "premier-module", "introduction", then="next")
    client.get("/modules/premier-module/sections/details")
    client.get("/")  # leaving, then coming back
    html = home(client)
    cont = card(html, "continue")
    assert 'href="/modules/premier-module/sections/details"' in cont
    assert "Les détails : suite" in cont
    assert 'value="50"' in cont
    # Next: not the module under way, and not second-module whose prerequisite is not completed.
    assert 'href="/modules/troisieme"' in card(html, "whats-next")


def test_continue_follows_the_most_recent_activity(learner, client):
    client.get("/modules/premier-module/sections/introduction")
    client.get("/modules/troisieme/sections/territoire")
    assert 'href="/modules/troisieme/sections/territoire"' in card(home(client), "continue")
    client.get("/modules/premier-module/sections/details")
    assert 'href="/modules/premier-module/sections/details"' in card(home(client), "continue")


def test_once_read_the_next_step_is_the_quiz(learner, client):
    read(client, "premier-module", "introduction")
    read(client, "premier-module", "details")
    cont = card(home(client), "continue")
    assert 'href="/modules/premier-module/quiz"' in cont


def test_a_completed_module_unlocks_the_modules_that_need_it(learner, client):
    read(client, "premier-module", "introduction")
    read(client, "premier-module", "details")
    pass_quiz(learner, "premier-module")
    html = home(client)
    assert card(html, "continue") is None
    assert 'href="/modules/second-module"' in card(html, "whats-next")
    assert "1 of 3 modules completed" in html


def test_everything_completed(learner, client):
    for module, section in [
        ("premier-module", "introduction"),
        ("premier-module", "details"),
        ("second-module", "bases"),
        ("troisieme", "territoire"),
    ]:
        read(client, module, section)
    for module in ("premier-module", "second-module", "troisieme"):
        pass_quiz(learner, module)
    html = home(client)
    assert "You have completed every module." in html
    assert 'aria-label="Sections read in the whole course">100 %' in html


def test_anonymous_home_keeps_the_welcome(app_ctx, client, course):
    html = home(client)
    assert 'class="hero"' in html
    assert 'id="whats-next"' not in html
