"""The evidence page: every row behind a level, newest first, and why it gives that level."""

from __future__ import annotations

from datetime import timedelta

from lms.competency.proficiency import compute_level
from lms.competency.services import NewEvidence, _as_item
from lms.models import EvidenceSource, Role
from tests.factories import make_user
from tests.integration.competency.helpers import (
    T0,
    answers,
    evidence_rows,
    lesson,
    module_id,
    record,
    reviewed_work,
    submitted_answer,
    table_rows,
    work,
)

PAGE = "/profile/competencies/TST-01"


def page_rows(client, path=PAGE):
    rows = table_rows(client.get(path).get_data(as_text=True), "evidence-table")
    return [row for row in rows if row and row[0] != "When"]


def test_every_row_is_listed_newest_first_with_its_share(learner, client):
    # Worked example 2 with its lesson: level 2, shares 0.042875, 0.079625, 0.2275, 0.65.
    record(learner.id, lesson("TST-01"), *answers("TST-01", [1, 0, 1, 1]))
    rows = page_rows(client)
    assert [row[1] for row in rows] == ["Quiz answer"] * 4 + ["Lesson read"]
    assert [row[3] for row in rows] == ["1.00", "1.00", "0.00", "1.00", "1.00"]
    assert [row[5] for row in rows] == ["65%", "23%", "8%", "4%", "—"]
    assert rows[0][2] == "premier-module, question q3"
    assert rows[4][2] == "premier-module"


def test_the_level_is_explained_with_the_rules_reasons(learner, client):
    record(learner.id, lesson("TST-01"), *answers("TST-01", [1, 0, 1, 1]))
    html = client.get(PAGE).get_data(as_text=True)
    expected = compute_level("TST-01", [_as_item("TST-01", r) for r in evidence_rows(learner.id)])
    assert expected.level == 2
    assert "My level: 2 · Compréhension" in html
    for reason in expected.reasons:
        assert f"<li>{reason}</li>" in html  # English interface: the rule's own words
    assert "Knowledge score 0.92 (at least 0.70 needed) over 4 distinct questions" in html


def test_quiz_answers_link_to_their_attempt(learner, client):
    answer = submitted_answer(learner.id)
    record(
        learner.id,
        NewEvidence(
            "TST-01",
            EvidenceSource.QUIZ,
            1.0,
            T0,
            key="premier-module/trois-piliers",
            module_id=module_id("premier-module"),
            answer_id=answer.id,
        ),
    )
    html = client.get(PAGE).get_data(as_text=True)
    assert f'href="/modules/premier-module/quiz/attempts/{answer.attempt_id}"' in html
    assert "Un modèle au service de quoi ?" in html  # the module's title
    assert "<code>trois-piliers</code>" in html


def test_practice_and_ratings_show_who_reviewed_them(learner, client):
    trainer = make_user(Role.TRAINER, name="Dominique Formatrice")
    review = reviewed_work(learner.id, trainer.id, 0.8)
    record(
        learner.id,
        work("TST-02", 0.8, module_id=module_id("premier-module"), review_id=review.id),
        NewEvidence(
            "TST-02",
            EvidenceSource.RATING,
            0.75,
            T0 + timedelta(days=2),
            level=3,
            recorded_by_id=trainer.id,
            note="Très bon atelier.",
        ),
    )
    path = "/profile/competencies/TST-02"
    rows = page_rows(client, path)
    assert [row[1] for row in rows] == ["Trainer rating", "Practical work reviewed"]
    assert "by Dominique Formatrice" in rows[0][2] and "Très bon atelier." in rows[0][2]
    assert "by Dominique Formatrice" in rows[1][2]
    assert rows[1][5] == "100%"
    html = client.get(path).get_data(as_text=True)
    assert "Trainer rating on Mar 5, 2025: level 3." in html
    assert "Level from the evidence alone" in html


def test_no_evidence_yet(learner, client):
    html = client.get("/profile/competencies/TST-03").get_data(as_text=True)
    assert "My level: 0 · Non évalué" in html
    assert "No evidence yet: level 0." in html
    assert page_rows(client, "/profile/competencies/TST-03") == []


def test_unknown_competency_is_404(learner, client):
    assert client.get("/profile/competencies/NOPE-01").status_code == 404
