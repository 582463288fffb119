"""Answers never reach the browser before submission: not in the attempt page, not in the API."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from lms.extensions import db
from lms.models import Question
from lms.quiz.grading import public_view
from tests.factories import bearer, make_user
from tests.integration.quiz.helpers import FULL, attempt_row, attempt_url, module_row, start

CORRECT_ORDER = ["recenser", "chiffrer", "voter", "suivre"]

#: What would give an answer away, per question type, as it is written in quiz.yaml.
SECRETS = {
    "single": [
        "Oui, c'est une ressource publique.",  # the correct choice's feedback
        "Non, ce pilier regroupe les personnes engagées.",
        "Les subventions sont une ressource publique du pilier financier.",  # explanation
    ],
    "multiple": [
        "Oui, le don est une ressource privée.",
        "Non, elle est publique.",
        "Les dons et les ventes viennent du privé",
    ],
    "true_false": ["Le bénévolat relève des richesses humaines."],
    "short": ["cotisation"],  # every accepted answer contains it; the prompt does not
    "numeric": ["42,5", "42.5", "0.5", "0,5", "34 000 / 80 000"],
    "ordering": ["On recense, on chiffre, on vote, puis on suit."],
    "matching": ["Le don est privé, la subvention publique"],
}


def _seed_hiding_the_order() -> str:
    """A seed whose shuffle does not happen to show the ordering question in order."""
    question = db.session.scalar(select(Question).where(Question.key == "etapes-budget"))
    for n in range(100):
        items = [item["id"] for item in public_view(question.definition, f"seed-{n}")["items"]]
        if items != CORRECT_ORDER:
            return f"seed-{n}"
    raise AssertionError("no seed")


def _attempt_page(client, auth) -> tuple[str, str]:
    make_user(email="camille@example.org")
    auth.login("camille@example.org")
    attempt_id = start(client)
    seed = _seed_hiding_the_order()
    attempt = attempt_row(attempt_id)
    attempt.seed = seed
    db.session.commit()
    return client.get(attempt_url(attempt_id)).get_data(as_text=True), seed


def test_attempt_page_holds_no_answer_for_any_type(quiz_course, client, auth):
    html, _ = _attempt_page(client, auth)
    lowered = html.lower()
    for qtype, secrets in SECRETS.items():
        for secret in secrets:
            assert secret.lower() not in lowered, f"{qtype}: {secret!r} is on the page"
    # Nothing pre-selected or pre-filled, no data attribute a script could read.
    assert " checked" not in html
    assert re.search(r'<option value="[^"]+" selected', html) is None
    assert "data-correct" not in html and "data-answer" not in html
    assert re.findall(r'name="q:somme-annuelle" value="([^"]*)"', html) == [""]
    assert re.findall(r'name="q:part-subvention" value="([^"]*)"', html) == [""]


def test_ordering_items_follow_the_attempt_shuffle_only(quiz_course, client, auth):
    html, seed = _attempt_page(client, auth)
    shown = re.findall(r'name="q:etapes-budget:([a-z]+)"', html)
    question = db.session.scalar(select(Question).where(Question.key == "etapes-budget"))
    assert shown == [item["id"] for item in public_view(question.definition, seed)["items"]]
    assert shown != CORRECT_ORDER
    # Each item offers every position, none chosen.
    assert html.count('<option value="4">4</option>') == 4


def test_matching_offers_the_same_options_for_every_item(quiz_course, client, auth):
    html, _ = _attempt_page(client, auth)
    selects = re.findall(
        r'<select id="[^"]+" name="q:associer-ressources:[a-z]+">(.*?)</select>', html, re.S
    )
    assert len(selects) == 3
    assert len(set(selects)) == 1  # nothing differs from one item to the next
    assert selects[0].count("<option") == 5  # a placeholder, 3 answers and the distractor


def _walk(value: Any, path: str = ""):
    if isinstance(value, dict):
        for key, item in value.items():
            yield f"{path}.{key}", key, item
            yield from _walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]")


def test_quiz_json_holds_no_answer_for_any_type(quiz_course, client):
    learner = make_user()
    response = client.get(f"/api/v1/modules/{FULL}/quiz", headers=bearer(learner))
    assert response.status_code == 200
    body = response.json
    allowed = {"pass_mark", "questions", "id", "type", "prompt", "choices", "items"}
    allowed |= {"left", "right", "unit", "text"}
    for path, key, _ in _walk(body):
        assert key in allowed, f"unexpected field {path}"
    text = response.get_data(as_text=True).lower()
    for qtype, secrets in SECRETS.items():
        for secret in secrets:
            assert secret.lower() not in text, f"{qtype}: {secret!r} is in the JSON"
    questions = {q["id"]: q for q in body["questions"]}
    assert [i["id"] for i in questions["etapes-budget"]["items"]] != CORRECT_ORDER
    matching = questions["associer-ressources"]
    rights = [r["id"] for r in matching["right"]]
    assert rights != ["prive", "publique", "activite", "humaine"]  # not in the pairs' order


def test_quiz_json_has_the_contracted_shape(quiz_course, client):
    learner = make_user()
    body = client.get(f"/api/v1/modules/{FULL}/quiz", headers=bearer(learner)).json
    assert body["pass_mark"] == 0.7
    questions = body["questions"]
    assert [q["id"] for q in questions] == [
        "pilier-financier",
        "ressources-privees",
        "benevolat-financier",
        "somme-annuelle",
        "part-subvention",
        "etapes-budget",
        "associer-ressources",
    ]
    single = questions[0]
    assert single["type"] == "single"
    assert single["prompt"] == "Quel pilier regroupe les <strong>subventions</strong> ?"
    # Without a seed choices keep the file order.
    assert [c["id"] for c in single["choices"]] == ["humain", "financier", "alliances"]
    assert single["choices"][1] == {"id": "financier", "text": "Les ressources financières"}
    assert set(questions[2]) == {"id", "type", "prompt"}  # true_false: nothing else
    assert questions[4]["unit"] == "%"
    assert {i["id"] for i in questions[5]["items"]} == set(CORRECT_ORDER)
    assert [left["id"] for left in questions[6]["left"]] == ["don", "subv", "vente"]
    assert len(questions[6]["right"]) == 4
    assert module_row(FULL).pass_mark == body["pass_mark"]


def test_quiz_json_of_an_unknown_module_is_404(quiz_course, client):
    response = client.get("/api/v1/modules/nulle-part/quiz", headers=bearer(make_user()))
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"
