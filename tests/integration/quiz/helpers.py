"""Quiz test helpers: the quiz-course fixture's answers, and the HTML steps of an attempt."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from lms.extensions import db
from lms.models import Attempt, Module
from tests.conftest import csrf_token

QUIZ_COURSE = Path(__file__).parents[2] / "fixtures" / "content" / "quiz-course"
FULL = "quiz-complet"  # one question of each of the seven types
LIMITED = "quiz-limite"  # max_attempts 2, retake_wait_minutes 60, pass mark 0.5

#: Form fields answering every question of FULL right.
RIGHT_FORM: dict[str, Any] = {
    "q:pilier-financier": "financier",
    "q:ressources-privees": ["dons", "ventes"],
    "q:benevolat-financier": "false",
    "q:somme-annuelle": "  Cotisation ",
    "q:part-subvention": "42,5",
    "q:etapes-budget:recenser": "1",
    "q:etapes-budget:chiffrer": "2",
    "q:etapes-budget:voter": "3",
    "q:etapes-budget:suivre": "4",
    "q:associer-ressources:don": "prive",
    "q:associer-ressources:subv": "publique",
    "q:associer-ressources:vente": "activite",
}

#: Form fields answering FULL badly: 2 right (single, true_false), 2 partly right, 3 wrong.
WRONG_FORM: dict[str, Any] = {
    "q:pilier-financier": "financier",  # 1
    "q:ressources-privees": ["dons"],  # 0.5
    "q:benevolat-financier": "false",  # 1
    "q:somme-annuelle": "adhésion",  # 0
    "q:part-subvention": "34",  # 0
    "q:etapes-budget:recenser": "4",  # reversed: 0
    "q:etapes-budget:chiffrer": "3",
    "q:etapes-budget:voter": "2",
    "q:etapes-budget:suivre": "1",
    "q:associer-ressources:don": "prive",  # 1/3
    "q:associer-ressources:subv": "humaine",
}
WRONG_SCORE = round((1 + 0.5 + 1 + 0 + 0 + 0 + 0.3333) / 7, 4)

#: API answers to FULL, all right.
RIGHT_API: dict[str, Any] = {
    "pilier-financier": "financier",
    "ressources-privees": ["dons", "ventes"],
    "benevolat-financier": False,
    "somme-annuelle": "cotisation",
    "part-subvention": 42.5,
    "etapes-budget": ["recenser", "chiffrer", "voter", "suivre"],
    "associer-ressources": {"don": "prive", "subv": "publique", "vente": "activite"},
}

KEY_RE = re.compile(r'name="idempotency_key" type="hidden" value="([^"]+)"')


def module_row(slug: str) -> Module:
    """The module row (fresh from the database)."""
    db.session.expire_all()
    module = db.session.scalar(select(Module).where(Module.slug == slug))
    assert module is not None
    return module


def form_key(html: str) -> str:
    """The idempotency key embedded in a page's form."""
    match = KEY_RE.search(html)
    assert match, "no idempotency key on the page"
    return match.group(1)


def start(client: FlaskClient, slug: str = FULL) -> int:
    """Start (or resume) an attempt through the quiz page; returns its id."""
    page = client.get(f"/modules/{slug}/quiz")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    response = client.post(
        f"/modules/{slug}/quiz/attempts",
        data={
            "csrf_token": csrf_token(client, f"/modules/{slug}/quiz"),
            "idempotency_key": form_key(html),
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def attempt_url(attempt_id: int, slug: str = FULL) -> str:
    return f"/modules/{slug}/quiz/attempts/{attempt_id}"


def post_attempt(
    client: FlaskClient,
    attempt_id: int,
    fields: dict[str, Any],
    action: str = "submit",
    slug: str = FULL,
):
    """Post the attempt form (as the browser does, with the page's CSRF token and key)."""
    html = client.get(attempt_url(attempt_id, slug)).get_data(as_text=True)
    data = {
        **fields,
        "csrf_token": csrf_token(client, attempt_url(attempt_id, slug)),
        "idempotency_key": form_key(html),
        "action": action,
    }
    return client.post(attempt_url(attempt_id, slug), data=data)


def take_quiz(client: FlaskClient, fields: dict[str, Any], slug: str = FULL) -> int:
    """Start an attempt and submit it; returns its id."""
    attempt_id = start(client, slug)
    response = post_attempt(client, attempt_id, fields, slug=slug)
    assert response.status_code == 303, response.get_data(as_text=True)
    return attempt_id


def attempt_row(attempt_id: int) -> Attempt:
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt is not None
    return attempt


def result_block(html: str, question_key: str) -> str:
    """The feedback page's block for one question."""
    start_at = html.rfind("<li", 0, html.index(f'data-question="{question_key}"'))
    end_at = html.find('<li class="quiz-result', start_at + 1)
    return html[start_at : end_at if end_at != -1 else len(html)]
