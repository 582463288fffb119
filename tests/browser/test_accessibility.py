"""Accessibility beyond the journeys: the checker itself, charts, and a quiz by keyboard.

The journeys (test_journey_*.py) run axe-core on every page they visit, in both
languages and on both screens, through the `axe` fixture of conftest.py. This file
checks that the checker catches what it should (so a green journey means something),
that every chart has a text alternative, that the pages the journeys do not visit
pass too, and that a learner can take a whole quiz with the keyboard alone.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lms.competency.services import NewEvidence, record_evidence
from lms.content.services import load_content
from lms.extensions import db
from lms.models import EvidenceSource
from tests.browser.conftest import (
    AXE_ALL_IMPACTS,
    CHART_WITHOUT_TEXT_JS,
    describe_violations,
    sign_in_as,
)
from tests.conftest import FIXTURE_COURSE
from tests.factories import PASSWORD, make_org, make_user
from tests.integration.cohorts.helpers import take_quiz
from tests.integration.workspace.helpers import make_workspace

pytestmark = pytest.mark.browser

QUIZ_COURSE = Path(__file__).parents[1] / "fixtures" / "content" / "quiz-course"


def test_axe_finds_serious_violations_and_unlabelled_charts(page, axe):
    page.goto("/healthz")  # any page of the app's origin, then replaced
    page.set_content(
        "<html><body><main><img src='x.png'><input type='text'>"
        "<svg viewBox='0 0 10 10'><circle cx='5' cy='5' r='4'/></svg></main></body></html>"
    )
    rules = {v["id"] for v in axe.violations(page)}
    assert {"image-alt", "label", "html-has-lang", "document-title"} <= rules
    assert len(page.evaluate(CHART_WITHOUT_TEXT_JS)) == 1
    with pytest.raises(AssertionError, match="image-alt"):
        axe.check(page)


def test_axe_runs_under_the_applications_csp(page, axe):
    # axe is evaluated through the DevTools protocol: the strict CSP stays in place.
    response = page.goto("/login")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    axe.check(page)


@pytest.mark.parametrize("path", ["/", "/login", "/reset", "/framework", "/no-such-page"])
def test_public_pages_outside_the_journeys(browser_db, page, axe, path):
    load_content(FIXTURE_COURSE)
    page.goto(path)
    axe.check(page)


def test_learner_pages_outside_the_journeys(browser_db, page, axe):
    load_content(FIXTURE_COURSE)
    make_user(email="camille@example.org")
    sign_in_as(page, "camille@example.org", PASSWORD)
    for path in ("/account/", "/profile/self-assessment", "/certification/", "/search?q=modele"):
        page.goto(path)
        axe.check(page)


def test_every_chart_has_a_text_alternative(browser_db, page, axe):
    load_content(FIXTURE_COURSE)
    learner = make_user(email="camille@example.org")
    record_evidence(
        db.session,
        learner.id,
        [NewEvidence("TST-02", EvidenceSource.SELF, 0.75, datetime.now(UTC), key="self", level=3)],
    )
    db.session.commit()
    sign_in_as(page, "camille@example.org", PASSWORD)
    page.goto("/profile")
    chart = page.locator("svg.profile-chart")
    assert chart.get_attribute("role") == "img"
    name = chart.evaluate(
        "svg => svg.getAttribute('aria-labelledby').split(' ')"
        ".map(id => document.getElementById(id).textContent).join(' ')"
    )
    assert len(name.split()) >= 5, name  # a title and a description saying what it shows
    assert page.evaluate(CHART_WITHOUT_TEXT_JS) == []
    axe.check(page)  # checks every chart of the page too


def test_the_workspace_charts_have_text_alternatives(browser_db, page, axe):
    owner = make_user(org=make_org(), email="owner@example.org")
    workspace_id = make_workspace(owner)
    sign_in_as(page, "owner@example.org", PASSWORD)
    page.goto(f"/workspace/{workspace_id}/analysis")
    assert page.locator("svg.ws-chart").count() >= 2
    axe.check(page)  # every chart named, no serious violation


@pytest.mark.parametrize(
    "path", ["/profile/competencies/TST-01", "/modules/premier-module/practice"]
)
def test_evidence_and_practice_pages_have_no_finding_at_all(browser_db, page, axe, path):
    # Not even a moderate or minor one. Both pages had a section and the scrolling region
    # of its table named by the same heading: landmarks of one role need distinct names.
    load_content(FIXTURE_COURSE)
    learner = make_user(email="camille@example.org")
    take_quiz(learner, right=True)  # evidence, so that the evidence table is shown
    sign_in_as(page, "camille@example.org", PASSWORD)
    page.goto(path)
    assert page.locator("main [role=region] table").count() == 1
    found = axe.violations(page, impacts=AXE_ALL_IMPACTS)
    assert not found, f"axe-core findings on {path}:\n" + describe_violations(found)


# --- A whole quiz with the keyboard alone ---------------------------------------------------


def tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until the focused element matches `selector`; fail if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
            assert outline != "none", f"no visible focus on {selector}"
            return
    raise AssertionError(f"{selector} cannot be reached with Tab")


def choose_radio(page, name: str, value: str) -> None:
    """Tab into a radio group, then move to `value` with the arrow keys (Space if first)."""
    tab_to(page, f"input[type=radio][name='{name}']")
    values = page.eval_on_selector_all(f"input[name='{name}']", "els => els.map(e => e.value)")
    focused = page.evaluate("() => document.activeElement.value")
    steps = values.index(value) - values.index(focused)
    if steps == 0:
        page.keyboard.press("Space")
    for _ in range(abs(steps)):
        page.keyboard.press("ArrowDown" if steps > 0 else "ArrowUp")
    assert page.locator(f"input[name='{name}'][value='{value}']").is_checked()


def choose_option(page, name: str, value: str) -> None:
    """Tab to a select and move down its options to `value` with the arrow key."""
    tab_to(page, f"select[name='{name}']")
    values = page.eval_on_selector_all(
        f"select[name='{name}'] option", "os => os.map(o => o.value)"
    )
    for _ in range(values.index(value)):
        page.keyboard.press("ArrowDown")
    assert page.locator(f"select[name='{name}']").input_value() == value


def test_a_quiz_can_be_taken_with_the_keyboard_only(browser_db, page, axe):
    load_content(QUIZ_COURSE)
    make_user(email="camille@example.org")
    sign_in_as(page, "camille@example.org", PASSWORD)
    page.goto("/modules/quiz-complet/quiz")

    # From the top of the page: the skip link comes first, then the page, then the button.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.classList.contains('skip-link')")
    page.keyboard.press("Enter")
    tab_to(page, "form[action$='/quiz/attempts'] button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/quiz/attempts/\d+$"))
    axe.check(page)

    choose_radio(page, "q:pilier-financier", "financier")
    for value in ("dons", "ventes"):
        tab_to(page, f"input[name='q:ressources-privees'][value='{value}']")
        page.keyboard.press("Space")
    choose_radio(page, "q:benevolat-financier", "false")
    tab_to(page, "input[name='q:somme-annuelle']")
    page.keyboard.type("cotisation")
    tab_to(page, "input[name='q:part-subvention']")
    page.keyboard.type("42,5")
    for item, position in {"recenser": "1", "chiffrer": "2", "voter": "3", "suivre": "4"}.items():
        choose_option(page, f"q:etapes-budget:{item}", position)
    for left, right in {"don": "prive", "subv": "publique", "vente": "activite"}.items():
        choose_option(page, f"q:associer-ressources:{left}", right)
    tab_to(page, "button[name=action][value=submit]")
    page.keyboard.press("Enter")

    page.wait_for_selector("#quiz-score")
    assert page.locator("li.quiz-result.quiz-right").count() == 7
    assert "100" in page.locator("#quiz-score").inner_text()
    axe.check(page)
