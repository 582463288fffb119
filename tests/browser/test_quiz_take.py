"""In Chromium: a learner takes the quiz-course quiz, submits, reads the feedback, then the profile."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lms.content.services import load_content
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.browser

QUIZ_COURSE = Path(__file__).parents[1] / "fixtures" / "content" / "quiz-course"


def test_take_the_quiz_and_read_the_feedback(browser_db, page):
    load_content(QUIZ_COURSE)
    make_user(email="camille@example.org", name="Camille Martin")
    sign_in(page, "camille@example.org", PASSWORD)

    page.goto("/modules/quiz-complet/quiz")
    page.locator("form[action$='/quiz/attempts'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/modules/quiz-complet/quiz/attempts/\d+$"))
    assert page.locator("fieldset.quiz-fieldset").count() == 7

    # Radios, checkboxes, text, number with a French comma, selects for order and matching.
    page.check("input[name='q:pilier-financier'][value='financier']")
    page.check("input[name='q:ressources-privees'][value='dons']")
    page.check("input[name='q:ressources-privees'][value='ventes']")
    page.check("input[name='q:benevolat-financier'][value='false']")
    page.fill("input[name='q:somme-annuelle']", "La cotisation")
    page.fill("input[name='q:part-subvention']", "42,5")
    for item, position in {"recenser": "2", "chiffrer": "1", "voter": "3", "suivre": "4"}.items():
        page.select_option(f"select[name='q:etapes-budget:{item}']", position)
    for left, right in {"don": "prive", "subv": "publique", "vente": "activite"}.items():
        page.select_option(f"select[name='q:associer-ressources:{left}']", right)
    # Labels are tied to their inputs: checking through the label works.
    page.locator("label[for]", has_text="Les ventes de la boutique").click()  # untick
    page.locator("label[for]", has_text="Les ventes de la boutique").click()  # tick again

    page.locator("button[name=action][value=submit]").click()
    page.wait_for_selector("#quiz-score")

    # 6 right and the ordering at 2/3: (6 + 0.6667) / 7 = 95.24 %.
    score = page.locator("#quiz-score")
    assert "95,24" in score.inner_text()
    assert "quiz-score-passed" in (score.get_attribute("class") or "")
    results = page.locator("li.quiz-result")
    assert results.count() == 7
    assert page.locator("li.quiz-result.quiz-right").count() == 6
    ordering = page.locator("li.quiz-result[data-question='etapes-budget']")
    assert "quiz-partial" in (ordering.get_attribute("class") or "")
    assert "On recense, on chiffre, on vote, puis on suit." in ordering.inner_text()
    assert ordering.locator("a[href='/modules/quiz-complet/sections/budget']").count() == 1

    # The profile shows the competencies the answers were evidence for.
    page.goto("/profile")
    row = page.locator("tr", has=page.locator("a.competency-code", has_text="QZ-02"))
    assert "Compréhension" in row.inner_text()


def test_the_quiz_works_without_javascript(browser_db, chromium, live_server):
    load_content(QUIZ_COURSE)
    make_user(email="camille@example.org")
    context = chromium.new_context(base_url=live_server, locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, "camille@example.org", PASSWORD)
        page.goto("/modules/quiz-complet/quiz")
        page.locator("form[action$='/quiz/attempts'] button[type=submit]").click()
        page.fill("input[name='q:part-subvention']", "42.5")
        page.locator("button[name=action][value=save]").click()
        assert page.locator("input[name='q:part-subvention']").input_value() == "42.5"
        page.locator("button[name=action][value=submit]").click()
        page.wait_for_selector("#quiz-score")
        assert page.locator("li.quiz-result.quiz-right").count() == 1
    finally:
        context.close()


def test_answers_are_saved_in_the_background(browser_db, page):
    from sqlalchemy import select

    from lms.extensions import db
    from lms.models import Attempt

    load_content(QUIZ_COURSE)
    make_user(email="camille@example.org")
    sign_in(page, "camille@example.org", PASSWORD)
    page.goto("/modules/quiz-complet/quiz")
    page.locator("form[action$='/quiz/attempts'] button[type=submit]").click()
    page.fill("input[name='q:somme-annuelle']", "adhésion")
    with page.expect_response(lambda r: r.request.method == "POST" and r.status == 200):
        page.check("input[name='q:benevolat-financier'][value='true']")
    page.wait_for_function("document.getElementById('quiz-save-status').textContent !== ''")
    page.reload()
    assert page.locator("input[name='q:somme-annuelle']").input_value() == "adhésion"
    assert page.locator("input[name='q:benevolat-financier'][value='true']").is_checked()
    db.session.expire_all()
    draft = db.session.scalar(select(Attempt.draft))
    assert draft["somme-annuelle"] == "adhésion" and draft["benevolat-financier"] == "true"
