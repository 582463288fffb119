"""Render lesson Markdown to safe HTML, once per content version.

Markdown is converted with Python-Markdown (tables, footnotes, admonitions, definition lists,
heading anchors, sane lists, fenced code); raw HTML in the source is escaped (shown as text,
never interpreted), ``module:`` links and ``images/`` sources are resolved to URLs, and the
result goes through a bleach allow-list. Authors cannot add attributes (no ``attr_list``).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import bleach
import markdown
from markdown.extensions import Extension
from markdown.extensions.toc import slugify
from markdown.treeprocessors import Treeprocessor

#: link_resolver(module slug, section slug or None) -> URL, or None when there is no such target.
LinkResolver = Callable[[str, str | None], str | None]
#: image_resolver(path relative to the module folder, e.g. "images/map.png") -> URL.
ImageResolver = Callable[[str], str]

WORDS_PER_MINUTE = 200

ALLOWED_TAGS = frozenset(
    {
        "p",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "li",
        "a",
        "em",
        "strong",
        "code",
        "pre",
        "blockquote",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "dl",
        "dt",
        "dd",
        "div",
        "sup",
        "hr",
        "br",
        "img",
        "span",
        "abbr",
    }
)
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
CALLOUT_TYPES = frozenset({"note", "tip", "warning", "example", "danger", "info"})

#: Classes the extensions produce and templates style; any other class is dropped.
ALLOWED_CLASSES: dict[str, frozenset[str]] = {
    "div": frozenset({"admonition", "footnote"}) | CALLOUT_TYPES,
    "p": frozenset({"admonition-title"}),
    "a": frozenset({"footnote-ref", "footnote-backref"}),
}
#: Attributes allowed per tag, besides ``class`` (see ALLOWED_CLASSES).
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "title"}),
    "img": frozenset({"src", "alt", "title"}),
    "abbr": frozenset({"title"}),
    "th": frozenset({"align"}),
    "td": frozenset({"align"}),
    "sup": frozenset({"id"}),
    "li": frozenset({"id"}),
    "div": frozenset({"id"}),
    **{f"h{level}": frozenset({"id"}) for level in range(2, 7)},
}
_ALIGN_VALUES = frozenset({"left", "center", "right"})
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_BLOCK_TAGS = frozenset(
    {"p", "li", "dt", "dd", "tr", "th", "td", "pre", "blockquote", "div", "br", "hr", "table"}
    | {f"h{level}" for level in range(1, 7)}
)


@dataclass(frozen=True)
class TocEntry:
    """A heading of a rendered text: its level (2..6), anchor id and plain-text title."""

    level: int
    id: str
    title: str


@dataclass(frozen=True)
class RenderedHtml:
    """Safe HTML with its table of contents, plain text (for search) and word count."""

    html: str
    toc: list[TocEntry]
    text: str
    word_count: int


def render_markdown(
    text: str,
    *,
    link_resolver: LinkResolver | None = None,
    image_resolver: ImageResolver | None = None,
    heading_base: int = 1,
) -> RenderedHtml:
    """Render a lesson's Markdown to sanitised HTML.

    ``module:<slug>`` and ``module:<slug>/<section>`` links go through ``link_resolver``
    (``#`` when it is missing or returns None); relative image sources go through
    ``image_resolver``. ``heading_base``: the level of a ``#`` heading (text shown under a
    page's own headings starts lower: ``#`` becomes ``<h4>`` with 4; deeper levels stop at
    ``<h6>``).
    """
    converter = _converter(link_resolver, image_resolver, heading_base)
    html = _clean(converter.convert(text))
    toc = list(_flatten_toc(getattr(converter, "toc_tokens", [])))
    plain = _plain_text(html)
    return RenderedHtml(html=html, toc=toc, text=plain, word_count=len(plain.split()))


def render_inline(
    text: str,
    *,
    link_resolver: LinkResolver | None = None,
    image_resolver: ImageResolver | None = None,
) -> str:
    """Render short Markdown (a prompt, a choice, a rubric descriptor) to sanitised HTML, without
    the enclosing ``<p>`` when it is a single paragraph."""
    html = render_markdown(text, link_resolver=link_resolver, image_resolver=image_resolver).html
    html = html.strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html


def reading_minutes(word_count: int) -> int:
    """Reading time in whole minutes at 200 words a minute, at least 1."""
    return max(1, -(-word_count // WORDS_PER_MINUTE))


# --- Markdown ---------------------------------------------------------------------------------


def _converter(
    link_resolver: LinkResolver | None, image_resolver: ImageResolver | None, heading_base: int = 1
) -> markdown.Markdown:
    """A fresh Markdown converter (they keep state between calls, so one per rendering)."""
    converter = markdown.Markdown(
        extensions=[
            "tables",
            "footnotes",
            "admonition",
            "def_list",
            "sane_lists",
            "fenced_code",
            "toc",
            _TargetsExtension(link_resolver, image_resolver),
        ],
        extension_configs={
            "toc": {"slugify": slugify, "toc_depth": "2-6", "baselevel": heading_base},
            "tables": {"use_align_attribute": True},
        },
        output_format="html",
    )
    # Raw HTML is escaped: it reaches the page as visible text, never as markup.
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    return converter


class _TargetsExtension(Extension):
    """Registers the tree processor that resolves link and image targets."""

    def __init__(
        self, link_resolver: LinkResolver | None, image_resolver: ImageResolver | None
    ) -> None:
        super().__init__()
        self.link_resolver = link_resolver
        self.image_resolver = image_resolver

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        """Run after inline links, footnotes and toc exist, before the final unescaping."""
        md.treeprocessors.register(
            _TargetsProcessor(md, self.link_resolver, self.image_resolver), "escales-targets", 1
        )


class _TargetsProcessor(Treeprocessor):
    """Resolves ``module:`` links and relative images; keeps only known class names."""

    def __init__(
        self,
        md: markdown.Markdown,
        link_resolver: LinkResolver | None,
        image_resolver: ImageResolver | None,
    ) -> None:
        super().__init__(md)
        self.link_resolver = link_resolver
        self.image_resolver = image_resolver

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag == "a" and element.get("href", "").startswith("module:"):
                element.set("href", self.resolve_link(element.get("href", "")))
            elif element.tag == "img" and self.image_resolver is not None:
                src = element.get("src", "")
                if src and not _SCHEME_RE.match(src) and not src.startswith(("/", "#")):
                    element.set("src", self.image_resolver(src))
            if element.tag == "a" and element.get("class") == "footnote-backref":
                # Its default title is English text inside French lessons; the arrow suffices.
                element.attrib.pop("title", None)
            classes = element.get("class")
            if classes is not None:
                kept = [name for name in classes.split() if _class_allowed(element.tag, name)]
                if kept:
                    element.set("class", " ".join(kept))
                else:
                    del element.attrib["class"]

    def resolve_link(self, href: str) -> str:
        """``module:slug[/section]`` -> the resolver's URL, or ``#``."""
        slug, _, section = href.removeprefix("module:").partition("/")
        if self.link_resolver is None or not slug:
            return "#"
        return self.link_resolver(slug, section or None) or "#"


