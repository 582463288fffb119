"""A learner writes their practical work, attaches a file, saves a draft and submits it."""

from __future__ import annotations

import pytest

from lms.content.services import load_content
from lms.extensions import db
from lms.models import PracticeSubmission, SubmissionStatus
from tests.browser.conftest import sign_in
from tests.conftest import FIXTURE_COURSE
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.browser

PAGE = "/modules/premier-module/practice"


def test_learner_saves_a_draft_with_a_file_then_submits(browser_db, page):
    load_content(FIXTURE_COURSE)
    make_user(email="camille@example.org", name="Camille Martin")
    sign_in(page, "camille@example.org", PASSWORD)

    page.goto(PAGE)
    assert page.get_by_role("heading", level=1).inner_text() == "Cartographier vos activités"
    assert page.locator("table.rubric").get_by_role("rowheader").inner_text() == "Exhaustivité"

    page.locator("textarea#text").fill("Nos activités : **accueil** et formation.")
    page.locator("input#files").set_input_files(
        files=[{"name": "carte.txt", "mimeType": "text/plain", "buffer": b"Accueil\n"}]
    )
    page.locator("input[name=save]").click()
    page.wait_for_load_state()

    assert page.locator("#practice-status").get_attribute("data-status") == "draft"
    assert page.get_by_role("link", name="carte.txt").first.is_visible()
    assert (
        page.locator("textarea#text").input_value() == "Nos activités : **accueil** et formation."
    )

    page.locator("input[name=submit_work]").click()
    page.wait_for_load_state()

    status = page.locator("#practice-status")
    assert status.get_attribute("data-status") == "submitted"
    assert status.is_visible()
    assert page.locator("textarea#text").count() == 0  # locked while it awaits review
    assert page.locator(".practice-work strong", has_text="accueil").is_visible()

    db.session.expire_all()
    work = db.session.scalar(db.select(PracticeSubmission))
    assert work is not None and work.status == SubmissionStatus.SUBMITTED
    assert [a.filename for a in work.attachments] == ["carte.txt"]


def test_a_too_large_file_is_flagged_before_sending(browser_db, page):
    """With JavaScript on, the page says a file is too large without sending it."""
    load_content(FIXTURE_COURSE)
    make_user(email="camille@example.org")
    sign_in(page, "camille@example.org", PASSWORD)
    page.goto(PAGE)
    big = b"a" * (5 * 1024 * 1024 + 1)
    page.locator("input#files").set_input_files(
        files=[{"name": "gros.txt", "mimeType": "text/plain", "buffer": big}]
    )
    error = page.locator("#files-error")
    assert error.is_visible()
    assert "gros.txt" in error.inner_text()
    posts = []
    page.on("request", lambda request: posts.append(request) if request.method == "POST" else None)
    page.locator("input[name=save]").click()
    page.wait_for_timeout(300)
    assert posts == []  # nothing was sent
    assert page.evaluate("document.activeElement.id") == "files"
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(PracticeSubmission.id))) == 0
