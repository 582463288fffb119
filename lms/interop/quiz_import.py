"""What the quiz importers share: notes with line numbers, question ids, quiz.yaml text.

The parsers (`lms.interop.gift`, `lms.interop.aiken`) are pure: text in, `ParsedQuiz` out.
Each imported question is a quiz.yaml question dict (it passes
`lms.quiz.grading.validate_definition`) without `competencies`, which depend on the module
it goes to: `lms.interop.quiz_services` adds them and writes the file.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lms.interop.yamltext import dump_yaml

#: Written when the source gives no general feedback; reported as a note to act on.
PLACEHOLDER_EXPLANATION = "À rédiger : expliquez ici la bonne réponse."

#: Severity of an import note: the question was left out, approximated, or needs writing.
ERROR, WARNING, TODO = "error", "warning", "to do"

#: Longest generated question id (slugs stay readable in URLs and reports).
MAX_ID_LENGTH = 40

# The key order of a written question: generic fields first, as in docs/authoring.md.
_KEY_ORDER = (
    "id",
    "type",
    "prompt",
    "choices",
    "answer",
    "tolerance",
    "unit",
    "accepted",
    "items",
    "pairs",
    "distractors",
    "explanation",
    "competencies",
    "section",
)


@dataclass(frozen=True, order=True)
class ImportNote:
    """Something the importer could not do as written, at a line of the source file.

    `severity` is ERROR (the question was not imported), WARNING (imported with a change
    the author should know about) or TODO (imported with a placeholder to complete).
    """

    line: int
    severity: str
    message: str

    def format(self, source: str) -> str:
        """`FILE:line: severity: message`, like a compiler's report."""
        return f"{source}:{self.line}: {self.severity}: {self.message}"


@dataclass(frozen=True)
class ImportedQuestion:
    """One question read from the source: its quiz.yaml dict (no competencies yet), the line
    it starts on, and the category it was in (GIFT `$CATEGORY:`), if any."""

    line: int
    definition: dict[str, Any]
    category: str | None = None


@dataclass
class ParsedQuiz:
    """A parsed file: the questions that could be imported, and every note, in line order."""

    questions: list[ImportedQuestion] = field(default_factory=list)
    notes: list[ImportNote] = field(default_factory=list)

    def note(self, line: int, severity: str, message: str) -> None:
        """Record a note."""
        self.notes.append(ImportNote(line, severity, message))

    @property
    def errors(self) -> list[ImportNote]:
        """The notes about questions that were left out."""
        return [note for note in self.notes if note.severity == ERROR]


def slugify(text: str, max_length: int = MAX_ID_LENGTH) -> str:
    """A lowercase ASCII slug of `text`: "Les 3 piliers !" -> "les-3-piliers"."""
    folded = unicodedata.normalize("NFKD", text.casefold().replace("œ", "oe").replace("æ", "ae"))
    ascii_text = folded.encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text)
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length:
            break
        slug = candidate
    return slug or (words[0][:max_length] if words else "")


def unique_id(base_text: str, taken: set[str], fallback: str = "question") -> str:
    """A question id from `base_text` (a title or prompt) not in `taken`; adds it to `taken`.

    "Q1" -> "q1"; a second "Q1" -> "q1-2".
    """
    base = slugify(base_text) or fallback
    candidate, number = base, 2
    while candidate in taken:
        suffix = f"-{number}"
        candidate = base[: MAX_ID_LENGTH - len(suffix)].rstrip("-") + suffix
        number += 1
    taken.add(candidate)
    return candidate


def explanation_or_placeholder(
    parsed: ParsedQuiz,
    line: int,
    text: str | None = None,
    why: str = "no general feedback",
) -> str:
    """`text` when it is not blank, else the placeholder explanation with a TODO note saying
    `why`: quiz.yaml requires an explanation."""
    if text and text.strip():
        return text.strip()
    parsed.note(line, TODO, f"{why}: the explanation is a placeholder to write")
    return PLACEHOLDER_EXPLANATION


def ordered(question: Mapping[str, Any]) -> dict[str, Any]:
    """The question's keys in the order of docs/authoring.md (unknown keys last)."""
    rank = {key: index for index, key in enumerate(_KEY_ORDER)}
    return {key: question[key] for key in sorted(question, key=lambda k: rank.get(k, len(rank)))}


# --- quiz.yaml text ----------------------------------------------------------------------------


def dump_questions(questions: Iterable[Mapping[str, Any]], indent: str = "") -> str:
    """The questions as YAML list items, each line prefixed by `indent`."""
    text = dump_yaml([ordered(question) for question in questions])
    return "".join(f"{indent}{line}" if line.strip() else line for line in text.splitlines(True))


def new_quiz_text(questions: Iterable[Mapping[str, Any]]) -> str:
    """A whole quiz.yaml holding `questions`."""
    return "questions:\n" + dump_questions(questions, indent="  ")


_QUESTIONS_KEY_RE = re.compile(r"^questions:[ \t]*(?:#.*)?$", re.MULTILINE)
_ITEM_RE = re.compile(r"^([ \t]*)- ", re.MULTILINE)


def appended_quiz_text(existing: str, questions: Iterable[Mapping[str, Any]]) -> str | None:
    """`existing` quiz.yaml text with `questions` appended to its list, keeping every existing
    line (comments and layout included); None when the list is not written as a block list
    (the caller then rewrites the file)."""
    key = _QUESTIONS_KEY_RE.search(existing)
    if key is None:
        return None
    item = _ITEM_RE.search(existing, key.end())
    if item is None:
        return None
    text = existing if existing.endswith("\n") else existing + "\n"
    return text + dump_questions(questions, indent=item.group(1))