def _flatten_toc(tokens: list[dict[str, Any]]) -> list[TocEntry]:
    """The toc extension's nested tokens as a flat list, in document order."""
    entries: list[TocEntry] = []
    for token in tokens:
        title = _plain_text(str(token.get("name", "")))
        entries.append(TocEntry(int(token["level"]), str(token["id"]), title))
        entries.extend(_flatten_toc(token.get("children", [])))
    return entries


# --- sanitising -----------------------------------------------------------------------------------


def _class_allowed(tag: str, name: str) -> bool:
    return name in ALLOWED_CLASSES.get(tag, frozenset())


def _attribute_allowed(tag: str, name: str, value: str) -> bool:
    """bleach's attribute filter: the allow-list, class names and alignment values checked."""
    if name == "class":
        return bool(value.split()) and all(_class_allowed(tag, part) for part in value.split())
    if name == "align":
        return value in _ALIGN_VALUES and name in ALLOWED_ATTRIBUTES.get(tag, frozenset())
    return name in ALLOWED_ATTRIBUTES.get(tag, frozenset())


_CLEANER = bleach.sanitizer.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_attribute_allowed,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
)


def _clean(html: str) -> str:
    """Apply the allow-list (tags, attributes, URL protocols)."""
    return _CLEANER.clean(html)


class _TextExtractor(HTMLParser):
    """Collects the text of an HTML fragment, a space between blocks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append(" ")
        # Footnote call numbers and back-link arrows are navigation, not text.
        if tag == "a" and {("class", "footnote-ref"), ("class", "footnote-backref")} & set(attrs):
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append(" ")
        if tag == "a" and self.skip:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def _plain_text(html: str) -> str:
    """The text of an HTML fragment with whitespace collapsed."""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    return " ".join("".join(extractor.parts).split())
