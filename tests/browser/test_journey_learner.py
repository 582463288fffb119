"""The learner's journey, in French and in English, on a desktop and on a phone.

Someone creates an account with the join code their trainer gave them, reads the first
module, passes its quiz, then opens their competency profile and the evidence behind a
level. Every page on the way is checked with axe-core (no serious or critical violation)
and is served in the learner's language.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lms.content.services import load_content
from lms.extensions import db
from lms.models import CohortMembership, User
from tests.browser.conftest import assert_language
from tests.conftest import FIXTURE_COURSE
from tests.factories import make_cohort, make_org

pytestmark = pytest.mark.browser

MODULE = "/modules/premier-module"
JOIN_CODE = "PRINTEMPS-25"


@pytest.fixture
def course_and_cohort(browser_db, monkeypatch):
    """The fixture course (its images served) and a cohort learners join with JOIN_CODE."""
    monkeypatch.setitem(browser_db.config, "CONTENT_DIR", str(FIXTURE_COURSE))
    load_content(FIXTURE_COURSE)
    return make_cohort(make_org(slug="reseau", name="Réseau"), "Promo printemps", JOIN_CODE)


def test_learner_journey(course_and_cohort, journey_page, axe, language):
    page = journey_page

    # Register with the join code, choosing the interface language.
    page.goto("/register")
    assert_language(page, language)
    axe.check(page)
    page.locator("#name").fill("Camille Martin")
    page.locator("#email").fill("camille@example.org")
    page.locator("#password").fill("un-mot-de-passe-long")
    page.locator("#confirm").fill("un-mot-de-passe-long")
    page.locator("#join_code").fill(JOIN_CODE)
    page.locator("#locale").select_option(language)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/$"))
    assert_language(page, language)
    axe.check(page)
    camille = db.session.scalar(select(User).where(User.email == "camille@example.org"))
    assert camille is not None and camille.locale == language
    joined = db.session.scalar(
        select(CohortMembership.cohort_id).where(CohortMembership.user_id == camille.id)
    )
    assert joined == course_and_cohort.id

    # Read the first module: catalogue, module page, both sections.
    page.goto("/modules")
    axe.check(page)
    page.locator("#module-premier-module h3 a").click()
    page.wait_for_url(f"**{MODULE}")
    axe.check(page)
    page.locator(".module-start a.button").click()
    page.wait_for_url(f"**{MODULE}/sections/introduction")
    axe.check(page)
    page.locator("#next-section").click()
    page.wait_for_url(f"**{MODULE}/sections/details")
    axe.check(page)
    page.locator("#next-section").click()
    page.wait_for_url(f"**{MODULE}")
    assert page.locator(".module-summary progress").get_attribute("value") == "100"

    # The module now offers its quiz: start it, answer through the labels, submit.
    page.locator(".module-start a.button").first.click()
    page.wait_for_url(f"**{MODULE}/quiz")
    axe.check(page)
    page.locator("form[action$='/quiz/attempts'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/quiz/attempts/\d+$"))
    assert_language(page, language)
    axe.check(page)
    page.locator("label[for]", has_text="Humain, financier, alliances").click()
    page.locator("input[name='q:budget-suffit'][value='false']").check()
    page.locator("button[name=action][value=submit]").click()
    page.wait_for_selector("#quiz-score")
    assert "100" in page.locator("#quiz-score").inner_text()
    assert page.locator("li.quiz-result.quiz-right").count() == 2
    axe.check(page)

    # The profile: the chart and its table, then the evidence behind TST-01.
    page.goto("/profile")
    axe.check(page)
    chart = page.get_by_role("img").and_(page.locator("svg.profile-chart"))
    assert chart.is_visible()
    row = page.locator("tr", has=page.locator("a.competency-code", has_text="TST-01"))
    # Two right answers are evidence, too few distinct questions for level 2: level 1.
    assert row.locator("td").first.inner_text().startswith("1")
    row.locator("a.competency-code").click()
    page.wait_for_url("**/profile/competencies/TST-01")
    assert_language(page, language)
    axe.check(page)
    assert page.locator("table.evidence-table tbody tr").count() >= 2
