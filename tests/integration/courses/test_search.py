"""Search /search?q=: accent- and case-insensitive, grouped by module, highlighted, safe."""

from __future__ import annotations

from tests.integration.courses.conftest import load_changed_course


def search(client, query: str) -> str:
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_search_ignores_accents_and_case(learner, client):
    html = search(client, "MODELE repose")
    assert '<a href="/modules/premier-module/sections/introduction">Introduction</a>' in html
    assert "Un <mark>modèle</mark> <mark>repose</mark> sur trois piliers" in html
    assert "1 section matches" in html


def test_search_finds_titles_and_groups_results_by_module(learner, client):
    html = search(client, "detail")
    assert '<a href="/modules/premier-module">Un modèle au service de quoi ?</a>' in html
    assert "Les <mark>détail</mark>s : suite" in html


def test_every_word_must_match(learner, client):
    html = search(client, "piliers territoire")
    assert "No section matches" in html
    assert "<mark>" not in html


def test_results_across_modules_come_in_course_order(learner, client):
    html = search(client, "texte")
    first, second = html.index("Le deuxième module"), html.index("Le troisième module")
    assert first < second


def test_the_query_cannot_inject_html(learner, client):
    html = search(client, '<script>alert("x")</script> piliers')
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html  # shown back, escaped, in the field and the status


def test_short_and_empty_queries(learner, client):
    assert "Type at least two letters to search." in search(client, "a")
    html = search(client, "")
    assert "Type at least two letters" not in html and "No section matches" not in html
    assert 'id="course-search"' in html


def test_retired_sections_are_not_found(learner, client, tmp_path):
    load_changed_course(tmp_path, remove=("alpha/01-premier-module/02-details.md",))
    assert "No section matches" in search(client, "détail")
