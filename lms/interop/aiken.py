"""Aiken files -> quiz.yaml `single` questions (a pure parser: text in, `ParsedQuiz` out).

The Aiken format, as Moodle reads it: a question's text, then its choices, each on a line
starting with a capital letter and `.` or `)` (`A. Oui`, `B) Non`), then `ANSWER: B`.
Blank lines between questions are optional. Aiken has no feedback, so every question gets
the placeholder explanation (reported as a note to write). The question text may run over
several lines (Moodle wants one; we join them with line breaks).
"""

from __future__ import annotations

import re

from lms.interop.quiz_import import (
    ERROR,
    ImportedQuestion,
    ParsedQuiz,
    explanation_or_placeholder,
    unique_id,
)

__all__ = ["parse_aiken"]

_CHOICE_RE = re.compile(r"^([A-Z])[.)]\s+(\S.*)$")
_ANSWER_RE = re.compile(r"^ANSWER\s*:\s*(.*)$")


class _Draft:
    """The question being read: its first line, text lines and (letter, text, line) choices."""

    def __init__(self, line: int) -> None:
        self.line = line
        self.text: list[str] = []
        self.choices: list[tuple[str, str, int]] = []


def parse_aiken(text: str) -> ParsedQuiz:
    """Parse an Aiken file; questions that break the format are noted with their line."""
    parsed = ParsedQuiz()
    taken_ids: set[str] = set()
    draft: _Draft | None = None
    for number, raw in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        answer = _ANSWER_RE.match(line)
        choice = _CHOICE_RE.match(line)
        if answer:
            if draft is None or not draft.text:
                parsed.note(number, ERROR, "'ANSWER:' without a question before it")
            else:
                _finish(parsed, draft, answer.group(1).strip(), number, taken_ids)
            draft = None
        elif choice and draft is not None and draft.text:
            draft.choices.append((choice.group(1), choice.group(2).strip(), number))
        else:
            if draft is not None and draft.choices:
                # Text after the choices: the previous question lacked its ANSWER line.
                parsed.note(draft.line, ERROR, "the question has no 'ANSWER: <letter>' line")
                draft = None
            if choice and draft is None:
                parsed.note(number, ERROR, "a choice line without a question before it")
                continue
            if draft is None:
                draft = _Draft(number)
            draft.text.append(line)
    if draft is not None:
        parsed.note(draft.line, ERROR, "the question has no 'ANSWER: <letter>' line")
    parsed.notes.sort()
    return parsed


def _finish(
    parsed: ParsedQuiz, draft: _Draft, letter: str, answer_line: int, taken_ids: set[str]
) -> None:
    """Check a complete question and add it to `parsed`."""
    letters = [choice_letter for choice_letter, _, _ in draft.choices]
    if len(draft.choices) < 2:
        parsed.note(draft.line, ERROR, "a question needs at least 2 choices (A. ..., B. ...)")
        return
    duplicates = sorted({x for x in letters if letters.count(x) > 1})
    if duplicates:
        parsed.note(draft.line, ERROR, f"choice letter {duplicates[0]} is used twice")
        return
    if letter not in letters:
        parsed.note(
            answer_line,
            ERROR,
            f"'ANSWER: {letter}' is not one of the choices ({', '.join(letters)})",
        )
        return
    prompt = "\n".join(draft.text)
    definition = {
        "id": unique_id(prompt, taken_ids),
        "type": "single",
        "prompt": prompt,
        "choices": [
            {
                "id": choice_letter.lower(),
                "text": text,
                **({"correct": True} if choice_letter == letter else {}),
            }
            for choice_letter, text, _ in draft.choices
        ],
        "explanation": explanation_or_placeholder(parsed, draft.line, why="Aiken has no feedback"),
    }
    parsed.questions.append(ImportedQuestion(draft.line, definition))
