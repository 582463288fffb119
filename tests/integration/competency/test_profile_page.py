"""My profile page: levels by theme (chart and table), gaps, what next, no N+1."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import event

from lms.competency.services import NewEvidence
from lms.extensions import db
from lms.models import Competency, EvidenceSource
from lms.models.base import utcnow
from tests.factories import make_user
from tests.integration.competency.helpers import (
    T0,
    answers,
    lesson,
    progress,
    record,
    table_rows,
)


def self_assessed(code, level, when=T0):
    return NewEvidence(code, EvidenceSource.SELF, level / 4, when, key="self", level=level)


def profile_table(client):
    """{code: [competency, level, self, gap, evidence]} from the profile's table."""
    rows = table_rows(client.get("/profile").get_data(as_text=True), "profile-table")
    return {row[0].split()[0]: row for row in rows if len(row) == 5 and row[0].startswith("TST")}


def listed_links(html, css_class):
    """The hrefs of the list (<ol>/<ul>) with this class, in order."""
    match = re.search(rf'<(ol|ul) class="{css_class}">(.*?)</\1>', html, re.S)
    return re.findall(r'href="([^"]+)"', match.group(2)) if match else []


def test_profile_shows_the_levels_the_rule_gives(learner, client):
    # Worked example 2: a lesson and four answers (1, 0, 1, 1) give level 2, score 0.9204.
    record(learner.id, lesson("TST-01"), *answers("TST-01", [1, 0, 1, 1]))
    record(learner.id, lesson("TST-02"))
    table = profile_table(client)
    assert table["TST-01"][1].startswith("2 · Compréhension")
    assert table["TST-01"][4] == "5"
    assert table["TST-02"][1].startswith("1 · Découverte Nomme les notions.")  # label, meaning
    assert table["TST-03"][1].startswith("0 · Non évalué")  # no evidence: level 0
    assert table["TST-03"][4] == "0"


def test_table_groups_competencies_by_theme_in_theme_order(learner, client):
    rows = table_rows(client.get("/profile").get_data(as_text=True), "profile-table")
    order = [row[0].split()[0] for row in rows if len(row) in (1, 5)][1:]
    assert order == ["Comprendre", "TST-01", "TST-02", "Incarner", "TST-03"]


def test_chart_is_inline_svg_without_script_or_style(learner, client):
    record(learner.id, *answers("TST-01", [1, 1, 1]), self_assessed("TST-02", 3))
    html = client.get("/profile").get_data(as_text=True)
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert "TST-01: level 2; TST-02: level 0, self-assessment 3; TST-03: level 0." in svg
    assert 'class="chart-level"' in svg and 'class="chart-self"' in svg
    assert "<script" not in html and "style=" not in html


def test_first_visit_suggests_a_self_assessment_until_there_is_one(learner, client):
    html = client.get("/profile").get_data(as_text=True)
    assert "Start by positioning yourself" in html
    assert 'href="/profile/self-assessment"' in html
    record(learner.id, self_assessed("TST-01", 2))
    html = client.get("/profile").get_data(as_text=True)
    assert "Start by positioning yourself" not in html
    assert "Update my self-assessment" in html


def test_self_assessment_and_gap_beside_the_level(learner, client):
    record(learner.id, lesson("TST-01"), self_assessed("TST-01", 4), self_assessed("TST-02", 1))
    table = profile_table(client)
    assert table["TST-01"][2] == "4 · Maîtrise" and table["TST-01"][3] == "+3"
    assert table["TST-02"][2] == "1 · Découverte" and table["TST-02"][3] == "+1"
    assert table["TST-03"][2] == "not given" and table["TST-03"][3] == "—"


def test_largest_gaps_are_highlighted_largest_first(learner, client):
    record(
        learner.id,
        *answers("TST-01", [1, 1, 1]),  # level 2
        self_assessed("TST-01", 1),  # 1 below
        self_assessed("TST-03", 4),  # 4 above (level 0)
        self_assessed("TST-02", 2),  # 2 above (level 0)
    )
    html = client.get("/profile").get_data(as_text=True)
    assert listed_links(html, "gap-list") == [
        "/profile/competencies/TST-03",
        "/profile/competencies/TST-02",
        "/profile/competencies/TST-01",
    ]
    assert "you rate yourself 4, your level is 0 (4 levels above)." in html
    assert "you rate yourself 1, your level is 2 (1 level below)." in html


