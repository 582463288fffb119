"""Import parsed questions into a module's quiz.yaml (or another file), safely.

One use case: `import_questions`. It finds the module's folder by reading the content tree,
gives every question the module's first competency, checks their Markdown like the content
checker does, refuses ids that the quiz already uses, appends the questions to quiz.yaml
(keeping the existing text, comments included) and finally re-checks the content tree,
restoring the file if the check fails. Nothing is written when a question id clashes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lms.content.model import Course
from lms.content.reader import QUIZ_FILE, check_course, read_course
from lms.content.validation import IMAGES_DIR, check_markdown
from lms.content.yamlfile import YamlSyntaxError, load_yaml
from lms.interop.quiz_import import (
    ERROR,
    TODO,
    ImportedQuestion,
    ImportNote,
    ParsedQuiz,
    appended_quiz_text,
    new_quiz_text,
)

# Question fields rendered as Markdown (as lms.content.reader checks them).
_MARKDOWN_FIELDS = frozenset({"prompt", "explanation", "text", "feedback"})


class QuizImportError(Exception):
    """The import was refused as a whole (unknown module, id clash, invalid result)."""

    def __init__(self, messages: Iterable[str]) -> None:
        self.messages = tuple(messages)
        super().__init__("\n".join(self.messages))


@dataclass
class ImportReport:
    """What an import did: the file written (None on a dry run), the ids added, the notes."""

    target: Path
    written: bool
    added: list[str] = field(default_factory=list)
    notes: list[ImportNote] = field(default_factory=list)

    @property
    def skipped(self) -> int:
        """How many questions of the source were left out."""
        return sum(1 for note in self.notes if note.severity == ERROR)


def import_questions(
    parsed: ParsedQuiz,
    *,
    content_root: Path,
    module_slug: str,
    output: Path | None = None,
    category: str | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Add the questions of `parsed` to the module's quiz.yaml (or to `output`).

    Questions whose Markdown the content checker would refuse are left out with an ERROR
    note at their source line. Raises QuizImportError, writing nothing, when the module
    does not exist, an id is already used in the target file, or the result does not check.
    """
    try:
        course = read_course(content_root)
    except Exception as error:  # ContentError: the tree must be valid to find the module
        raise QuizImportError(
            [f"{content_root}: the content does not check; fix it first (flask content check)"]
        ) from error
    try:
        module = course.module(module_slug)
    except KeyError:
        known = ", ".join(m.slug for m in course.modules())
        raise QuizImportError([f"no module with slug '{module_slug}' (modules: {known})"]) from None
    quiz_path = content_root / module.folder / QUIZ_FILE
    target = output or quiz_path
    notes = list(parsed.notes)
    competency = module.competencies[0]
    questions = [q for q in parsed.questions if category is None or q.category == category]
    checked = _checked_questions(questions, course, content_root / module.folder, notes)
    definitions = [{**question, "competencies": [competency]} for question in checked]
    if definitions:
        first_line = min(q.line for q in questions)
        notes.append(
            ImportNote(
                first_line,
                TODO,
                f"every question is linked to {competency}, the module's first competency: "
                "check each one",
            )
        )
    existing_text = target.read_text(encoding="utf-8") if target.exists() else None
    existing = _existing_questions(target, existing_text)
    clashes = sorted({d["id"] for d in definitions} & {q.get("id") for q in existing})
    if clashes:
        raise QuizImportError(
            f"{target}: question id '{ident}' is already used; rename the question's title "
            "in the source (or remove the question from the file)"
            for ident in clashes
        )
    report = ImportReport(
        target=target, written=False, added=[d["id"] for d in definitions], notes=sorted(notes)
    )
    if dry_run or not definitions:
        return report
    new_text = _merged_text(existing_text, existing, definitions)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(new_text, encoding="utf-8")
    if target.resolve() == quiz_path.resolve():
        _recheck_or_restore(content_root, target, existing_text)
    report.written = True
    return report


def _checked_questions(
    questions: list[ImportedQuestion], course: Course, module_folder: Path, notes: list[ImportNote]
) -> list[dict[str, Any]]:
    """The questions whose Markdown texts pass the content checker; the others are noted."""
    sections = {module.slug: tuple(s.slug for s in module.sections) for module in course.modules()}
    images_folder = module_folder / IMAGES_DIR
    images = {p.name for p in images_folder.iterdir()} if images_folder.is_dir() else set()
    kept = []
    for question in questions:
        messages = sorted(
            {
                message
                for text in _markdown_texts(question.definition)
                for _, message in check_markdown(
                    text.splitlines(), first_line=1, sections_by_module=sections, images=images
                )
            }
        )
        for message in messages:
            notes.append(ImportNote(question.line, ERROR, f"not imported: {message}"))
        if not messages:
            kept.append(question.definition)
    return kept


def _markdown_texts(value: Any, name: str = "") -> Iterable[str]:
    """Every Markdown text of a question (prompt, explanation, choice text and feedback...)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _markdown_texts(item, str(key))
    elif isinstance(value, list):
        for item in value:
            yield from _markdown_texts(item, name)
    elif isinstance(value, str) and name in _MARKDOWN_FIELDS:
        yield value


def _existing_questions(target: Path, text: str | None) -> list[dict[str, Any]]:
    """The questions already in the target file ([] when there is none)."""
    if text is None:
        return []
    try:
        data = load_yaml(text).data
    except YamlSyntaxError as error:
        raise QuizImportError([f"{target}:{error.line}: {error.message}"]) from error
    questions = data.get("questions") if isinstance(data, dict) else None
    if not isinstance(questions, list):
        raise QuizImportError([f"{target}: expected a 'questions:' list"])
    return [q for q in questions if isinstance(q, dict)]


def _merged_text(
    existing_text: str | None, existing: list[dict[str, Any]], new: list[dict[str, Any]]
) -> str:
    """The new file text: appended to the existing list when possible, else written whole."""
    if existing_text is None:
        return new_quiz_text(new)
    appended = appended_quiz_text(existing_text, new)
    if appended is not None and load_yaml(appended).data.get("questions") == [*existing, *new]:
        return appended
    # A flow-style list (questions: [...]) cannot be appended to: rewrite the whole file.
    return new_quiz_text([*existing, *new])


def _recheck_or_restore(content_root: Path, target: Path, previous: str | None) -> None:
    """Check the content tree again; if the written file has problems, put the old one back."""
    problems = [
        problem
        for problem in check_course(content_root)
        if Path(problem.path).name == QUIZ_FILE
        and (content_root.resolve().parent / problem.path).resolve() == target.resolve()
    ]
    if not problems:
        return
    if previous is None:
        target.unlink()
    else:
        target.write_text(previous, encoding="utf-8")
    raise QuizImportError([str(problem) for problem in problems] + ["Nothing was written."])
