"""Rendering lesson Markdown to sanitised HTML."""

import re

import pytest

from lms.content.rendering import TocEntry, reading_minutes, render_inline, render_markdown


def resolve(slug, section):
    """A link resolver that knows one module and its 'bases' section."""
    if slug != "deuxieme" or section not in (None, "bases"):
        return None
    return f"/modules/{slug}" + (f"#{section}" if section else "")


# --- features -------------------------------------------------------------------------------------


def test_table_with_alignment_but_no_style():
    html = render_markdown("| Pilier | Part |\n|:--|--:|\n| Humain | 40 % |\n").html
    assert '<th align="left">Pilier</th>' in html
    assert '<td align="right">40 %</td>' in html
    assert "style" not in html


def test_footnote_keeps_its_ids_and_links():
    html = render_markdown("Un texte[^1].\n\n[^1]: La note.\n").html
    assert '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>' in html
    assert '<div class="footnote">' in html
    assert '<li id="fn:1">' in html
    assert 'class="footnote-backref" href="#fnref:1"' in html
    assert "Jump back" not in html  # no English tooltip inside French lessons


def test_admonition_keeps_only_known_classes():
    html = render_markdown('!!! note "À retenir"\n    Le modèle sert le projet.\n').html
    assert '<div class="admonition note">' in html
    assert '<p class="admonition-title">À retenir</p>' in html
    html = render_markdown('!!! evil warning "Titre"\n    Texte.\n').html
    assert '<div class="admonition warning">' in html
    assert "evil" not in html.split(">")[0]


def test_definition_list():
    html = render_markdown("Bénévolat\n:   Un engagement libre et non rémunéré.\n").html
    assert "<dl>\n<dt>Bénévolat</dt>\n<dd>Un engagement libre et non rémunéré.</dd>\n</dl>" in html


def test_headings_get_ascii_ids_and_a_toc():
    rendered = render_markdown(
        "## Les trois piliers d'un modèle\n\ntexte\n\n### Richesses & alliances\n\n"
        "## Les trois piliers d'un modèle\n"
    )
    assert '<h2 id="les-trois-piliers-dun-modele">' in rendered.html
    assert rendered.toc == [
        TocEntry(2, "les-trois-piliers-dun-modele", "Les trois piliers d'un modèle"),
        TocEntry(3, "richesses-alliances", "Richesses & alliances"),
        TocEntry(2, "les-trois-piliers-dun-modele_1", "Les trois piliers d'un modèle"),
    ]


def test_module_links_are_resolved():
    html = render_markdown(
        "[module](module:deuxieme), [section](module:deuxieme/bases), "
        "[inconnu](module:absent), [section inconnue](module:deuxieme/absente)",
        link_resolver=resolve,
    ).html
    assert '<a href="/modules/deuxieme">module</a>' in html
    assert '<a href="/modules/deuxieme#bases">section</a>' in html
    assert '<a href="#">inconnu</a>' in html
    assert '<a href="#">section inconnue</a>' in html


def test_module_links_without_resolver_are_inert():
    assert '<a href="#">x</a>' in render_markdown("[x](module:deuxieme)").html


def test_images_are_resolved_and_keep_alt_and_title():
    html = render_markdown(
        '![Le schéma](images/schema.png "Schéma")',
        image_resolver=lambda path: f"/content/alpha/01-m/{path}",
    ).html
    assert (
        '<img alt="Le schéma" src="/content/alpha/01-m/images/schema.png" title="Schéma">' in html
    )


def test_ordinary_links_are_kept():
    html = render_markdown(
        '[site](https://example.org "Exemple") [mail](mailto:a@example.org) [ancre](#haut)'
    ).html
    assert '<a href="https://example.org" title="Exemple">site</a>' in html
    assert '<a href="mailto:a@example.org">mail</a>' in html
    assert '<a href="#haut">ancre</a>' in html


def test_no_smart_quotes():
    assert '<p>Il a dit "oui" -- c\'est...</p>' in render_markdown(
        'Il a dit "oui" -- c\'est...'
    ).html.replace("&quot;", '"')


def test_plain_text_and_word_count():
    rendered = render_markdown(
        "## Titre\n\nUn **texte** avec [un lien](https://example.org)[^1].\n\n"
        "| a | b |\n|---|---|\n| c | d |\n\n[^1]: Note.\n"
    )
    assert rendered.text == "Titre Un texte avec un lien. a b c d Note."
    assert rendered.word_count == 11


# --- hostile input --------------------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<img src="x" onerror="alert(1)">',
    "<IMG SRC=x OnErRoR=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<a href="javascript:alert(1)">x</a>',
    '<div onmouseover="alert(1)">x</div>',
    "<svg/onload=alert(1)>",
    "<style>body{display:none}</style>",
    "<!-- <script>alert(1)</script> -->",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](jav&#x09;ascript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    '[x][ref]\n\n[ref]: data:text/html,<script>alert(1)</script> "t"',
    "!!! note\n    <script>alert(1)</script>",
    "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
    "Texte[^1]\n\n[^1]: <script>alert(1)</script>",
]

_TAG_RE = re.compile(r"<\s*([a-zA-Z][a-zA-Z0-9]*)([^>]*)>")
_SAFE_TAGS = {"p", "a", "img", "div", "table", "thead", "tbody", "tr", "th", "td", "sup", "ol"}


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_markdown_cannot_run(source):
    html = render_markdown(source).html
    for tag, attributes in _TAG_RE.findall(html):
        assert tag.lower() in _SAFE_TAGS | {"li", "hr", "code", "pre", "em", "strong"}
        assert not re.search(r"\bon[a-z]+\s*=", attributes, re.IGNORECASE)
        assert "style" not in attributes.lower()
        assert "javascript" not in attributes.lower()
        assert "data:" not in attributes.lower()
    assert "<script" not in html.lower()
    assert "<iframe" not in html.lower()
    assert "<svg" not in html.lower()


def test_raw_html_is_shown_as_text():
    html = render_markdown("Avant <b>gras</b> après").html
    assert html == "<p>Avant &lt;b&gt;gras&lt;/b&gt; après</p>"


def test_dangerous_links_keep_their_text_but_lose_the_target():
    assert render_markdown("[cliquez](javascript:alert(1))").html == "<p><a>cliquez</a></p>"


def test_image_resolver_is_not_asked_for_urls_with_a_scheme():
    asked = []
    render_markdown("![x](javascript:alert(1))", image_resolver=asked.append)
    assert asked == []


# --- inline and reading time ------------------------------------------------------------------


def test_inline_drops_the_single_paragraph():
    assert (
        render_inline("Un **prompt** avec `code`")
        == "Un <strong>prompt</strong> avec <code>code</code>"
    )


def test_inline_keeps_blocks_when_there_are_several():
    assert render_inline("Un.\n\nDeux.") == "<p>Un.</p>\n<p>Deux.</p>"
    assert render_inline("- a\n- b") == "<ul>\n<li>a</li>\n<li>b</li>\n</ul>"


def test_inline_is_sanitised():
    assert render_inline("<script>alert(1)</script> [x](javascript:alert(1))") == (
        "&lt;script&gt;alert(1)&lt;/script&gt; <a>x</a>"
    )


@pytest.mark.parametrize(
    ("words", "minutes"), [(0, 1), (1, 1), (200, 1), (201, 2), (1000, 5), (1001, 6)]
)
def test_reading_minutes(words, minutes):
    assert reading_minutes(words) == minutes
