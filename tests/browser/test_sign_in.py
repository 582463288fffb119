"""A person signs in through the real form in Chromium and sees their account."""

from __future__ import annotations

import pytest

from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.browser


def test_sign_in_then_account_page(browser_db, page):
    make_user(email="camille@example.org", name="Camille Martin")
    sign_in(page, "camille@example.org", PASSWORD)
    assert "Camille Martin" in page.content()
    page.get_by_role("link", name="Mon compte").click()
    assert page.get_by_role("heading", name="Mon compte", exact=True).is_visible()


def test_wrong_password_shows_the_generic_error(browser_db, page):
    make_user(email="camille@example.org")
    sign_in(page, "camille@example.org", "pas-le-bon")
    assert page.get_by_text("Adresse e-mail ou mot de passe incorrect.").is_visible()


def test_english_switch(browser_db, page):
    page.goto("/")
    page.get_by_role("button", name="English").click()
    assert page.get_by_role("navigation").get_by_role("link", name="Sign in").is_visible()
