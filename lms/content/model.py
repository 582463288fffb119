"""The course as read from content/: frozen dataclasses holding plain values.

``lms.content.reader.read_course`` builds them, only from a tree that passed every check, so code
using them can trust every reference (competency codes, prerequisites, section slugs) to exist.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

COMPETENCY_KINDS = ("knowledge", "skill")


@dataclass(frozen=True)
class ScaleLevel:
    """One level of the proficiency scale (0 = not assessed yet, 1..4)."""

    level: int
    label: str
    description: str


@dataclass(frozen=True)
class CompetencyDef:
    """A competency of the framework; ``kind`` is ``knowledge`` or ``skill``, ``theme`` a slug."""

    code: str
    title: str
    description: str
    kind: str
    theme: str


@dataclass(frozen=True)
class Framework:
    """The competency framework: its scale and its competencies, in file order."""

    title: str
    scale: tuple[ScaleLevel, ...]
    competencies: tuple[CompetencyDef, ...]

    def competency(self, code: str) -> CompetencyDef:
        """Return the competency with this code (``KeyError`` if there is none)."""
        for competency in self.competencies:
            if competency.code == code:
                return competency
        raise KeyError(code)


@dataclass(frozen=True)
class RubricCriterion:
    """A rubric criterion and its four level descriptors, from insufficient to excellent."""

    criterion: str
    levels: tuple[str, ...]


@dataclass(frozen=True)
class PracticeDef:
    """A module's practical assignment and the rubric trainers review it with."""

    title: str
    instructions_md: str
    competencies: tuple[str, ...]
    rubric: tuple[RubricCriterion, ...]


@dataclass(frozen=True)
class GlossaryEntry:
    """A term of a module's glossary."""

    term: str
    definition: str


@dataclass(frozen=True)
class SectionDef:
    """A lesson section; ``position`` counts from 1 in file-name order, ``source_path`` is the file
    path as reported in problems (relative to the content root's parent)."""

    slug: str
    position: int
    title: str
    body_md: str
    source_path: str


@dataclass(frozen=True)
class QuestionDef:
    """A quiz question.

    ``key`` is its stable id, ``position`` counts from 1, ``definition`` is the whole question as
    normalised by ``lms.quiz.grading.normalise_definition``, ``competencies`` pairs each code with
    its weight (1.0 unless given), ``section`` is the slug of the section to reread, if any.
    """

    key: str
    type: str
    position: int
    definition: dict[str, Any] = field(hash=False)
    competencies: tuple[tuple[str, float], ...]
    section: str | None


@dataclass(frozen=True)
class ModuleDef:
    """A module (« escale »): metadata, practical work, sections and quiz.

    ``folder`` is the module folder relative to the content root (``comprendre/01-slug``);
    ``content_hash`` is a sha256 of the module's files, stable while they do not change.
    """

    slug: str
    folder: str
    title: str
    order: int
    duration_minutes: int
    summary: str
    objectives: tuple[str, ...]
    competencies: tuple[str, ...]
    pass_mark: float
    max_attempts: int | None
    retake_wait_minutes: int
    prerequisites: tuple[str, ...]
    takeaways: tuple[str, ...]
    glossary: tuple[GlossaryEntry, ...]
    practice: PracticeDef | None
    sections: tuple[SectionDef, ...]
    questions: tuple[QuestionDef, ...]
    content_hash: str

    def section(self, slug: str) -> SectionDef:
        """Return the section with this slug (``KeyError`` if there is none)."""
        for section in self.sections:
            if section.slug == slug:
                return section
        raise KeyError(slug)


@dataclass(frozen=True)
class Theme:
    """A theme: a group of modules, in order."""

    slug: str
    title: str
    order: int
    summary: str
    modules: tuple[ModuleDef, ...]


@dataclass(frozen=True)
class Course:
    """The whole course; ``version`` is a sha256 of every file of the content tree."""

    framework: Framework
    themes: tuple[Theme, ...]
    version: str

    def modules(self) -> Iterator[ModuleDef]:
        """Yield every module, theme by theme, in order."""
        for theme in self.themes:
            yield from theme.modules

    def module(self, slug: str) -> ModuleDef:
        """Return the module with this slug (``KeyError`` if there is none)."""
        for module in self.modules():
            if module.slug == slug:
                return module
        raise KeyError(slug)
