"""Moodle GIFT files -> quiz.yaml questions (a pure parser: text in, `ParsedQuiz` out).

GIFT, as Moodle reads it (qformat_gift): questions are separated by blank lines; `//` starts
a comment line; `$CATEGORY: path` switches category; `::title::` names a question; an optional
`[markdown]`, `[plain]`, `[moodle]` or `[html]` gives the text format; the answers are in
`{...}`. `\\~ \\= \\# \\{ \\} \\: \\\\` escape special characters and `\\n` is a line break.

The type is told from the answer block, in Moodle's order: empty -> essay (not supported);
starts with `#` -> numeric; holds `~` -> multiple choice (`single` when an answer starts with
`=`, else `multiple`, the answers with a positive `%weight%` being the right ones); `=` with
`->` -> matching; `T`/`TRUE`/`F`/`FALSE` -> true_false; otherwise `=` answers -> short.

What our types cannot say is reported with its line (docs/interop.md lists the mapping):
partial-credit weights, per-answer feedback where a type has none, several numeric answers,
HTML text. A question that cannot be imported at all is an ERROR note and is left out; the
others are imported.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lms.interop.quiz_import import (
    ERROR,
    WARNING,
    ImportedQuestion,
    ParsedQuiz,
    explanation_or_placeholder,
    unique_id,
)
from lms.quiz import grading

__all__ = ["BLANK", "escape_gift", "parse_gift", "unescape_gift"]

#: What replaces the answer block of a "missing word" question (text before and after it).
BLANK = "[…]"

# A backslash escapes these characters; `\n` stands for a line break.
_ESCAPABLE = frozenset("\\~=#{}:n")
_SPECIAL = frozenset("\\~=#{}:")
# Placeholder for an escape sequence in the masked text: not a special character.
_MASKED = "\0"
_FORMAT_RE = re.compile(r"\s*\[(html|moodle|plain|markdown)\]")
_WEIGHT_RE = re.compile(r"\s*%(-?\d+(?:\.\d+)?)%")
_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_RANGE_RE = re.compile(rf"^({_NUMBER})\.\.({_NUMBER})$")
_TOLERANCE_RE = re.compile(rf"^({_NUMBER})(?::({_NUMBER}))?$")
_TRUE_FALSE = {"t": True, "true": True, "f": False, "false": False}
_CATEGORY = "$CATEGORY:"
# An HTML tag or comment, as the content checker refuses them.
_HTML_RE = re.compile(r"<!--|</?[A-Za-z][A-Za-z0-9-]*(?:\s[^>]*)?/?>")


def escape_gift(text: str) -> str:
    """Write `text` so that GIFT reads it back unchanged: `~ = # { } : \\` get a backslash,
    line breaks become `\\n`."""
    out = []
    for char in text:
        if char in _SPECIAL:
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        else:
            out.append(char)
    return "".join(out)


def unescape_gift(text: str) -> str:
    """Undo GIFT escapes: `\\~` -> `~`, `\\n` -> line break; other backslashes stay as written."""
    out = []
    index = 0
    while index < len(text):
        char = text[index]
        following = text[index + 1] if index + 1 < len(text) else ""
        if char == "\\" and following in _ESCAPABLE and following:
            out.append("\n" if following == "n" else following)
            index += 2
        else:
            out.append(char)
            index += 1
    return "".join(out)


def _mask(text: str) -> str:
    """`text` with every escape sequence blanked out, same length: searching it for `{`, `=`...
    finds only the unescaped ones, at the same offsets as in `text`."""
    out = []
    index = 0
    while index < len(text):
        if text[index] == "\\" and index + 1 < len(text) and text[index + 1] in _ESCAPABLE:
            out.append(_MASKED * 2)
            index += 2
        else:
            out.append(text[index])
            index += 1
    return "".join(out)


def parse_gift(text: str) -> ParsedQuiz:
    """Parse a GIFT file; every question that fits a quiz.yaml type is returned, every
    construct that does not is noted with its line."""
    parsed = ParsedQuiz()
    taken_ids: set[str] = set()
    category: str | None = None
    for block in _blocks(text.removeprefix("\ufeff").splitlines()):
        first_text = block[0][1]
        if first_text.lstrip().startswith(_CATEGORY):
            category = _category_name(first_text.lstrip()[len(_CATEGORY) :])
            block = block[1:]
            if not block:
                continue
        question = _QuestionBlock(block, parsed, category).parse()
        if question is None:
            continue
        title, definition = question
        definition["id"] = unique_id(title or definition["prompt"], taken_ids)
        parsed.questions.append(ImportedQuestion(block[0][0], definition, category))
    parsed.notes.sort()
    return parsed


def _blocks(lines: Sequence[str]) -> list[list[tuple[int, str]]]:
    """Group the lines into questions: blank lines separate them, `//` lines are comments."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        if line.lstrip().startswith("//"):
            continue
        if not line.strip():
            if current:
                blocks.append(current)
            current = []
            continue
        current.append((number, line))
    if current:
        blocks.append(current)
    return blocks


