"""A learner reads a module to the end in Chromium, leaves, comes back and resumes."""

from __future__ import annotations

import pytest

from lms.content.services import load_content
from tests.browser.conftest import sign_in
from tests.conftest import FIXTURE_COURSE
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.browser

MODULE = "/modules/premier-module"


@pytest.fixture
def course_online(browser_db, monkeypatch):
    """The fixture course loaded on the live server, its images served."""
    monkeypatch.setitem(browser_db.config, "CONTENT_DIR", str(FIXTURE_COURSE))
    load_content(FIXTURE_COURSE)


def module_progress(page) -> str | None:
    """The value of the first module's progress bar in the catalogue."""
    page.goto("/modules")
    return page.locator("#module-premier-module progress").get_attribute("value")


def test_read_leave_resume_and_finish_a_module(course_online, page):
    make_user(email="camille@example.org", name="Camille Martin")
    sign_in(page, "camille@example.org", PASSWORD)

    # The catalogue, nothing read yet; open the first module and start reading.
    assert module_progress(page) == "0"
    page.locator("#module-premier-module h3 a").click()
    page.wait_for_url(f"**{MODULE}")
    page.locator(".module-start a.button").click()
    page.wait_for_url(f"**{MODULE}/sections/introduction")
    assert (
        page.locator('.toc a[aria-current="page"]')
        .get_attribute("href")
        .endswith("/sections/introduction")
    )
    image = page.get_by_role("img", name="Schéma des piliers").get_attribute("src")
    assert page.request.get(image).status == 200

    # "Next" marks the section read and opens the next one.
    page.locator("#next-section").click()
    page.wait_for_url(f"**{MODULE}/sections/details")

    # Leave: the catalogue shows half the module read; then back home.
    assert module_progress(page) == "50"
    page.locator(".brand").click()
    page.wait_for_url("**/")

    # Come back: "Continue where you left off" resumes at the section last opened.
    page.locator("#continue a.button").click()
    page.wait_for_url(f"**{MODULE}/sections/details")

    # Finish the module: back on its page, fully read, the quiz offered next.
    page.locator("#next-section").click()
    page.wait_for_url(f"**{MODULE}")
    assert page.locator(".module-summary progress").get_attribute("value") == "100"
    assert page.locator(".module-start a.button").first.get_attribute("href") == f"{MODULE}/quiz"
    assert module_progress(page) == "100"
    assert page.locator(".course-overview progress").get_attribute("value") == "50"  # 2 of 4


def test_search_then_open_a_result(course_online, page):
    make_user(email="camille@example.org")
    sign_in(page, "camille@example.org", PASSWORD)
    page.goto("/modules")
    page.locator("#course-search").fill("modele")
    page.locator("#course-search").press("Enter")
    page.wait_for_url("**/search?q=modele")
    assert page.locator(".search-results mark").first.inner_text().lower() == "modèle"
    page.locator(".search-results h3 a").first.click()
    page.wait_for_url(f"**{MODULE}/sections/introduction")
