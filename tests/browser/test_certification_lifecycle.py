"""In Chromium: an org admin defines a programme, certifies a learner who meets it, and the
public verification page says valid; after the admin revokes it, it says revoked, with why."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.content.services import load_content
from lms.extensions import db
from lms.models import Competency, Role
from tests.browser.conftest import sign_in
from tests.conftest import FIXTURE_COURSE
from tests.factories import PASSWORD, make_org, make_user
from tests.integration.certification.helpers import set_level

pytestmark = pytest.mark.browser


def test_programme_certify_verify_revoke(browser_db, page, chromium, live_server):
    load_content(FIXTURE_COURSE)
    org = make_org(slug="reseau", name="Réseau d’exemple")
    make_user(Role.ORG_ADMIN, org=org, email="admin@example.org", name="Dominique Durand")
    camille = make_user(org=org, email="camille@example.org", name="Camille Martin")
    set_level(camille, "TST-01", 2)
    tst01 = db.session.scalar(select(Competency.id).where(Competency.code == "TST-01"))

    sign_in(page, "admin@example.org", PASSWORD)
    page.goto("/orgs/reseau/certification/programmes/new")
    page.locator("#name").fill("Fondamentaux du modèle")
    page.locator(f"#level_{tst01}").select_option("2")
    page.locator("form.cert-programme-form button[type=submit]").click()
    page.wait_for_url("**/certification/programmes/*")
    assert page.get_by_role("heading", level=1).inner_text() == "Fondamentaux du modèle"

    # Camille meets the programme: she is listed as eligible; the admin approves.
    page.locator(f"#issue-{camille.id}").check()
    page.locator("#issue-form button[type=submit]").click()
    page.wait_for_load_state()
    page.locator("a[href*='/certification/certificates/']").first.click()
    page.wait_for_load_state()
    public_link = page.locator("a[href*='/certificates/']:not([href*='/certification/'])").first
    verification_path = public_link.get_attribute("href")
    assert verification_path and verification_path.startswith("/certificates/")

    # Anyone can verify it, without signing in.
    visitor = chromium.new_context(base_url=live_server, locale="fr-FR")
    try:
        public = visitor.new_page()
        public.goto(verification_path)
        assert public.locator(".cert-verdict-valid").is_visible()
        assert "Camille Martin" in public.locator("#holder").inner_text()

        # The admin revokes it with a reason.
        page.locator("#reason").fill("Attribué par erreur")
        page.locator(".cert-danger-zone button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator(".cert-danger-zone").count() == 0

        public.reload()
        assert public.locator(".cert-verdict-revoked").is_visible()
        assert public.locator(".cert-verdict-valid").count() == 0
        assert public.locator("#revocation-reason").inner_text() == "Attribué par erreur"
    finally:
        visitor.close()
