"""The rule's explanations (English sentences from lms.competency.proficiency), translated.

`compute_level` explains a level in short English sentences built from
numbers. Each sentence shape is matched here and rebuilt with a translatable
message (numbers and dates formatted for the reader's language). A sentence
that matches no shape — the rule changed and this file did not — is shown as
it is, in English, marked so that the page can tell the browser its language;
tests/unit/competency/test_profile_explanations.py checks every shape the rule
produces is matched.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import format_date, format_decimal, ngettext
from flask_babel import gettext as _


@dataclass(frozen=True)
class Explanation:
    """A sentence explaining a level; ``translated`` is False when shown in the rule's English."""

    text: str
    translated: bool = True


def _number(text: str) -> str:
    """A number as the rule printed it, with the same decimals, in the reader's format."""
    decimals = len(text.partition(".")[2])
    pattern = "0." + "0" * decimals if decimals else "0"
    return str(format_decimal(Decimal(text), format=pattern))


def _count_part(text: str) -> str | None:
    # "2 lessons completed" / "1 quiz answer recorded" / "3 practical works reviewed"
    match = re.fullmatch(
        r"(\d+) (?:(lesson)s? completed|(quiz answer)s? recorded|(practical work)s? reviewed)",
        text,
    )
    if not match:
        return None
    count = int(match.group(1))
    if match.group(2):
        return ngettext("%(num)d lesson completed", "%(num)d lessons completed", count)
    if match.group(3):
        return ngettext("%(num)d quiz answer recorded", "%(num)d quiz answers recorded", count)
    return ngettext("%(num)d practical work reviewed", "%(num)d practical works reviewed", count)


def _level_one(m: re.Match[str]) -> str | None:
    parts = [_count_part(part) for part in m["seen"].split(", ")]
    if any(part is None for part in parts):
        return None
    return _("%(evidence)s: level 1.", evidence=", ".join(p for p in parts if p))


def _missing_knowledge(part: str) -> str | None:
    if m := re.fullmatch(r"knowledge score ([\d.]+) is below ([\d.]+)", part):
        return _(
            "knowledge score %(score)s is below %(threshold)s",
            score=_number(m[1]),
            threshold=_number(m[2]),
        )
    if m := re.fullmatch(r"(\d+) distinct questions? answered, (\d+) needed", part):
        return ngettext(
            "%(num)d distinct question answered, %(needed)s needed",
            "%(num)d distinct questions answered, %(needed)s needed",
            int(m[1]),
            needed=m[2],
        )
    return None


def _missing_practice(part: str) -> str | None:
    if m := re.fullmatch(r"practical work score ([\d.]+) is below ([\d.]+)", part):
        return _(
            "practical work score %(score)s is below %(threshold)s",
            score=_number(m[1]),
            threshold=_number(m[2]),
        )
    if m := re.fullmatch(r"(\d+) distinct practical works? reviewed, (\d+) needed", part):
        return ngettext(
            "%(num)d distinct practical work reviewed, %(needed)s needed",
            "%(num)d distinct practical works reviewed, %(needed)s needed",
            int(m[1]),
            needed=m[2],
        )
    return None


def _joined(
    parts_text: str, translate: Callable[[str], str | None], message: Callable[[str], str]
) -> str | None:
    parts = [translate(part) for part in parts_text.split("; ")]
    if any(part is None for part in parts):
        return None
    return message("; ".join(p for p in parts if p))


def _stale(m: re.Match[str]) -> str:
    count, days, factor = int(m["count"]), m["days"], _number(m["factor"])
    if m["what"].startswith("quiz"):
        return ngettext(
            "%(num)d quiz answer given more than %(days)s days before the latest answer "
            "counts with factor %(factor)s.",
            "%(num)d quiz answers given more than %(days)s days before the latest answer "
            "count with factor %(factor)s.",
            count,
            days=days,
            factor=factor,
        )
    return ngettext(
        "%(num)d practical work given more than %(days)s days before the latest one "
        "counts with factor %(factor)s.",
        "%(num)d practical works given more than %(days)s days before the latest one "
        "count with factor %(factor)s.",
        count,
        days=days,
        factor=factor,
    )


