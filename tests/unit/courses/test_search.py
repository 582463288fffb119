"""Folding, matching and highlighted excerpts of the lesson search (lms/courses/search.py)."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from lms.courses.search import (
    SearchableSection,
    excerpt,
    fold,
    fold_with_positions,
    highlight,
    match_spans,
    search_sections,
    search_terms,
)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Économie", "economie"),
        ("ŒUVRE", "oeuvre"),
        ("l’ESS", "l'ess"),
        ("Noël\u00a0à Besançon", "noel a besancon"),
        ("Straße", "strasse"),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


def test_fold_with_positions_points_back_to_the_original_characters():
    text = "Œuvre économique"
    folded, positions = fold_with_positions(text)
    assert folded == fold(text)
    assert len(positions) == len(folded)
    assert text[positions[folded.index("eco")]] == "é"
    assert positions[:2] == [0, 0]  # "oe" both come from "Œ"


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("Modèle économique", ["modele", "economique"]),
        ("  a  ", []),
        ("", []),
        ("le LE Le", ["le"]),
        ("l’économie", ["economie"]),  # "l" alone is too short to look for
        ("<script>", ["script"]),
    ],
)
def test_search_terms(query, terms):
    assert search_terms(query) == terms


def test_match_spans_are_in_the_original_text():
    text = "Les bénévoles et le BÉNÉVOLAT"
    spans = match_spans(text, ["benevol"])
    assert [text[s:e] for s, e in spans] == ["bénévol", "BÉNÉVOL"]


def test_match_spans_prefer_the_longest_term_and_never_overlap():
    spans = match_spans("économie", ["eco", "economie"])
    assert spans == [(0, 8)]


def test_highlight_escapes_then_marks():
    html = highlight("<b>Modèle</b> & co", ["modele"])
    assert isinstance(html, Markup)
    assert str(html) == "&lt;b&gt;<mark>Modèle</mark>&lt;/b&gt; &amp; co"


def test_highlight_never_lets_a_query_inject_html():
    terms = search_terms('"><img src=x onerror=alert(1)>')
    html = str(highlight("Une image : img src", terms))
    assert "<img" not in html
    assert "<mark>img</mark>" in html


def test_excerpt_centres_on_the_first_match_and_cuts_at_words():
    text = (
        " ".join(f"mot{i}" for i in range(100))
        + " trésorerie "
        + " ".join("fin" for _ in range(100))
    )
    html = str(excerpt(text, ["tresorerie"], length=80))
    assert html.startswith("… mot")
    assert html.endswith(" …")
    assert "<mark>trésorerie</mark>" in html
    assert len(html) < 80 + len("<mark></mark>… …") + 2


def test_excerpt_of_a_short_text_is_the_whole_text():
    assert str(excerpt("Un modèle.", ["modele"])) == "Un <mark>modèle</mark>."


def test_excerpt_without_a_match_is_the_beginning():
    text = "Début du texte " + "suite " * 100
    html = str(excerpt(text, ["absent"], length=40))
    assert html.startswith("Début du texte")
    assert "<mark>" not in html


def test_search_sections_needs_every_term_in_title_or_text():
    sections = [
        SearchableSection("m", "a", "Les trois piliers", "Richesses humaines et finances."),
        SearchableSection("m", "b", "Le projet", "Les piliers servent le projet."),
        SearchableSection("m", "c", "Autre", "Rien à voir."),
    ]
    found, total = search_sections(sections, ["piliers", "richesses"], limit=10)
    assert total == 1 and [f.section.section_slug for f in found] == ["a"]
    found, total = search_sections(sections, ["piliers"], limit=1)
    assert total == 2 and len(found) == 1
    assert str(found[0].title) == "Les trois <mark>piliers</mark>"
    assert found[0].hits == 1


def test_search_sections_without_terms_finds_nothing():
    sections = [SearchableSection("m", "a", "Titre", "Texte")]
    assert search_sections(sections, [], limit=10) == ([], 0)
