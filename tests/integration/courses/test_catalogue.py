"""The catalogue /modules: themes and modules in order, progress per module, theme and course."""

from __future__ import annotations

import re

from lms.extensions import db
from lms.models.base import utcnow
from tests.integration.courses.conftest import load_changed_course, progress_row, read


def progress_values(html: str) -> dict[str, str]:
    """The value of each <progress>, by its label."""
    found = re.findall(r'<progress max="100" value="(\d+)" aria-label="([^"]+)"', html)
    return {label: value for value, label in found}


def test_anonymous_visitors_see_the_course_without_progress(app_ctx, client, course):
    response = client.get("/modules")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.index("Comprendre") < html.index("Incarner")  # themes in order
    assert html.index("Un modèle au service de quoi ?") < html.index("Le deuxième module")
    assert "<progress" not in html
    assert "/login" in html
    # Objectives and the competencies developed, with their titles.
    assert "Définir un modèle socio-économique" in html
    assert "TST-02" in html


def test_a_learners_progress_moves_as_they_read(learner, client):
    before = progress_values(client.get("/modules").get_data(as_text=True))
    assert set(before.values()) == {"0"}
    read(client, "premier-module", "introduction")
    after = progress_values(client.get("/modules").get_data(as_text=True))
    assert after["Sections read in Un modèle au service de quoi ?"] == "50"
    assert after["Sections read in the theme Comprendre"] == "33"  # 1 of 3 sections
    assert after["Sections read in the whole course"] == "25"  # 1 of 4
    assert after["Sections read in Le deuxième module"] == "0"


def test_quiz_and_practical_work_badges_come_from_the_module_summary(learner, client):
    read(client, "premier-module", "introduction")
    row = progress_row(learner, "premier-module")
    row.quiz_passed_at = utcnow()
    row.practice_status = "submitted"
    db.session.commit()
    html = client.get("/modules").get_data(as_text=True)
    card = html[html.index('id="module-premier-module"') : html.index('id="module-second-module"')]
    assert "Quiz passed" in card
    assert "Practical work: submitted" in card


def test_retired_modules_are_hidden(learner, client, tmp_path):
    # A new release renames the module: the old slug is retired.
    load_changed_course(tmp_path, rename={"beta/01-troisieme": "beta/01-quatrieme"})
    html = client.get("/modules").get_data(as_text=True)
    assert 'href="/modules/troisieme"' not in html
    assert 'href="/modules/quatrieme"' in html
    assert client.get("/modules/troisieme").status_code == 404