def _category_name(raw: str) -> str:
    """`$course$/top/Défaut/Escale 1` -> `Défaut/Escale 1`."""
    name = unescape_gift(raw).strip()
    for prefix in ("$course$/", "$cat1$/", "$module$/", "$system$/", "top/"):
        name = name.removeprefix(prefix)
    return name


@dataclass
class _Answer:
    """One answer of an answer block: `=` or `~`, its weight, text and feedback."""

    marker: str
    weight: float | None
    text: str
    feedback: str
    line: int
    masked: str  # the raw answer text with escapes blanked (for `->`, `..`, `:`)
    raw: str  # the raw answer text, escapes still written

    @property
    def full_credit(self) -> bool:
        """A `=` answer, or any answer weighted 100%."""
        if self.weight is None:
            return self.marker == "="
        return self.weight >= 100


class _QuestionBlock:
    """Parses one question block; reports into `parsed`; `parse` returns (title, definition)."""

    def __init__(
        self, block: list[tuple[int, str]], parsed: ParsedQuiz, category: str | None
    ) -> None:
        self.text = "\n".join(line for _, line in block)
        self.mask = _mask(self.text)
        self.numbers = [number for number, _ in block]
        self.parsed = parsed
        self.category = category
        self.start_line = self.numbers[0]

    def line_at(self, offset: int) -> int:
        """The file line of an offset in the block's text."""
        return self.numbers[min(self.text.count("\n", 0, offset), len(self.numbers) - 1)]

    def error(self, offset: int, message: str) -> None:
        """Note an ERROR at the line of an offset: the question is left out."""
        self.parsed.note(self.line_at(offset), ERROR, message)

    def error_at_line(self, line: int, message: str) -> None:
        """Note an ERROR at a line: the question is left out."""
        self.parsed.note(line, ERROR, message)

    def warn(self, line: int, message: str) -> None:
        """Note a WARNING at a line: the question is imported with a change."""
        self.parsed.note(line, WARNING, message)

    def parse(self) -> tuple[str | None, dict[str, Any]] | None:
        """The question's title and quiz.yaml definition, or None (after an ERROR note)."""
        start = len(self.mask) - len(self.mask.lstrip())
        title: str | None = None
        if self.mask.startswith("::", start):
            end = self.mask.find("::", start + 2)
            if end == -1:
                self.error(start, "the title opened with '::' is never closed")
                return None
            title = unescape_gift(self.text[start + 2 : end]).strip() or None
            start = end + 2
        text_format = "moodle"
        format_match = _FORMAT_RE.match(self.mask, start)
        if format_match:
            text_format = format_match.group(1)
            start = format_match.end()
        opening = self.mask.find("{", start)
        if opening == -1:
            self.error(
                start, "a description (text without an answer block {...}) is not a question"
            )
            return None
        closing = self.mask.find("}", opening + 1)
        if closing == -1:
            self.error(opening, "the answer block opened with '{' is never closed")
            return None
        if self.mask.find("{", closing + 1) != -1:
            self.error(self.mask.find("{", closing + 1), "only one answer block per question")
            return None
        before = unescape_gift(self.text[start:opening]).strip()
        after = unescape_gift(self.text[closing + 1 :]).strip()
        prompt = f"{before} {BLANK} {after}".strip() if after else before
        if not prompt:
            self.error(start, "the question has no text")
            return None
        if text_format == "html" and _HTML_RE.search(prompt):
            self.error(start, "HTML question text is not supported: rewrite it in Markdown")
            return None
        definition = self.answers(opening + 1, closing)
        if definition is None:
            return None
        return title, {"prompt": prompt, **definition}

    # --- the answer block ----------------------------------------------------------------------

    def answers(self, start: int, end: int) -> dict[str, Any] | None:
        """The type-specific fields and the explanation, from the block between `{` and `}`."""
        general_at = self.mask.find("####", start, end)
        general = None
        if general_at != -1:
            general = unescape_gift(self.text[general_at + 4 : end]).strip()
            end = general_at
        body = self.mask[start:end].strip()
        if not body:
            self.error(start, "essay questions (an empty answer block) are not supported")
            return None
        if body.startswith("#"):
            return self.numeric(self.mask.find("#", start, end) + 1, end, general)
        if "~" in body:
            return self.choices(start, end, general)
        if "=" in body and "->" in body:
            return self.matching(start, end, general)
        true_false = self.true_false(start, end, general)
        if true_false is not None:
            return true_false
        if body.startswith("="):
            return self.short(start, end, general)
        self.error(start, "unrecognised answer block: answers start with '=' or '~'")
        return None

    def split_answers(self, start: int, end: int) -> list[_Answer] | None:
        """The `=` / `~` answers between two offsets (None after an error)."""
        markers = [i for i in range(start, end) if self.mask[i] in "=~"]
        leading = self.mask[start : markers[0] if markers else end]
        if leading.strip():
            self.error(start, "text before the first answer: each answer starts with '=' or '~'")
            return None
        answers = []
        for index, at in enumerate(markers):
            stop = markers[index + 1] if index + 1 < len(markers) else end
            answers.append(self.answer(self.mask[at], at + 1, stop))
        return answers

    def answer(self, marker: str, start: int, end: int) -> _Answer:
        """One answer: optional `%weight%`, its text, optional `#feedback`."""
        weight = None
        weight_match = _WEIGHT_RE.match(self.mask, start, end)
        if weight_match:
            weight = float(weight_match.group(1))
            start = weight_match.end()
        feedback = ""
        hash_at = self.mask.find("#", start, end)
        text_end = end
        if hash_at != -1:
            feedback = unescape_gift(self.text[hash_at + 1 : end]).strip()
            text_end = hash_at
        return _Answer(
            marker=marker,
            weight=weight,
            text=unescape_gift(self.text[start:text_end]).strip(),
            feedback=feedback,
            line=self.line_at(start),
            masked=self.mask[start:text_end].strip(),
            raw=self.text[start:text_end].strip(),
        )

    def choices(self, start: int, end: int, general: str | None) -> dict[str, Any] | None:
        """`single` when an answer is marked `=`, else `multiple` (positive weights right)."""
        answers = self.split_answers(start, end)
        if answers is None:
            return None
        if any(not answer.text for answer in answers):
            self.error(start, "an answer has no text")
            return None
        if len(answers) < 2:
            self.error(start, "a multiple-choice question needs at least 2 answers")
            return None
        single = any(answer.marker == "=" for answer in answers)
        if single:
            right = [answer for answer in answers if answer.marker == "="]
            if len(right) > 1:
                self.error_at_line(
                    right[1].line,
                    "several answers marked '=': a single-choice question has one right answer "
                    "(for several, mark them ~%50% and the others ~%-100%)",
                )
                return None
            for answer in answers:
                if answer.marker == "~" and answer.weight and answer.weight > 0:
                    self.warn(
                        answer.line,
                        f"partial credit ~%{answer.weight:g}% is not supported: "
                        f"'{answer.text}' counts as a wrong answer",
                    )
            correct = [answer.marker == "=" for answer in answers]
        else:
            correct = [(answer.weight or 0) > 0 for answer in answers]
            if not any(correct):
                self.error(start, "no right answer: mark one with '=' or a positive %weight%")
                return None
            positive = {answer.weight for answer in answers if (answer.weight or 0) > 0}
            if len(positive) > 1:
                weights = ", ".join(
                    f"{answer.weight:g}%" for answer in answers if (answer.weight or 0) > 0
                )
                self.warn(
                    answers[0].line,
                    f"the right answers have different weights ({weights}): "
                    "here each right answer counts the same",
                )
        choices = []
        for answer, is_correct in zip(answers, correct, strict=True):
            choice: dict[str, Any] = {"text": answer.text}
            if is_correct:
                choice["correct"] = True
            if answer.feedback:
                choice["feedback"] = answer.feedback
            choices.append(choice)
        return {
            "type": "single" if single else "multiple",
            "choices": choices,
            "explanation": explanation_or_placeholder(self.parsed, self.start_line, general),
        }

    def short(self, start: int, end: int, general: str | None) -> dict[str, Any] | None:
        """`=` answers -> `accepted`; partial-credit answers are left out with a warning."""
        answers = self.split_answers(start, end)
        if answers is None:
            return None
        accepted = []
        feedback = []
        for answer in answers:
            if not answer.text:
                self.error_at_line(answer.line, "an answer has no text")
                return None
            if not answer.full_credit:
                self.warn(
                    answer.line,
                    f"partial credit %{answer.weight or 0:g}% is not supported: "
                    f"'{answer.text}' is not accepted",
                )
                continue
            accepted.append(answer.text)
            if answer.feedback:
                feedback.append((answer.line, answer.feedback))
        if not accepted:
            self.error(start, "no answer with full credit")
            return None
        explanation = self.explanation_from_feedback(general, feedback)
        return {"type": "short", "accepted": accepted, "explanation": explanation}

    def numeric(self, start: int, end: int, general: str | None) -> dict[str, Any] | None:
        """`#value`, `#value:tolerance` or `#min..max`; several `=` answers: the full-credit one."""
        if "=" in self.mask[start:end]:
            answers = self.split_answers(start, end)
            if answers is None:
                return None
        else:
            answers = [self.answer("=", start, end)]
        full = [answer for answer in answers if answer.full_credit]
        for answer in answers:
            if not answer.full_credit:
                self.warn(
                    answer.line,
                    f"partial credit %{answer.weight or 0:g}% is not supported: "
                    f"the answer '{answer.raw}' is not kept",
                )
        if len(full) != 1:
            self.error(
                start,
                f"a numeric question needs exactly one answer with full credit (found {len(full)})",
            )
            return None
        value = _numeric_value(full[0].masked)
        if value is None:
            self.error_at_line(
                full[0].line,
                f"'{full[0].raw}' is not a number, 'number:tolerance' or 'minimum..maximum'",
            )
            return None
        number, tolerance = value
        definition: dict[str, Any] = {"type": "numeric", "answer": _plain_number(number)}
        if tolerance:
            definition["tolerance"] = _plain_number(tolerance)
        feedback = [(full[0].line, full[0].feedback)] if full[0].feedback else []
        definition["explanation"] = self.explanation_from_feedback(general, feedback)
        return definition

    def matching(self, start: int, end: int, general: str | None) -> dict[str, Any] | None:
        """`=left -> right` pairs; `= -> right` (no left) is an extra right-hand option."""
        answers = self.split_answers(start, end)
        if answers is None:
            return None
        lefts: list[str] = []
        rights: list[str] = []
        extras: list[str] = []
        for answer in answers:
            arrow = answer.masked.find("->")
            if answer.marker != "=" or arrow == -1:
                self.error_at_line(answer.line, "each matching answer is written '=left -> right'")
                return None
            if answer.weight is not None or answer.feedback:
                self.warn(answer.line, "matching answers have no weight or feedback: ignored")
            # raw and masked have the same length and strip the same way: offsets agree.
            left = unescape_gift(answer.raw[:arrow]).strip()
            right = unescape_gift(answer.raw[arrow + 2 :]).strip()
            if not right:
                self.error_at_line(answer.line, "a matching answer has nothing after '->'")
                return None
            if left:
                lefts.append(left)
                rights.append(right)
            else:
                extras.append(right)
        if len(lefts) < 2:
            self.error(start, "a matching question needs at least 2 pairs")
            return None
        if len(set(rights)) < len(rights):
            self.warn(
                self.start_line,
                "several pairs share a right-hand text: it is offered once per pair",
            )
        definition: dict[str, Any] = {
            "type": "matching",
            "pairs": [],
            "explanation": explanation_or_placeholder(self.parsed, self.start_line, general),
        }
        left_ids, right_ids = _neutral_matching_ids(len(lefts), len(extras), self.text)
        definition["pairs"] = [
            {"left": {"id": left_id, "text": left}, "right": {"id": right_id, "text": right}}
            for left_id, left, right_id, right in zip(
                left_ids, lefts, right_ids, rights, strict=False
            )
        ]
        if extras:
            definition["distractors"] = [
                {"id": right_id, "text": text}
                for right_id, text in zip(right_ids[len(lefts) :], extras, strict=True)
            ]
        return definition

    def true_false(self, start: int, end: int, general: str | None) -> dict[str, Any] | None:
        """`{T}`, `{FALSE#wrong-answer feedback#right-answer feedback}`; None if not T/F."""
        hash_at = self.mask.find("#", start, end)
        head_end = end if hash_at == -1 else hash_at
        answer = _TRUE_FALSE.get(self.mask[start:head_end].strip().lower())
        if answer is None:
            return None
        wrong = right = ""
        if hash_at != -1:
            second = self.mask.find("#", hash_at + 1, end)
            if second == -1:
                wrong = unescape_gift(self.text[hash_at + 1 : end]).strip()
            else:
                wrong = unescape_gift(self.text[hash_at + 1 : second]).strip()
                right = unescape_gift(self.text[second + 1 : end]).strip()
        line = self.line_at(start)
        if wrong:
            self.warn(
                line,
                "true/false questions have one explanation: the feedback for a wrong "
                "answer is not kept",
            )
        feedback = [(line, right)] if right else []
        return {
            "type": "true_false",
            "answer": answer,
            "explanation": self.explanation_from_feedback(general, feedback),
        }

    def explanation_from_feedback(
        self, general: str | None, feedback: list[tuple[int, str]]
    ) -> str:
        """General feedback, else the right answer's feedback (types without per-answer
        feedback); other feedback that cannot be kept is reported."""
        distinct = list(dict.fromkeys(text for _, text in feedback))
        if general and general.strip():
            kept: str | None = general
            dropped = feedback
        else:
            kept = distinct[0] if distinct else None
            dropped = [(line, text) for line, text in feedback if text != kept]
        for line, _ in dropped:
            self.warn(line, "per-answer feedback is not supported for this type: it is not kept")
        return explanation_or_placeholder(self.parsed, self.start_line, kept)


