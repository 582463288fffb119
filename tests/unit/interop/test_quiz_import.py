"""quiz.yaml writing: ids, key order, appending without touching existing lines."""

from __future__ import annotations

from lms.content.yamlfile import load_yaml
from lms.interop.quiz_import import appended_quiz_text, new_quiz_text, slugify, unique_id

QUESTION = {
    "explanation": "Ligne une.\nLigne deux : avec deux-points.",
    "prompt": "Oui ou non ?",
    "type": "true_false",
    "answer": True,
    "id": "oui-ou-non",
    "competencies": ["MSE-01"],
}


def test_slugify_folds_accents_and_ligatures_and_stays_short():
    assert slugify("Œuvre d'intérêt général !") == "oeuvre-d-interet-general"
    assert len(slugify("mot " * 50)) <= 40


def test_unique_id_adds_a_number_on_clash():
    taken = {"q1"}
    assert unique_id("Q1", taken) == "q1-2"
    assert unique_id("Q1", taken) == "q1-3"
    assert unique_id("!!!", taken) == "question"


def test_new_quiz_text_orders_the_keys_and_reads_back():
    text = new_quiz_text([QUESTION])
    assert text.splitlines()[1] == "  - id: oui-ou-non"
    assert load_yaml(text).data == {"questions": [QUESTION]}
    assert "explanation: |" in text


def test_appending_keeps_existing_lines_and_indentation():
    existing = (
        "# Quiz de l'escale\nquestions:\n- id: a  # première\n  type: true_false\n  answer: false\n"
    )
    text = appended_quiz_text(existing, [QUESTION])
    assert text is not None and text.startswith(existing)
    assert load_yaml(text).data["questions"][1] == QUESTION


def test_a_flow_style_list_cannot_be_appended_to():
    assert appended_quiz_text("questions: []\n", [QUESTION]) is None
