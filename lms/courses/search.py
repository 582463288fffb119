"""Text search in the lessons: folding, matching and highlighted excerpts (pure functions).

Matching ignores case and accents ("economie" finds "Économie", "oeuvre" finds
"œuvre"): both the text and the query are *folded* the same way. Excerpts are
cut from the original text, escaped, then the matches are wrapped in <mark>,
so neither the lesson text nor the query can inject HTML.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

MIN_TERM_LENGTH = 2
MAX_TERMS = 8
MAX_QUERY_LENGTH = 200
EXCERPT_LENGTH = 220

_COMBINING = re.compile(r"[\u0300-\u036f]")
# Letters that accent stripping leaves alone but a French reader types without thinking.
_LIGATURES = str.maketrans(
    {
        "œ": "oe",
        "æ": "ae",
        "’": "'",
        "‘": "'",
        "\u00a0": " ",
        "\u202f": " ",
    }
)
_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Text in lowercase without accents, ligatures spelt out, typographic quotes plain."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return _COMBINING.sub("", decomposed).translate(_LIGATURES)


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    return fold(char)


def fold_with_positions(text: str) -> tuple[str, list[int]]:
    """`fold(text)`, and for each folded character the index of the original one it comes from."""
    folded: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(text):
        piece = _fold_char(char)
        folded.append(piece)
        positions.extend([index] * len(piece))
    return "".join(folded), positions


def search_terms(query: str) -> list[str]:
    """The distinct folded words of a query worth looking for (at least two letters each)."""
    terms: list[str] = []
    for word in _WORD.findall(fold(query[:MAX_QUERY_LENGTH])):
        if len(word) >= MIN_TERM_LENGTH and word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


def matches_all(folded_text: str, terms: Sequence[str]) -> bool:
    """True when every term occurs in the (already folded) text."""
    return bool(terms) and all(term in folded_text for term in terms)


def count_matches(folded_text: str, terms: Sequence[str]) -> int:
    """How many times the terms occur in the (already folded) text."""
    return sum(folded_text.count(term) for term in terms)


def match_spans(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """Where the terms occur in the original `text`: sorted, non-overlapping (start, end) spans."""
    if not terms:
        return []
    folded, positions = fold_with_positions(text)
    pattern = re.compile("|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True)))
    spans: list[tuple[int, int]] = []
    for found in pattern.finditer(folded):
        start = positions[found.start()]
        end = positions[found.end() - 1] + 1
        if spans and start < spans[-1][1]:
            continue
        spans.append((start, end))
    return spans


def highlight(text: str, terms: Sequence[str]) -> Markup:
    """`text` escaped, with every occurrence of the terms wrapped in <mark>."""
    return _marked(text, match_spans(text, terms), 0, len(text))


def excerpt(text: str, terms: Sequence[str], length: int = EXCERPT_LENGTH) -> Markup:
    """About `length` characters of `text` around its first match, escaped and highlighted.

    Cut at word boundaries, with an ellipsis where text was left out; the
    beginning of the text when nothing matches.
    """
    spans = match_spans(text, terms)
    first = spans[0][0] if spans else 0
    start = max(0, first - length // 3)
    end = min(len(text), start + length)
    start = max(0, min(start, end - length))
    # Do not cut a word in two (nor a match: spans never straddle a space).
    if start > 0:
        space = text.find(" ", start, first if spans else end)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", max(start, spans[0][1] if spans else start), end)
        end = space if space != -1 else end
    inside = [(s, e) for s, e in spans if s >= start and e <= end]
    body = _marked(text, inside, start, end)
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return Markup(prefix) + body + Markup(suffix)


def _marked(text: str, spans: Sequence[tuple[int, int]], start: int, end: int) -> Markup:
    """text[start:end] escaped, with `spans` (inside that range) wrapped in <mark>."""
    out = Markup("")
    cursor = start
    for span_start, span_end in spans:
        out += escape(text[cursor:span_start])
        out += Markup("<mark>%s</mark>") % text[span_start:span_end]
        cursor = span_end
    out += escape(text[cursor:end])
    return out


@dataclass(frozen=True)
class SearchableSection:
    """A section as the search reads it."""

    module_slug: str
    section_slug: str
    title: str
    text: str


@dataclass(frozen=True)
class SectionMatch:
    """A section that matches every term, with its highlighted title and excerpt."""

    section: SearchableSection
    title: Markup
    excerpt: Markup
    hits: int


def search_sections(
    sections: Sequence[SearchableSection], terms: Sequence[str], limit: int
) -> tuple[list[SectionMatch], int]:
    """The first `limit` sections (in the given order) whose title and text hold every term.

    Returns the matches and how many sections matched in all.
    """
    found: list[SectionMatch] = []
    total = 0
    if not terms:
        return found, total
    for section in sections:
        folded_title, folded_text = fold(section.title), fold(section.text)
        if not matches_all(f"{folded_title}\n{folded_text}", terms):
            continue
        total += 1
        if len(found) < limit:
            found.append(
                SectionMatch(
                    section=section,
                    title=highlight(section.title, terms),
                    excerpt=excerpt(section.text, terms),
                    hits=count_matches(folded_title, terms) + count_matches(folded_text, terms),
                )
            )
    return found, total