def _numeric_value(spec: str) -> tuple[float, float] | None:
    """(answer, tolerance) from `5`, `5:0.5` or `1..5`; None if it is none of these."""
    spec = spec.strip()
    ranged = _RANGE_RE.match(spec)
    if ranged:
        low, high = sorted((float(ranged.group(1)), float(ranged.group(2))))
        return (low + high) / 2, (high - low) / 2
    plain = _TOLERANCE_RE.match(spec)
    if plain:
        tolerance = abs(float(plain.group(2))) if plain.group(2) else 0.0
        return float(plain.group(1)), tolerance
    return None


def _plain_number(number: float) -> int | float:
    """66.0 -> 66 (reads better in quiz.yaml); other floats unchanged."""
    return int(number) if number.is_integer() and abs(number) < 1e15 else number


def _neutral_matching_ids(
    pair_count: int, extra_count: int, seed_text: str
) -> tuple[list[str], list[str]]:
    """Left ids `a, b, c...` and right ids `r<n>` in a shuffled order that does not reveal the
    pairs (lms.quiz.types.matching refuses ids sorting like their lefts); deterministic."""
    left_ids = [_letters(index) for index in range(pair_count)]
    rng = random.Random(f"gift-matching:{seed_text}")
    numbers = list(range(1, pair_count + extra_count + 1))
    for _ in range(100):
        rng.shuffle(numbers)
        right_ids = [f"r{number}" for number in numbers]
        probe = {
            "type": "matching",
            "pairs": [
                {"left": {"id": left, "text": "x"}, "right": {"id": right, "text": "y"}}
                for left, right in zip(left_ids, right_ids, strict=False)
            ],
            "distractors": [{"id": right, "text": "z"} for right in right_ids[pair_count:]],
        }
        if not grading.validate_definition(probe):
            break
    return left_ids, right_ids


def _letters(index: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa..."""
    name = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        name = chr(ord("a") + remainder) + name
    return name
