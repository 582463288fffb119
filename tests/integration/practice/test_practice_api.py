"""The practice API: GET the assignment and my work, PUT to save or submit."""

from __future__ import annotations

import pytest

from lms.extensions import db
from lms.models import ReviewDecision
from lms.practice import services
from tests.factories import bearer
from tests.integration.practice.helpers import API, post_work, practice_status, submissions


def test_get_before_any_work(learner, client):
    response = client.get(API, headers=bearer(learner))
    assert response.status_code == 200
    assert response.json == {
        "assignment": {
            "module": "premier-module",
            "title": "Cartographier vos activités",
            "instructions_html": response.json["assignment"]["instructions_html"],
            "competencies": [{"code": "TST-02", "title": "Diagnostiquer son modèle"}],
            "rubric": [
                {
                    "criterion": "Exhaustivité",
                    "levels": ["Insuffisant", "Partiel", "Satisfaisant", "Excellent"],
                }
            ],
        },
        "can_edit": True,
        "edit_mode": "start",
        "submissions": [],
    }
    assert "<strong>activités</strong>" in response.json["assignment"]["instructions_html"]


def test_put_saves_a_draft_then_submits_it(learner, client):
    headers = bearer(learner)
    response = client.put(API, json={"text": "Mon **brouillon**."}, headers=headers)
    assert response.status_code == 200
    [draft] = response.json["submissions"]
    assert draft["version"] == 1 and draft["status"] == "draft"
    assert draft["text_html"] == "<p>Mon <strong>brouillon</strong>.</p>"
    assert draft["submitted_at"] is None
    assert response.json["edit_mode"] == "update_draft"
    assert practice_status(learner.id) == "draft"

    # Without "text" the current text is kept; "submit" submits it.
    response = client.put(API, json={"submit": True}, headers=headers)
    assert response.status_code == 200
    [work] = response.json["submissions"]
    assert work["status"] == "submitted" and work["text_md"] == "Mon **brouillon**."
    assert work["submitted_at"] is not None
    assert response.json["can_edit"] is False
    assert practice_status(learner.id) == "submitted"


def test_put_while_awaiting_review_is_409_and_changes_nothing(learner, client):
    headers = bearer(learner)
    client.put(API, json={"text": "Rendu.", "submit": True}, headers=headers)
    response = client.put(API, json={"text": "Autre chose."}, headers=headers)
    assert response.status_code == 409
    assert response.json["error"]["code"] == "awaiting_review"
    assert set(response.json["error"]) == {"code", "message", "fields"}
    assert submissions(learner.id)[0].text_md == "Rendu."


def test_after_a_review_the_document_holds_it_and_put_starts_version_2(learner, trainer, client):
    post_work(client, "Version 1.", [("carte.txt", b"Carte")], submit=True)
    services.record_review(
        db.session, submissions(learner.id)[0], trainer, [2], ReviewDecision.NEEDS_REVISION, "Plus."
    )
    headers = bearer(learner)
    document = client.get(API, headers=headers).json
    assert document["edit_mode"] == "new_version"
    [first] = document["submissions"]
    [attachment] = first["attachments"]
    assert attachment["filename"] == "carte.txt"
    assert attachment["content_type"] == "text/plain; charset=utf-8"
    assert attachment["size"] == 5
    assert attachment["url"] == f"/practice/attachments/{attachment['id']}"
    [review] = first["reviews"]
    assert review["decision"] == "needs_revision"
    assert review["score"] == pytest.approx(1 / 3)
    assert review["criteria"] == [{"criterion": "Exhaustivité", "level": 2}]
    assert review["feedback_html"] == "<p>Plus.</p>"
    assert review["reviewer"] == "Dominique Formatrice"

    response = client.put(API, json={"text": "Version 2."}, headers=headers)
    versions = response.json["submissions"]
    assert [(s["version"], s["status"]) for s in versions] == [
        (2, "draft"),
        (1, "needs_revision"),
    ]
    assert versions[0]["attachments"][0]["filename"] == "carte.txt"  # carried over


def test_accepted_work_is_409(learner, trainer, client):
    post_work(client, "Fini.", submit=True)
    services.record_review(
        db.session, submissions(learner.id)[0], trainer, [4], ReviewDecision.ACCEPTED, ""
    )
    response = client.put(API, json={"text": "Encore."}, headers=bearer(learner))
    assert response.status_code == 409
    assert response.json["error"]["code"] == "accepted"


@pytest.mark.parametrize(
    "body", [{"text": 12}, {"submit": "peut-être"}, {"text": ["a"]}, {"text": None, "submit": []}]
)
def test_malformed_bodies_are_422_and_record_nothing(learner, client, body):
    response = client.put(API, json=body, headers=bearer(learner))
    assert response.status_code == 422
    assert response.json["error"]["code"] == "validation_error"
    assert submissions(learner.id) == []


def test_too_long_or_empty_is_422_with_the_field(learner, client, config):
    config["PRACTICE_MAX_TEXT_CHARS"] = 10
    headers = bearer(learner)
    response = client.put(API, json={"text": "x" * 11}, headers=headers)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "too_long"
    assert "10" in response.json["error"]["fields"]["text"]
    response = client.put(API, json={"text": " ", "submit": True}, headers=headers)
    assert response.status_code == 422
    assert response.json["error"]["code"] == "empty"
    assert submissions(learner.id) == []


def test_hostile_text_is_sanitised(learner, client):
    response = client.put(
        API, json={"text": "<script>alert(1)</script>[x](javascript:y)"}, headers=bearer(learner)
    )
    html = response.json["submissions"][0]["text_html"]
    assert "<script" not in html and "javascript:" not in html


@pytest.mark.parametrize(
    "path", ["/api/v1/modules/second-module/practice", "/api/v1/modules/nope/practice"]
)
def test_no_practice_is_json_404(learner, client, path):
    for method in ("GET", "PUT"):
        response = client.open(path, method=method, json={"text": "x"}, headers=bearer(learner))
        assert response.status_code == 404
        assert response.json["error"]["code"] == "not_found"
    assert submissions(learner.id) == []


def test_without_token_is_401(app_ctx, course, client):
    assert client.get(API).status_code == 401
    assert client.put(API, json={"text": "x"}).status_code == 401


def test_my_work_only(learner, client):
    from tests.factories import make_user

    client.put(API, json={"text": "À moi."}, headers=bearer(learner))
    other = make_user(email="autre@example.org")
    assert client.get(API, headers=bearer(other)).json["submissions"] == []


def test_openapi_documents_the_practice_endpoints(app_ctx, client):
    spec = client.get("/api/v1/openapi.json").json
    path = spec["paths"]["/api/v1/modules/{slug}/practice"]
    assert {"get", "put"} <= set(path)
    assert {"200", "404", "409", "422"} <= set(path["put"]["responses"])
    assert path["put"]["requestBody"]
