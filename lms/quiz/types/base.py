"""What every question type provides, and the small helpers the types share."""

from __future__ import annotations

import random
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

ErrorPath = tuple[str | int, ...]
DefinitionError = tuple[ErrorPath, str]

#: Fields every question has; the content validator checks them, not the question types.
GENERIC_FIELDS = frozenset({"id", "type", "prompt", "explanation", "competencies", "section"})

#: Longest text answer accepted from a learner (short answers).
MAX_TEXT_LENGTH = 500


@dataclass(frozen=True)
class PartFeedback:
    """Feedback on one part of a response: one choice, ordering item or matching pair."""

    key: str
    correct: bool
    message: str


class QuestionType(ABC):
    """One question type. Methods other than `validate` receive a normalised definition,
    and `score` / `describe_response` only receive responses that `check` accepted."""

    name: ClassVar[str]
    #: Type-specific fields allowed in quiz.yaml, besides GENERIC_FIELDS.
    fields: ClassVar[frozenset[str]]

    @abstractmethod
    def validate(self, definition: Mapping[str, Any]) -> list[DefinitionError]:
        """Errors in this type's own fields, as written in quiz.yaml."""

    @abstractmethod
    def normalise(self, definition: Mapping[str, Any]) -> dict[str, Any]:
        """This type's fields with every default filled, from a valid definition."""

    @abstractmethod
    def public_options(
        self, definition: Mapping[str, Any], rng: random.Random | None
    ) -> dict[str, Any]:
        """The options a learner sees (shuffled with `rng` when given), never the answer."""

    @abstractmethod
    def check(self, definition: Mapping[str, Any], response: Any) -> str | None:
        """None if a (non-None) response has the right shape, else a message."""

    @abstractmethod
    def score(
        self, definition: Mapping[str, Any], response: Any
    ) -> tuple[float, tuple[PartFeedback, ...]]:
        """The raw score 0..1 and the per-part feedback of a well-formed response."""

    @abstractmethod
    def describe_response(self, definition: Mapping[str, Any], response: Any) -> str:
        """A well-formed response in words."""

    @abstractmethod
    def describe_answer(self, definition: Mapping[str, Any]) -> str:
        """The expected answer in words."""


def show(value: Any) -> str:
    """A short quoted rendering of a value for messages (never echo a huge input)."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def is_number(value: Any) -> bool:
    """True for int and float, but not bool (which Python counts as an int)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_list(value: Any) -> bool:
    """True for a YAML/JSON list (a str is a sequence too, but never a list of options)."""
    return isinstance(value, list | tuple)


def required(definition: Mapping[str, Any], field: str) -> list[DefinitionError]:
    """An error if `field` is missing."""
    return [] if field in definition else [((field,), "required")]


def option_id(option: Mapping[str, Any], index: int) -> str:
    """The stable id of an option: the one written, else its position from 0, as a string."""
    written = option.get("id")
    return str(index) if written is None else str(written)


def validate_options(
    value: Any,
    path: ErrorPath,
    *,
    noun: str,
    min_count: int,
    extra_fields: frozenset[str] = frozenset(),
    id_required_because: str | None = None,
) -> list[DefinitionError]:
    """Check a list of `{id, text, ...extra_fields}` mappings (ids are not compared here)."""
    if not is_list(value):
        return [(path, f"must be a list of {noun}s")]
    errors: list[DefinitionError] = []
    if len(value) < min_count:
        errors.append((path, f"needs at least {min_count} {noun}s"))
    for index, option in enumerate(value):
        errors += validate_option(
            option,
            (*path, index),
            noun=noun,
            extra_fields=extra_fields,
            id_required_because=id_required_because,
        )
    return errors


def validate_option(
    option: Any,
    path: ErrorPath,
    *,
    noun: str,
    extra_fields: frozenset[str] = frozenset(),
    id_required_because: str | None = None,
) -> list[DefinitionError]:
    """Check one `{id, text, ...extra_fields}` mapping: known fields, id type, non-empty text."""
    if not isinstance(option, Mapping):
        return [(path, f"each {noun} must be a mapping with 'id' and 'text'")]
    allowed = {"id", "text"} | extra_fields
    errors: list[DefinitionError] = [
        ((*path, str(key)), f"unknown {noun} field") for key in option if key not in allowed
    ]
    written_id = option.get("id")
    if written_id is None:
        if id_required_because:
            errors.append(((*path, "id"), f"required: {id_required_because}"))
    elif not _valid_id(written_id):
        errors.append(((*path, "id"), "must be a non-empty text or a whole number"))
    if "text" not in option:
        errors.append(((*path, "text"), "required"))
    elif not isinstance(option["text"], str) or not option["text"].strip():
        errors.append(((*path, "text"), "must be a non-empty text"))
    return errors


def _valid_id(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    return isinstance(value, int) and not isinstance(value, bool)


def duplicate_ids(entries: Iterable[tuple[ErrorPath, str]]) -> list[DefinitionError]:
    """An error for every id already used by an earlier entry of the same group."""
    first_seen: dict[str, ErrorPath] = {}
    errors: list[DefinitionError] = []
    for path, ident in entries:
        if ident in first_seen:
            where = ".".join(str(part) for part in first_seen[ident])
            errors.append((path, f"duplicate id {show(ident)} (already used at {where})"))
        else:
            first_seen[ident] = path
    return errors


def plain_options(options: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """`{id, text}` copies of options (ids as strings), for normalising and public views."""
    return [
        {"id": option_id(option, index), "text": option["text"]}
        for index, option in enumerate(options)
    ]


def fixed_rng(question_id: Any) -> random.Random:
    """The shuffle used when no seed is given: stable per question, unrelated to the answer."""
    return random.Random(f"escales-fixed:{question_id}")


def _natural_key(text: str) -> list[int | str]:
    # re.split with a capturing group alternates text/digits, so keys compare position-wise.
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text.casefold())]


def id_orders(ids: Sequence[str]) -> list[list[int]]:
    """The positions of `ids` in sorted order, alphabetically and naturally ("a2" < "a10")."""
    positions = range(len(ids))
    return [
        sorted(positions, key=lambda i: ids[i].casefold()),
        sorted(positions, key=lambda i: _natural_key(ids[i])),
    ]


def check_id_list(response: Any, known: Sequence[str], noun: str) -> str | None:
    """Shape check of a list of distinct known ids (the caller checks how many)."""
    if not is_list(response):
        return f"expected a list of {noun} ids"
    if len(response) > len(known):
        return f"too many {noun}s: there are only {len(known)}"
    known_ids = set(known)
    seen: set[str] = set()
    for ident in response:
        if not isinstance(ident, str):
            return f"expected {noun} ids as text, got {show(ident)}"
        if ident not in known_ids:
            return f"unknown {noun} id {show(ident)}"
        if ident in seen:
            return f"{noun} id {show(ident)} is given more than once"
        seen.add(ident)
    return None
