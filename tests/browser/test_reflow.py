"""Reflow (WCAG 1.4.10) on a small phone: no page of the three journeys scrolls sideways.

At 375×667 CSS pixels (a small phone), every page a learner, a trainer, an org admin
and an administrator use fits the screen's width: a wide table scrolls in its own
focusable, named region, a form wraps. The journeys check a 390 px phone; tables that
only just fit there are caught here. The pages show realistic data (long e-mail
addresses, a certificate, an audit log) since the data is what makes tables wide.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from lms.certification import services as certification
from lms.content.services import load_content
from lms.extensions import db
from lms.models import Attempt, CohortRole, Module, Role
from lms.quiz.services import start_attempt
from tests.browser.conftest import TOO_WIDE_JS, sign_in_as
from tests.conftest import FIXTURE_COURSE
from tests.factories import PASSWORD, enrol, make_cohort, make_org, make_user
from tests.integration.certification.helpers import programme, set_level
from tests.integration.cohorts.helpers import read_all, submit_work, take_quiz

pytestmark = pytest.mark.browser

SMALL_PHONE = {"viewport": {"width": 375, "height": 667}, "is_mobile": True, "has_touch": True}

# The page's width and the screen's. Not window.innerWidth: a phone browser zooms out on a
# page wider than the screen, and innerWidth grows with the page (the bug stays hidden).
PAGE_WIDTH_JS = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"

# The boxes of the page that scroll sideways, each with whether a keyboard user can reach
# it and a screen reader user can name it (a focusable region named by a label).
SCROLL_BOXES_JS = """() => [...document.querySelectorAll('main *')]
  .filter(el => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX)
                && el.scrollWidth > el.clientWidth + 1)
  .map(el => {
    const ids = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
    const name = ids.map(id => (document.getElementById(id) || {}).textContent || '').join('');
    const reachable = el.tabIndex === 0 && ['region', 'group'].includes(el.getAttribute('role'))
      && name.trim() !== '';
    return {html: el.outerHTML.slice(0, 120), reachable};
  })"""


@pytest.fixture
def pages_by_person(browser_db, monkeypatch) -> dict[str, list[str]]:
    """An organisation with a cohort, a learner who has worked and been certified, and
    the pages each person uses (by their e-mail address)."""
    monkeypatch.setitem(browser_db.config, "CONTENT_DIR", str(FIXTURE_COURSE))
    load_content(FIXTURE_COURSE)
    org = make_org(slug="reseau", name="Réseau d’exemple des associations")
    cohort = make_cohort(org, "Promo printemps", "PRINTEMPS-25")
    make_user(Role.ADMIN, None, email="admin@example.org", name="Alice Admin")
    org_admin = make_user(Role.ORG_ADMIN, org, email="orgadmin@example.org")
    trainer = make_user(Role.TRAINER, org, email="tina@example.org", name="Tina Formatrice")
    learner = make_user(org=org, email="camille.martin-dupont@example.org", name="Camille Martin")
    for n in range(3):
        make_user(org=org, email=f"prenom.nom-compose{n}@association-exemple.org")
    enrol(cohort, trainer, CohortRole.TRAINER)
    enrol(cohort, learner)
    read_all(learner)
    take_quiz(learner, right=True)
    work = submit_work(learner, "Nos activités : **accueil** et formation.")
    db.session.commit()
    second = db.session.scalar(select(Module).where(Module.slug == "second-module"))
    assert second is not None
    open_attempt = start_attempt(db.session(), learner.id, second, "open", datetime.now(UTC))
    set_level(learner, "TST-01", 2)
    fundamentals = programme(org, org_admin, name="Fondamentaux du modèle")
    certificate = certification.issue_certificate(
        db.session(), programme=fundamentals, user_id=learner.id, actor=org_admin
    )
    db.session.commit()
    done = db.session.scalar(
        select(Attempt.id).where(Attempt.user_id == learner.id, Attempt.module_id != second.id)
    )
    c, person, cert = cohort.id, learner.id, certificate.public_id
    org_certification = "/orgs/reseau/certification"
    return {
        "camille.martin-dupont@example.org": [
            "/",
            "/modules",
            "/modules/premier-module",
            "/modules/premier-module/sections/introduction",
            "/modules/premier-module/quiz",
            f"/modules/premier-module/quiz/attempts/{done}",
            f"/modules/second-module/quiz/attempts/{open_attempt.id}",
            "/modules/premier-module/practice",
            "/profile",
            "/profile/competencies/TST-01",
            "/profile/self-assessment",
            "/framework",
            "/certification/",
            "/account/",
            "/search?q=modele",
        ],
        "tina@example.org": [
            "/cohorts",
            f"/cohorts/{c}",
            f"/cohorts/{c}/competencies",
            f"/cohorts/{c}/at-risk",
            f"/cohorts/{c}/members",
            f"/cohorts/{c}/learners/{person}",
            f"/cohorts/{c}/learners/{person}/competencies/TST-01",
            "/review",
            f"/review/{work.id}",
        ],
        "orgadmin@example.org": [
            org_certification,
            f"{org_certification}/programmes/new",
            f"{org_certification}/programmes/{fundamentals.id}",
            f"{org_certification}/programmes/{fundamentals.id}/edit",
            f"{org_certification}/certificates/{cert}",
            f"{org_certification}/report",
            f"{org_certification}/staff",
            "/orgs/reseau/audit",
            f"/certificates/{cert}",
        ],
        "admin@example.org": [
            "/admin/users",
            "/admin/organisations",
            "/admin/users/new",
            f"/admin/users/{person}/edit",
            f"/admin/organisations/{org.id}/edit",
        ],
    }


@pytest.mark.parametrize(
    "email",
    [
        "camille.martin-dupont@example.org",
        "tina@example.org",
        "orgadmin@example.org",
        "admin@example.org",
    ],
    ids=["learner", "trainer", "org-admin", "admin"],
)
def test_no_page_scrolls_sideways_on_a_small_phone(chromium, live_server, pages_by_person, email):
    context = chromium.new_context(base_url=live_server, locale="fr-FR", **SMALL_PHONE)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        sign_in_as(page, email, PASSWORD)
        too_wide, unreachable, scrolling = [], [], 0
        for path in pages_by_person[email]:
            response = page.goto(path)
            assert response is not None and response.ok, path
            assert page.url.endswith(path), f"{path} led to {page.url}"  # not to the sign-in
            page_width, screen_width = page.evaluate(PAGE_WIDTH_JS)
            assert screen_width == SMALL_PHONE["viewport"]["width"], path
            if page_width > screen_width:
                too_wide.append(f"{path}: {page_width}px, because of {page.evaluate(TOO_WIDE_JS)}")
            boxes = page.evaluate(SCROLL_BOXES_JS)
            scrolling += len(boxes)
            unreachable += [f"{path}: {box['html']}" for box in boxes if not box["reachable"]]
        assert scrolling, "no table is wider than the screen: the data is too small to tell"
        assert not too_wide, "pages wider than a 375px screen:\n" + "\n".join(too_wide)
        assert not unreachable, "scrolling boxes without a named focusable region:\n" + "\n".join(
            unreachable
        )
    finally:
        context.close()
