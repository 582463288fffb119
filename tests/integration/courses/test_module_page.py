"""The module summary page /modules/<slug>: what it shows and where "Start"/"Resume" goes."""

from __future__ import annotations

import re

from lms.extensions import db
from lms.models.base import utcnow
from tests.integration.courses.conftest import progress_row, read


def start_button(html: str) -> tuple[str, str]:
    """(label, href) of the module's main button."""
    block = html[html.index('class="module-start"') :]
    href, label = re.search(r'<a class="button" href="([^"]+)">([^<]+)</a>', block).groups()
    return label, href


def test_the_summary_shows_what_the_module_is_about(learner, client):
    response = client.get("/modules/premier-module")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Un modèle au service de quoi ?</h1>" in html
    assert "Définir un modèle socio-économique" in html  # objective
    assert "Connaître les trois piliers" in html and "Diagnostiquer son modèle" in html
    assert "Le modèle sert le projet." in html  # key takeaway
    assert "<dt>Modèle socio-économique</dt>" in html  # glossary
    assert 'href="/modules/premier-module/quiz"' in html
    assert 'href="/modules/premier-module/practice"' in html
    assert 'href="/modules/premier-module/print"' in html
    # Sections in order, none read yet.
    assert html.index("/sections/introduction") < html.index("/sections/details")
    assert html.count('class="is-unread"') == 2


def test_reading_time_is_the_sum_of_the_sections(learner, client):
    html = client.get("/modules/premier-module").get_data(as_text=True)
    # Two short sections: one minute each.
    assert re.search(r"<dt>Reading time</dt><dd>2 min</dd>", html)


def test_a_module_without_practical_work_has_no_practice_link(learner, client):
    html = client.get("/modules/second-module").get_data(as_text=True)
    assert "/modules/second-module/practice" not in html
    assert 'href="/modules/second-module/quiz"' in html


def test_prerequisites_are_links_with_their_state(learner, client):
    html = client.get("/modules/second-module").get_data(as_text=True)
    assert 'href="/modules/premier-module">Un modèle au service de quoi ?</a>' in html
    assert "We advise you to complete these modules first." in html
    read(client, "premier-module", "introduction")
    read(client, "premier-module", "details")
    row = progress_row(learner, "premier-module")
    row.quiz_passed_at = utcnow()
    db.session.commit()
    html = client.get("/modules/second-module").get_data(as_text=True)
    assert "We advise you to complete these modules first." not in html
    assert "Completed" in html


def test_start_then_resume_at_the_last_section_visited(learner, client):
    html = client.get("/modules/premier-module").get_data(as_text=True)
    assert start_button(html) == ("Start reading", "/modules/premier-module/sections/introduction")
    client.get("/modules/premier-module/sections/details")
    html = client.get("/modules/premier-module").get_data(as_text=True)
    assert start_button(html) == ("Resume", "/modules/premier-module/sections/details")


def test_going_back_to_an_earlier_section_keeps_the_resume_point(learner, client):
    client.get("/modules/premier-module/sections/introduction")
    client.get("/modules/premier-module/sections/details")
    client.get("/modules/premier-module/sections/introduction")  # a look back
    html = client.get("/modules/premier-module").get_data(as_text=True)
    assert start_button(html) == ("Resume", "/modules/premier-module/sections/details")


def test_resume_without_a_visit_goes_to_the_first_unread_section(learner, client):
    read(client, "premier-module", "introduction")
    row = progress_row(learner, "premier-module")
    row.last_section_id = None  # e.g. read through the API only
    db.session.commit()
    html = client.get("/modules/premier-module").get_data(as_text=True)
    assert start_button(html) == ("Resume", "/modules/premier-module/sections/details")


def test_once_read_the_main_button_is_the_quiz(learner, client):
    read(client, "premier-module", "introduction")
    read(client, "premier-module", "details")
    html = client.get("/modules/premier-module").get_data(as_text=True)
    assert start_button(html) == ("Take the quiz", "/modules/premier-module/quiz")
    assert html.count('class="is-read"') == 2


def test_unknown_module_is_404(learner, client):
    assert client.get("/modules/nulle-part").status_code == 404
    assert client.get("/modules/nulle-part/print").status_code == 404


def test_print_view_holds_the_whole_module(learner, client):
    response = client.get("/modules/premier-module/print")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for text in (
        "1. Introduction",
        "2. Les détails : suite",
        "Un modèle repose sur trois piliers",  # first section's text
        "Le détail du module",  # second section's text
        "Le modèle sert le projet.",  # takeaways
        "<dt>Modèle socio-économique</dt>",  # glossary
    ):
        assert text in html
    assert 'src="/media/premier-module/schema.png"' in html
    assert 'src="/static/js/courses.js"' in html
