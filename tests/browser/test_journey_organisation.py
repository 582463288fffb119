"""The organisation's journey, in French and in English, on a desktop and on a phone.

An org admin defines a certification programme, certifies a learner who meets it, anyone
verifies the certificate on its public page, then the admin revokes it and the public
page says so, with why. The learner's competency levels are made with the services.
Every page on the way is checked with axe-core.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lms.content.services import load_content
from lms.extensions import db
from lms.models import Competency, Role
from tests.browser.conftest import assert_language, new_context, sign_in_as
from tests.conftest import FIXTURE_COURSE
from tests.factories import PASSWORD, make_org, make_user
from tests.integration.certification.helpers import set_level

pytestmark = pytest.mark.browser


def test_organisation_journey(
    browser_db, journey_page, axe, chromium, live_server, language, viewport
):
    load_content(FIXTURE_COURSE)
    org = make_org(slug="reseau", name="Réseau d’exemple")
    admin = make_user(Role.ORG_ADMIN, org, email="admin@example.org", name="Dominique Durand")
    admin.locale = language
    camille = make_user(org=org, email="camille@example.org", name="Camille Martin")
    db.session.commit()
    set_level(camille, "TST-01", 2)
    tst01 = db.session.scalar(select(Competency.id).where(Competency.code == "TST-01"))
    page = journey_page

    # Define a programme: TST-01 at level 2 at least.
    sign_in_as(page, "admin@example.org", PASSWORD)
    page.goto("/orgs/reseau/certification")
    assert_language(page, language)
    axe.check(page)
    page.locator("main a[href$='/certification/programmes/new']").first.click()
    page.wait_for_url("**/certification/programmes/new")
    axe.check(page)
    page.locator("#name").fill("Fondamentaux du modèle")
    page.locator(f"#level_{tst01}").select_option("2")
    page.locator("form.cert-programme-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/certification/programmes/\d+$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Fondamentaux du modèle"
    axe.check(page)

    # Camille meets it: she is listed as eligible; the admin approves her certificate.
    page.locator(f"#issue-{camille.id}").check()
    page.locator("#issue-form button[type=submit]").click()
    page.wait_for_load_state()
    axe.check(page)
    page.locator("main a[href*='/certification/certificates/']").first.click()
    page.wait_for_url("**/certification/certificates/*")
    assert_language(page, language)
    axe.check(page)
    public_link = page.locator("main a[href^='/certificates/']").first
    verification_path = public_link.get_attribute("href")
    assert verification_path and re.fullmatch(r"/certificates/[^/]+", verification_path)

    # Anyone verifies it without signing in, in their own language, on their own screen.
    visitor = new_context(chromium, live_server, language, viewport)
    try:
        public = visitor.new_page()
        public.goto(verification_path)
        assert_language(public, language)
        axe.check(public)
        assert public.locator(".cert-verdict-valid").is_visible()
        assert "Camille Martin" in public.locator("#holder").inner_text()

        # The admin revokes it, saying why; the public page now says revoked.
        page.locator("#reason").fill("Attribué par erreur")
        page.locator(".cert-danger-zone button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator(".cert-danger-zone").count() == 0
        axe.check(page)

        public.reload()
        assert public.locator(".cert-verdict-revoked").is_visible()
        assert public.locator(".cert-verdict-valid").count() == 0
        assert public.locator("#revocation-reason").inner_text() == "Attribué par erreur"
        axe.check(public)
    finally:
        visitor.close()