def test_what_next_recommends_uncompleted_modules_for_the_weakest_competencies(learner, client):
    # TST-01 level 2, TST-02 level 1, TST-03 level 0.
    record(learner.id, *answers("TST-01", [1, 1, 1]), lesson("TST-02"))
    html = client.get("/profile").get_data(as_text=True)
    assert listed_links(html, "recommendations") == [
        "/modules/troisieme",  # TST-03, level 0
        "/modules/premier-module",  # TST-02, level 1
        "/modules/second-module",  # TST-01, level 2
    ]
    # Premier module done: lessons read, quiz passed, practical work handed in.
    progress(learner.id, "premier-module", read=True, passed=True, practice="submitted")
    html = client.get("/profile").get_data(as_text=True)
    assert listed_links(html, "recommendations") == ["/modules/troisieme", "/modules/second-module"]


def test_review_quizzes_when_evidence_gets_old(learner, client, config):
    recent = utcnow() - timedelta(days=5)
    record(learner.id, *answers("TST-01", [1, 1, 1]))  # March 2025: old
    record(learner.id, *answers("TST-03", [1], start=recent, module="troisieme"))
    progress(learner.id, "premier-module", read=True, passed=True)
    progress(learner.id, "troisieme", read=True, passed=True)
    html = client.get("/profile").get_data(as_text=True)
    assert listed_links(html, "reviews") == ["/modules/premier-module/quiz"]
    assert "more than 60 days old" in html

    config["PROFILE_REVIEW_AFTER_DAYS"] = 100_000
    html = client.get("/profile").get_data(as_text=True)
    assert listed_links(html, "reviews") == []


def test_a_new_self_assessment_does_not_postpone_a_review(learner, client):
    record(learner.id, *answers("TST-01", [1, 1, 1]))
    progress(learner.id, "premier-module", read=True, passed=True)
    record(learner.id, self_assessed("TST-01", 3, when=utcnow()))
    html = client.get("/profile").get_data(as_text=True)
    assert listed_links(html, "reviews") == ["/modules/premier-module/quiz"]


def test_profile_shows_only_my_own_data(learner, client):
    other = make_user(email="autre@example.org")
    record(other.id, *answers("TST-01", [1, 1, 1]), self_assessed("TST-02", 4))
    table = profile_table(client)
    assert [row[4] for row in table.values()] == ["0", "0", "0"]
    assert table["TST-02"][2] == "not given"
    evidence = client.get("/profile/competencies/TST-01").get_data(as_text=True)
    assert "0 pieces of evidence" in evidence


def test_profile_page_needs_a_bounded_number_of_queries(learner, client, auth):
    # Ten more competencies, so that one learner can have evidence on 13 of them.
    for n in range(4, 14):
        db.session.add(
            Competency(
                code=f"TST-{n:02d}",
                title=f"Compétence {n}",
                kind="skill",
                theme_slug="alpha" if n % 2 else "beta",
                position=n,
            )
        )
    db.session.commit()
    codes = [f"TST-{n:02d}" for n in range(1, 14)]
    busy = make_user(email="busy@example.org")
    for code in codes:
        record(busy.id, *answers(code, [1, 1, 1]), lesson(code), self_assessed(code, 3))
    record(learner.id, *answers("TST-01", [1, 1, 1]))
    for slug in ("premier-module", "second-module", "troisieme"):
        progress(busy.id, slug, read=True, passed=True)

    def queries_for_profile(email):
        auth.logout()
        auth.login(email)
        statements = []

        def count(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            response = client.get("/profile")
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        assert response.status_code == 200
        return len(statements), response.get_data(as_text=True)

    one, _ = queries_for_profile("camille@example.org")
    thirteen, html = queries_for_profile("busy@example.org")
    assert "TST-13" in html and 'class="reviews"' in html  # everything was drawn
    assert one == thirteen
    assert one <= 10
