"""The framework page: public, the scale, the competencies by theme and their modules."""

from __future__ import annotations

import re

from sqlalchemy import select

from lms.extensions import db
from lms.models import Module
from lms.models.base import utcnow
from tests.conftest import FIXTURE_COURSE


def test_framework_is_public_and_shows_scale_and_competencies(app_ctx, course, client, config):
    config["CONTENT_DIR"] = str(FIXTURE_COURSE)
    response = client.get("/framework", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1>Référentiel de test</h1>" in html  # framework.yaml's title
    # The scale, levels 0 to 4, with labels and descriptions.
    assert re.findall(r'<td class="number">(\d)</td><th scope="row">([^<]+)</th>', html) == [
        ("0", "Non évalué"),
        ("1", "Découverte"),
        ("2", "Compréhension"),
        ("3", "Application"),
        ("4", "Maîtrise"),
    ]
    assert "Nomme les notions." in html
    # Themes in order, each competency with its code, kind and description.
    headings = re.findall(r"<h[23][^>]*>(.*?)</h[23]>", html, re.S)
    titles = [re.sub(r"<[^>]+>", "", h).strip() for h in headings]
    assert titles[1:] == [
        "Comprendre",
        "TST-01 Connaître les trois piliers",
        "TST-02 Diagnostiquer son modèle",
        "Incarner",
        "TST-03 Ancrer son modèle",
    ]
    assert "Knowledge" in html and "Skill" in html
    assert "Les nommer et les distinguer." in html


def test_each_competency_links_the_modules_that_develop_it(app_ctx, course, client):
    html = client.get("/framework").get_data(as_text=True)
    cards = dict(
        re.findall(r'<article class="card competency-card" id="([^"]+)"(.*?)</article>', html, re.S)
    )
    links = {code: re.findall(r'href="([^"]+)"', body) for code, body in cards.items()}
    assert links == {
        "TST-01": ["/modules/premier-module", "/modules/second-module"],
        "TST-02": ["/modules/premier-module"],
        "TST-03": ["/modules/troisieme"],
    }


def test_retired_modules_are_not_linked(app_ctx, course, client):
    retired = db.session.scalar(select(Module).where(Module.slug == "second-module"))
    retired.retired_at = utcnow()  # what a reload does when a module is removed
    db.session.commit()
    html = client.get("/framework").get_data(as_text=True)
    assert "/modules/second-module" not in html
    assert "/modules/premier-module" in html


def test_framework_without_a_readable_title_falls_back(app_ctx, course, client, config, tmp_path):
    config["CONTENT_DIR"] = str(tmp_path)  # no framework.yaml here
    html = client.get("/framework", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "<h1>The competency framework</h1>" in html
