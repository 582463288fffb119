"""The trainer's journey, in French and in English, on a desktop and on a phone.

A trainer creates a cohort, imports two learners from a CSV file (preview, then confirm),
follows the progress dashboard and the competency heatmap, and reviews a learner's
practical work. The learner's own work is made with the services (their journey is
test_journey_learner.py). Every page on the way is checked with axe-core.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lms.content.services import load_content
from lms.extensions import db
from lms.models import Role, User
from tests.browser.conftest import assert_language, sign_in_as
from tests.conftest import FIXTURE_COURSE
from tests.factories import PASSWORD, make_org, make_user
from tests.integration.cohorts.helpers import read_all, submit_work, take_quiz

pytestmark = pytest.mark.browser

CSV = "email;nom;rôle\nzoe@example.org;Zoé Lambert;\nkarim@example.org;Karim Benali;apprenant\n"


def test_trainer_journey(browser_db, journey_page, axe, language):
    load_content(FIXTURE_COURSE)
    org = make_org(slug="reseau", name="Réseau")
    trainer = make_user(Role.TRAINER, org, email="tina@example.org", name="Tina Formatrice")
    trainer.locale = language
    db.session.commit()
    page = journey_page

    # Create a cohort.
    sign_in_as(page, "tina@example.org", PASSWORD)
    page.goto("/cohorts")
    assert_language(page, language)
    axe.check(page)
    page.locator("main a[href='/cohorts/new']").first.click()
    page.wait_for_url("**/cohorts/new")
    axe.check(page)
    page.locator("#name").fill("Promo printemps")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/cohorts/\d+/members$"))
    cohort_id = int(re.search(r"/cohorts/(\d+)", page.url).group(1))
    axe.check(page)

    # Import two learners: the preview first, nothing created until confirmed.
    page.locator(f"main a[href='/cohorts/{cohort_id}/import']").click()
    page.wait_for_url(f"**/cohorts/{cohort_id}/import")
    axe.check(page)
    page.locator("#file").set_input_files(
        files=[{"name": "apprenants.csv", "mimeType": "text/csv", "buffer": CSV.encode()}]
    )
    page.locator("form[enctype] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".import-ok td", has_text="zoe@example.org").is_visible()
    axe.check(page)
    assert db.session.scalar(select(User).where(User.email == "zoe@example.org")) is None
    page.locator("form[action$='/import/confirm'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/members$"))
    assert page.get_by_role("cell", name="zoe@example.org").is_visible()
    axe.check(page)

    # Zoé reads the first module, passes its quiz and submits her practical work.
    zoe = db.session.scalar(select(User).where(User.email == "zoe@example.org"))
    read_all(zoe)
    take_quiz(zoe, right=True)
    submit_work(zoe, "Nos activités : **accueil** et formation.")
    db.session.commit()

    # The dashboard shows her progress; the heatmap her competency levels.
    page.goto(f"/cohorts/{cohort_id}")
    assert_language(page, language)
    axe.check(page)
    zoe_row = page.locator("tbody tr", has=page.get_by_role("link", name="Zoé Lambert"))
    first_module = zoe_row.locator("td.cell").first
    assert "2/2" in first_module.inner_text() and "100" in first_module.inner_text()
    page.goto(f"/cohorts/{cohort_id}/competencies")
    axe.check(page)
    headers = page.locator("thead th").all_inner_texts()
    tst02 = next(n for n, text in enumerate(headers) if "TST-02" in text)
    cells = page.locator("tbody tr", has=page.get_by_role("link", name="Zoé Lambert"))
    assert cells.locator("th, td").nth(tst02).inner_text() != "3"

    # Review her work from the queue: every criterion at 4, accepted.
    page.goto("/review")
    axe.check(page)
    page.locator("main a[href^='/review/']").first.click()
    page.wait_for_url(re.compile(r"/review/\d+$"))
    axe.check(page)
    page.locator("input[name='criterion-0'][value='4']").check()
    page.locator("#feedback").fill("Une **très bonne** cartographie.")
    page.locator("input[name=decision][value=accepted]").check()
    page.locator("main form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/review$"))
    assert page.locator("main a[href^='/review/']").count() == 0
    axe.check(page)

    # The review is applied evidence: TST-02 rises to level 3 on the heatmap.
    page.goto(f"/cohorts/{cohort_id}/competencies")
    cells = page.locator("tbody tr", has=page.get_by_role("link", name="Zoé Lambert"))
    assert cells.locator("th, td").nth(tst02).inner_text() == "3"

    # The list of cohorts now shows this one.
    page.goto("/cohorts")
    assert page.locator(f"main a[href='/cohorts/{cohort_id}']").count() == 1
    axe.check(page)