_NUM = r"[\d.]+"
_SHAPES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str | None]]] = [
    (re.compile(r"No evidence yet: level 0\."), lambda m: _("No evidence yet: level 0.")),
    (
        re.compile(
            rf"Knowledge score (?P<score>{_NUM}) \(at least (?P<threshold>{_NUM}) needed\) over "
            r"(?P<count>\d+) distinct questions? \(at least (?P<needed>\d+) needed\): level 2\."
        ),
        lambda m: ngettext(
            "Knowledge score %(score)s (at least %(threshold)s needed) over %(num)d distinct "
            "question (at least %(needed)s needed): level 2.",
            "Knowledge score %(score)s (at least %(threshold)s needed) over %(num)d distinct "
            "questions (at least %(needed)s needed): level 2.",
            int(m["count"]),
            score=_number(m["score"]),
            threshold=_number(m["threshold"]),
            needed=m["needed"],
        ),
    ),
    (
        re.compile(
            rf"Practical work score (?P<score>{_NUM}) \(at least (?P<threshold>{_NUM}) needed "
            r"with level-2 knowledge\): level 3\."
        ),
        lambda m: _(
            "Practical work score %(score)s (at least %(threshold)s needed with level-2 "
            "knowledge): level 3.",
            score=_number(m["score"]),
            threshold=_number(m["threshold"]),
        ),
    ),
    (
        re.compile(
            rf"Practical work score (?P<score>{_NUM}) \(at least (?P<threshold>{_NUM}) needed "
            r"without level-2 knowledge\): level 3\."
        ),
        lambda m: _(
            "Practical work score %(score)s (at least %(threshold)s needed without level-2 "
            "knowledge): level 3.",
            score=_number(m["score"]),
            threshold=_number(m["threshold"]),
        ),
    ),
    (
        re.compile(
            rf"Practical work score (?P<score>{_NUM}) \(at least (?P<threshold>{_NUM}) needed\) "
            r"over (?P<count>\d+) distinct practical works? \(at least (?P<needed>\d+) needed\): "
            r"level 4\."
        ),
        lambda m: ngettext(
            "Practical work score %(score)s (at least %(threshold)s needed) over %(num)d "
            "distinct practical work (at least %(needed)s needed): level 4.",
            "Practical work score %(score)s (at least %(threshold)s needed) over %(num)d "
            "distinct practical works (at least %(needed)s needed): level 4.",
            int(m["count"]),
            score=_number(m["score"]),
            threshold=_number(m["threshold"]),
            needed=m["needed"],
        ),
    ),
    (
        re.compile(
            r"Not level 2: no quiz answer yet \(at least (?P<needed>\d+) distinct questions "
            r"needed\)\."
        ),
        lambda m: _(
            "Not level 2: no quiz answer yet (at least %(needed)s distinct questions needed).",
            needed=m["needed"],
        ),
    ),
    (
        re.compile(r"Not level 2: (?P<parts>.+)\."),
        lambda m: _joined(
            m["parts"],
            _missing_knowledge,
            lambda text: _("Not level 2: %(missing)s.", missing=text),
        ),
    ),
    (
        re.compile(r"Not level 3: no reviewed practical work yet\."),
        lambda m: _("Not level 3: no reviewed practical work yet."),
    ),
    (
        re.compile(
            rf"Not level 3: practical work score (?P<score>{_NUM}) is below (?P<alone>{_NUM}) "
            rf"\(or (?P<threshold>{_NUM}) with level-2 knowledge\)\."
        ),
        lambda m: _(
            "Not level 3: practical work score %(score)s is below %(alone)s (or %(threshold)s "
            "with level-2 knowledge).",
            score=_number(m["score"]),
            alone=_number(m["alone"]),
            threshold=_number(m["threshold"]),
        ),
    ),
    (
        re.compile(
            rf"Not level 3: practical work score (?P<score>{_NUM}) is below "
            rf"(?P<threshold>{_NUM})\."
        ),
        lambda m: _(
            "Not level 3: practical work score %(score)s is below %(threshold)s.",
            score=_number(m["score"]),
            threshold=_number(m["threshold"]),
        ),
    ),
    (
        re.compile(r"Not level 4: (?P<parts>.+)\."),
        lambda m: _joined(
            m["parts"],
            _missing_practice,
            lambda text: _("Not level 4: %(missing)s.", missing=text),
        ),
    ),
    (
        re.compile(
            r"(?P<count>\d+) (?P<what>quiz answers?|practical works?) given more than "
            r"(?P<days>\d+) days before the latest (?:answer|one) counts? with factor "
            rf"(?P<factor>{_NUM})\."
        ),
        _stale,
    ),
    (
        re.compile(
            r"Trainer rating on (?P<date>\d{4}-\d{2}-\d{2}): level (?P<level>\d)\. It sets the "
            r"level \(the evidence alone gives level (?P<measured>\d)\)\."
        ),
        lambda m: _(
            "Trainer rating on %(date)s: level %(level)s. It sets the level (the evidence "
            "alone gives level %(measured)s).",
            date=format_date(date.fromisoformat(m["date"]), "medium"),
            level=m["level"],
            measured=m["measured"],
        ),
    ),
    (
        re.compile(
            r"Self-assessment: level (?P<level>\d)\. It is shown for information and never "
            r"changes the level\."
        ),
        lambda m: _(
            "Self-assessment: level %(level)s. It is shown for information and never changes "
            "the level.",
            level=m["level"],
        ),
    ),
    # Last: "…: level 1." would otherwise also catch sentences above.
    (re.compile(r"(?P<seen>.+): level 1\."), _level_one),
]


def translate_reason(sentence: str) -> Explanation:
    """One sentence of the rule in the reader's language (as it is when no shape matches)."""
    for pattern, rebuild in _SHAPES:
        match = pattern.fullmatch(sentence)
        if match:
            text = rebuild(match)
            if text is not None:
                return Explanation(text)
    return Explanation(sentence, translated=False)


def translate_reasons(sentences: Iterable[str]) -> list[Explanation]:
    """Every sentence of a level's explanation, in order."""
    return [translate_reason(sentence) for sentence in sentences]
