"""Load the course (a validated `Course`) into the database, idempotently.

One transaction: either everything is loaded or nothing changes. Rows are
matched by their stable keys (theme slug, module slug, section slug, question
key, competency code); a row whose content hash is unchanged is left alone, an
edited one is updated in place (learners' progress and attempts keep pointing
at it), and a row that disappeared from content/ is retired, never deleted.
Markdown is rendered here, once per content version, never per request.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.content.model import Course, ModuleDef, QuestionDef, SectionDef
from lms.content.rendering import reading_minutes, render_inline, render_markdown
from lms.content.urls import image_url, module_url, section_url
from lms.models import (
    Competency,
    CourseVersion,
    Module,
    Practice,
    Question,
    ScaleLevel,
    Section,
    Theme,
)
from lms.models.base import utcnow


@dataclass
class LoadReport:
    """What a load changed, counted per kind of row: created, updated, retired, unchanged."""

    version: str
    counts: Counter[str] = field(default_factory=Counter)

    def note(self, kind: str, change: str) -> None:
        """Count one change."""
        self.counts[f"{kind}.{change}"] += 1

    @property
    def changed(self) -> bool:
        """True when anything was created, updated or retired."""
        return any(not key.endswith(".unchanged") for key in self.counts)

    def lines(self) -> list[str]:
        """Human-readable summary, one line per kind."""
        kinds = sorted({key.split(".")[0] for key in self.counts})
        out = []
        for kind in kinds:
            parts = [
                f"{self.counts[f'{kind}.{change}']} {change}"
                for change in ("created", "updated", "retired", "unchanged")
                if self.counts[f"{kind}.{change}"]
            ]
            out.append(f"{kind}: {', '.join(parts)}")
        return out


def _hash(*values: Any) -> str:
    data = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


def _link_resolver(module_slug: str, section_slug: str | None) -> str:
    return section_url(module_slug, section_slug) if section_slug else module_url(module_slug)


def _markdown(text: str, module_slug: str) -> Any:
    return render_markdown(
        text,
        link_resolver=_link_resolver,
        image_resolver=lambda path: image_url(module_slug, path),
    )


def _inline(text: str, module_slug: str) -> str:
    return render_inline(
        text,
        link_resolver=_link_resolver,
        image_resolver=lambda path: image_url(module_slug, path),
    )


def load_course(session: Session, course: Course) -> LoadReport:
    """Synchronise the database with `course` and commit; roll back on any error."""
    report = LoadReport(version=course.version)
    try:
        _load_framework(session, course, report)
        _load_themes(session, course, report)
        if report.changed:  # a reload that changes nothing leaves no trace
            session.add(CourseVersion(version=course.version, summary=dict(report.counts)))
        session.commit()
    except Exception:
        session.rollback()
        raise
    return report


def _load_framework(session: Session, course: Course, report: LoadReport) -> None:
    levels = {row.level: row for row in session.scalars(select(ScaleLevel))}
    for scale in course.framework.scale:
        row = levels.get(scale.level)
        if row is None:
            session.add(
                ScaleLevel(level=scale.level, label=scale.label, description=scale.description)
            )
        else:
            row.label, row.description = scale.label, scale.description
    existing = {row.code: row for row in session.scalars(select(Competency))}
    for position, definition in enumerate(course.framework.competencies, start=1):
        values = {
            "title": definition.title,
            "description": definition.description,
            "kind": definition.kind,
            "theme_slug": definition.theme,
            "position": position,
            "retired_at": None,
        }
        _upsert(
            session,
            existing.pop(definition.code, None),
            Competency,
            values,
            report,
            "competencies",
            code=definition.code,
        )
    for competency in existing.values():
        _retire(competency, report, "competencies")


def _load_themes(session: Session, course: Course, report: LoadReport) -> None:
    themes = {row.slug: row for row in session.scalars(select(Theme))}
    modules = {row.slug: row for row in session.scalars(select(Module))}
    for theme_def in course.themes:
        values = {
            "title": theme_def.title,
            "summary": theme_def.summary,
            "position": theme_def.order,
            "retired_at": None,
        }
        theme = _upsert(
            session,
            themes.pop(theme_def.slug, None),
            Theme,
            values,
            report,
            "themes",
            slug=theme_def.slug,
        )
        for module_def in theme_def.modules:
            _load_module(session, theme, modules.pop(module_def.slug, None), module_def, report)
    for theme_row in themes.values():
        _retire(theme_row, report, "themes")
    for module_row in modules.values():
        if module_row.retired_at is None:
            _retire(module_row, report, "modules")
            children: list[Section | Question | Practice] = [
                *module_row.sections,
                *module_row.questions,
            ]
            if module_row.practice is not None:
                children.append(module_row.practice)
            for child in children:
                if child.retired_at is None:
                    child.retired_at = utcnow()


def _load_module(
    session: Session, theme: Theme, module: Module | None, definition: ModuleDef, report: LoadReport
) -> None:
    slug = definition.slug
    rendered = {
        "summary": _inline(definition.summary, slug),
        "objectives": [_inline(text, slug) for text in definition.objectives],
        "takeaways": [_inline(text, slug) for text in definition.takeaways],
        "glossary": [
            {"term": entry.term, "definition": _inline(entry.definition, slug)}
            for entry in definition.glossary
        ],
    }
    values = {
        "theme": theme,
        "folder": definition.folder,
        "title": definition.title,
        "summary": definition.summary,
        "position": definition.order,
        "duration_minutes": definition.duration_minutes,
        "pass_mark": definition.pass_mark,
        "max_attempts": definition.max_attempts,
        "retake_wait_minutes": definition.retake_wait_minutes,
        "objectives": list(definition.objectives),
        "competency_codes": list(definition.competencies),
        "prerequisites": list(definition.prerequisites),
        "takeaways": list(definition.takeaways),
        "glossary": [{"term": g.term, "definition": g.definition} for g in definition.glossary],
        "rendered": rendered,
        "section_count": len(definition.sections),
        "question_count": len(definition.questions),
        "content_hash": definition.content_hash,
        "retired_at": None,
    }
    if (
        module is not None
        and module.content_hash == definition.content_hash
        and not module.retired_at
    ):
        report.note("modules", "unchanged")
        return
    module = _upsert(session, module, Module, values, report, "modules", slug=slug)
    session.flush()
    words = _load_sections(session, module, definition.sections, report)
    module.word_count = words
    _load_questions(session, module, definition.questions, report)
    _load_practice(session, module, definition, report)
    module.loaded_at = utcnow()


def _load_sections(
    session: Session, module: Module, sections: tuple[SectionDef, ...], report: LoadReport
) -> int:
    existing = {row.slug: row for row in module.sections}
    words = 0
    for definition in sections:
        digest = _hash(definition.title, definition.body_md, definition.position)
        row = existing.pop(definition.slug, None)
        if row is not None and row.content_hash == digest and row.retired_at is None:
            report.note("sections", "unchanged")
            words += row.word_count
            continue
        rendered = _markdown(definition.body_md, module.slug)
        values = {
            "module": module,
            "position": definition.position,
            "title": definition.title,
            "body_md": definition.body_md,
            "html": rendered.html,
            "toc": [{"level": t.level, "id": t.id, "title": t.title} for t in rendered.toc],
            "plain_text": rendered.text,
            "word_count": rendered.word_count,
            "reading_minutes": reading_minutes(rendered.word_count),
            "content_hash": digest,
            "retired_at": None,
        }
        words += rendered.word_count
        _upsert(session, row, Section, values, report, "sections", slug=definition.slug)
    for row in existing.values():
        _retire(row, report, "sections")
    return words


def _render_question(question: QuestionDef, module_slug: str) -> dict[str, Any]:
    definition = question.definition
    rendered: dict[str, Any] = {
        "prompt": _inline(str(definition.get("prompt", "")), module_slug),
        "explanation": _inline(str(definition.get("explanation", "")), module_slug),
    }
    for list_name in ("choices", "items"):
        if list_name in definition:
            rendered[list_name] = {
                str(option["id"]): _inline(str(option.get("text", "")), module_slug)
                for option in definition[list_name]
            }
            if list_name == "choices":
                rendered["feedback"] = {
                    str(option["id"]): _inline(str(option.get("feedback", "")), module_slug)
                    for option in definition[list_name]
                    if option.get("feedback")
                }
    if "pairs" in definition:
        rendered["left"] = {
            str(pair["left"]["id"]): _inline(str(pair["left"]["text"]), module_slug)
            for pair in definition["pairs"]
        }
        right = [pair["right"] for pair in definition["pairs"]]
        right += list(definition.get("distractors", []))
        rendered["right"] = {str(r["id"]): _inline(str(r["text"]), module_slug) for r in right}
    return rendered


def _load_questions(
    session: Session, module: Module, questions: tuple[QuestionDef, ...], report: LoadReport
) -> None:
    existing = {row.key: row for row in module.questions}
    for question in questions:
        competencies = [{"code": code, "weight": weight} for code, weight in question.competencies]
        digest = _hash(question.definition, competencies, question.section, question.position)
        row = existing.pop(question.key, None)
        if row is not None and row.content_hash == digest and row.retired_at is None:
            report.note("questions", "unchanged")
            continue
        values = {
            "module": module,
            "position": question.position,
            "type": question.type,
            "definition": question.definition,
            "rendered": _render_question(question, module.slug),
            "competencies": competencies,
            "section_slug": question.section,
            "content_hash": digest,
            "retired_at": None,
        }
        _upsert(session, row, Question, values, report, "questions", key=question.key)
    for row in existing.values():
        _retire(row, report, "questions")


def _load_practice(
    session: Session, module: Module, definition: ModuleDef, report: LoadReport
) -> None:
    practice_def = definition.practice
    row = module.practice
    if practice_def is None:
        if row is not None:
            _retire(row, report, "practices")
        return
    rubric = [{"criterion": c.criterion, "levels": list(c.levels)} for c in practice_def.rubric]
    digest = _hash(
        practice_def.title, practice_def.instructions_md, practice_def.competencies, rubric
    )
    if row is not None and row.content_hash == digest and row.retired_at is None:
        report.note("practices", "unchanged")
        return
    values = {
        "module": module,
        "title": practice_def.title,
        "instructions_md": practice_def.instructions_md,
        "instructions_html": _markdown(practice_def.instructions_md, module.slug).html,
        "competency_codes": list(practice_def.competencies),
        "rubric": rubric,
        "content_hash": digest,
        "retired_at": None,
    }
    _upsert(session, row, Practice, values, report, "practices")


def _upsert(
    session: Session,
    row: Any,
    model: type[Any],
    values: dict[str, Any],
    report: LoadReport,
    kind: str,
    **keys: Any,
) -> Any:
    if row is None:
        row = model(**keys, **values)
        session.add(row)
        report.note(kind, "created")
        return row
    changed = any(getattr(row, name) != value for name, value in values.items())
    for name, value in values.items():
        setattr(row, name, value)
    report.note(kind, "updated" if changed else "unchanged")
    return row


def _retire(row: Any, report: LoadReport, kind: str) -> None:
    if row.retired_at is None:
        row.retired_at = utcnow()
        report.note(kind, "retired")
