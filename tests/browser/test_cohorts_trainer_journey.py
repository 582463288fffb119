"""In Chromium: a trainer creates a cohort and imports learners; a learner joins by link and
does a module; the trainer sees the dashboard change, reviews the practical work, and the
learner's competency rises to level 3."""

from __future__ import annotations

import re

import pytest

from lms.content.services import load_content
from lms.extensions import db
from lms.models import Cohort, CohortMembership, Role, User
from tests.browser.conftest import sign_in
from tests.conftest import FIXTURE_COURSE
from tests.factories import PASSWORD, make_org, make_user

pytestmark = pytest.mark.browser

CSV = "email;nom;rôle\nzoe@example.org;Zoé Lambert;\nkarim@example.org;Karim Benali;apprenant\n"


def _cohort_id(page) -> int:
    match = re.search(r"/cohorts/(\d+)", page.url)
    assert match, page.url
    return int(match.group(1))


def test_trainer_journey(browser_db, page, chromium, live_server):
    load_content(FIXTURE_COURSE)
    org = make_org(slug="reseau", name="Réseau")
    make_user(role=Role.TRAINER, org=org, email="tina@example.org", name="Tina Formatrice")

    # The trainer creates a cohort following the first two modules.
    sign_in(page, "tina@example.org", PASSWORD)
    page.goto("/cohorts")
    page.locator("a[href='/cohorts/new']").first.click()
    page.locator("#name").fill("Promo printemps")
    page.locator("#modules-2-followed").uncheck()
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/cohorts/\d+/members$"))
    cohort_id = _cohort_id(page)
    join_link = page.locator("#join-link").inner_text()
    assert join_link.endswith(f"/join/{db.session.get(Cohort, cohort_id).join_code}")

    # ... imports two learners from a CSV file: preview first, then import.
    page.locator(f"a[href='/cohorts/{cohort_id}/import']").click()
    page.locator("#file").set_input_files(
        files=[{"name": "apprenants.csv", "mimeType": "text/csv", "buffer": CSV.encode()}]
    )
    page.locator("form[enctype] button[type=submit]").click()
    assert page.locator(".import-ok").is_visible()
    assert page.locator(".import-ok td", has_text="karim@example.org").is_visible()
    assert db.session.scalar(db.select(User).where(User.email == "zoe@example.org")) is None
    page.locator("form[action$='/import/confirm'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/members$"))
    assert page.get_by_role("cell", name="zoe@example.org").is_visible()

    # A learner opens the join link, creates an account with the code filled in.
    learner_context = chromium.new_context(base_url=live_server, locale="fr-FR")
    learner = learner_context.new_page()
    try:
        learner.goto(join_link.replace(live_server, ""))
        assert "Promo printemps" in learner.locator("h1").inner_text()
        learner.locator("main a[href^='/register?code=']").click()
        assert learner.locator("#join_code").input_value() == join_link.rsplit("/", 1)[1]
        learner.locator("#name").fill("Camille Martin")
        learner.locator("#email").fill("camille@example.org")
        learner.locator("#password").fill("un-mot-de-passe-long")
        learner.locator("#confirm").fill("un-mot-de-passe-long")
        learner.locator("main form button[type=submit]").click()
        learner.wait_for_load_state()
        camille = db.session.scalar(db.select(User).where(User.email == "camille@example.org"))
        assert camille is not None
        membership = db.session.scalar(
            db.select(CohortMembership).where(CohortMembership.user_id == camille.id)
        )
        assert membership.cohort_id == cohort_id
        if "/login" in learner.url:
            sign_in(learner, "camille@example.org", "un-mot-de-passe-long")

        # She reads both sections, passes the quiz, and submits her practical work.
        learner.goto("/modules/premier-module/sections/introduction")
        learner.locator("#next-section").click()
        learner.wait_for_url(re.compile(r"/sections/details"))
        learner.locator("#next-section").click()
        learner.wait_for_load_state()
        learner.goto("/modules/premier-module/quiz")
        learner.locator("form[action$='/quiz/attempts'] button[type=submit]").click()
        learner.wait_for_url(re.compile(r"/quiz/attempts/\d+$"))
        learner.check("input[name='q:trois-piliers'][value='a']")
        learner.check("input[name='q:budget-suffit'][value='false']")
        learner.locator("button[name=action][value=submit]").click()
        learner.wait_for_selector("#quiz-score")
        learner.goto("/modules/premier-module/practice")
        learner.locator("textarea#text").fill("Nos activités : **accueil** et formation.")
        learner.locator("input[name=submit_work]").click()
        learner.wait_for_load_state()
        assert learner.locator("#practice-status").get_attribute("data-status") == "submitted"
    finally:
        learner_context.close()

    # The trainer's dashboard shows her progress.
    page.goto(f"/cohorts/{cohort_id}")
    row = page.locator("tbody tr", has=page.get_by_role("link", name="Camille Martin"))
    first_module = row.locator("td.cell").first
    assert "2/2" in first_module.inner_text() and "100 %" in first_module.inner_text()
    assert "cell-done" in (first_module.get_attribute("class") or "")
    assert (
        page.locator("table.cohort-matrix caption")
        .inner_text()
        .startswith(("Progress", "Progression", "Avancement"))
    )

    # The heatmap: TST-02 is at level 1 (lessons read), before the review.
    page.goto(f"/cohorts/{cohort_id}/competencies")
    tst02 = page.locator("thead th").filter(has_text="TST-02")
    index = page.locator("thead th").all_inner_texts().index(tst02.inner_text())
    cells = page.locator("tbody tr", has=page.get_by_role("link", name="Camille Martin")).locator(
        "th, td"
    )
    assert cells.nth(index).inner_text() == "1"

    # The trainer reviews the work from the queue: every criterion at 4, accepted.
    page.goto("/review")
    page.locator("a[href^='/review/']").first.click()
    page.locator("input[name='criterion-0'][value='4']").check()
    page.locator("#feedback").fill("Une **très bonne** cartographie.")
    page.locator("input[name=decision][value=accepted]").check()
    page.locator("main form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/review$"))
    assert page.locator("a[href^='/review/']").count() == 0

    # Her competency has risen to level 3: the review was applied evidence.
    page.goto(f"/cohorts/{cohort_id}/competencies")
    cells = page.locator("tbody tr", has=page.get_by_role("link", name="Camille Martin")).locator(
        "th, td"
    )
    assert cells.nth(index).inner_text() == "3"
    assert "heat-3" in (cells.nth(index).get_attribute("class") or "")
