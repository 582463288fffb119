"""A learner opens their profile in Chromium: the chart, the table, then a competency's evidence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lms.competency.services import NewEvidence, record_evidence
from lms.content.services import load_content
from lms.extensions import db
from lms.models import EvidenceSource
from tests.browser.conftest import sign_in
from tests.conftest import FIXTURE_COURSE
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.browser

T0 = datetime(2025, 3, 3, 9, 30, tzinfo=UTC)


def test_profile_chart_table_then_evidence(browser_db, page):
    load_content(FIXTURE_COURSE)
    learner = make_user(email="camille@example.org", name="Camille Martin")
    quiz = [
        NewEvidence(
            "TST-01",
            EvidenceSource.QUIZ,
            score,
            T0 + timedelta(minutes=n),
            key=f"premier-module/q{n}",
        )
        for n, score in enumerate([1, 0, 1, 1])
    ]
    record_evidence(db.session, learner.id, quiz)
    record_evidence(
        db.session,
        learner.id,
        [NewEvidence("TST-02", EvidenceSource.SELF, 0.75, T0, key="self", level=3)],
    )
    db.session.commit()

    sign_in(page, "camille@example.org", PASSWORD)
    page.goto("/profile")
    chart = page.locator("svg.profile-chart[role=img]")
    assert chart.is_visible()
    assert chart.locator("polygon.chart-level").count() == 1
    assert chart.locator(".chart-self circle").count() == 1  # one self-assessed competency
    table = page.get_by_role("table").filter(has=page.locator("caption"))
    assert table.is_visible()
    level_cell = table.get_by_role("row").filter(has_text="TST-01").locator("td").first
    assert level_cell.inner_text().startswith("2 · Compréhension")

    page.locator("a[href='/profile/competencies/TST-01']").first.click()
    page.wait_for_url("**/profile/competencies/TST-01")
    rows = page.locator("table.evidence-table tbody tr")
    assert rows.count() == 4
    assert page.locator(".level-reasons li").count() >= 2
    assert page.get_by_role("heading", level=1).inner_text().startswith("TST-01")


def test_self_assessment_from_the_first_visit(browser_db, page):
    load_content(FIXTURE_COURSE)
    make_user(email="camille@example.org")
    sign_in(page, "camille@example.org", PASSWORD)
    page.goto("/profile")
    page.locator("a.button[href='/profile/self-assessment']").click()
    page.locator("#level-TST-01-3").check()  # value "3"
    page.locator("form.self-assessment button[type=submit]").click()
    page.wait_for_url("**/profile")
    assert page.locator("a.button[href='/profile/self-assessment']").count() == 0
    assert page.locator(".chart-self circle").count() == 1
