"""Reasons: a sentence (an English msgid) and the typed numbers that fill it.

Rules (positioning, method checks) return reasons rather than text, so that pages, the
PDF and the API each write them in their reader's language and number format.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Pct:
    """A percentage, 0 to 100."""

    value: float


@dataclass(frozen=True)
class Money:
    """An amount in euros."""

    value: int


@dataclass(frozen=True)
class FteAmount:
    """Full-time equivalents."""

    value: Decimal


@dataclass(frozen=True)
class Term:
    """A word of the course's vocabulary (an English msgid), translated when shown."""

    msgid: str


ReasonValue = str | int | Pct | Money | FteAmount | Term


@dataclass(frozen=True)
class Reason:
    """A sentence with %(name)s placeholders, and its values."""

    message: str
    params: Mapping[str, ReasonValue] = field(default_factory=dict)


@dataclass(frozen=True)
class Formatter:
    """How one reader sees values: translation and number formats."""

    translate: Callable[..., str]
    percent: Callable[[float], str]
    money: Callable[[int], str]
    fte: Callable[[Decimal], str]
    number: Callable[[float], str]  # any other figure, to two decimals at most

    def value(self, value: ReasonValue) -> str:
        """One value, written for the reader."""
        if isinstance(value, Pct):
            return self.percent(value.value)
        if isinstance(value, Money):
            return self.money(value.value)
        if isinstance(value, FteAmount):
            return self.fte(value.value)
        if isinstance(value, Term):
            return self.translate(value.msgid)
        return str(value)

    def reason(self, reason: Reason) -> str:
        """The whole sentence, translated and filled."""
        params = {name: self.value(value) for name, value in reason.params.items()}
        return self.translate(reason.message, **params)


def _plain_translate(message: str, **params: str) -> str:
    return message % params if params else message


def _plain_percent(value: float) -> str:
    rounded = round(value, 1)
    return f"{rounded:.0f} %" if rounded == int(rounded) else f"{rounded:.1f} %"


#: English, with plain number formats: for the API and tests.
PLAIN = Formatter(
    translate=_plain_translate,
    percent=_plain_percent,
    money=lambda value: f"{value:,} €",
    fte=lambda value: f"{value.normalize():f}",
    number=lambda value: f"{round(value, 2):g}",
)
