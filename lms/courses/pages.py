"""What the course pages and the API show: plain, frozen values built by lms.courses.services.

Templates receive these, never ORM objects, so rendering a page cannot run a
query (no lazy loading, no expired attributes after a commit).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lms.courses.rules import ModuleState, Step, share


@dataclass(frozen=True)
class CompetencyRef:
    """A competency a module develops."""

    code: str
    title: str


@dataclass(frozen=True)
class ModuleStatus:
    """A learner's progress in one module (reading counted on sections not retired)."""

    sections_read: int = 0
    sections_total: int = 0
    reading_completed: bool = False
    quiz_passed: bool = False
    quiz_best_score: float | None = None
    practice_status: str = "none"
    last_activity_at: datetime | None = None

    @property
    def share(self) -> float:
        """Share of the sections read, 0..1."""
        return share(self.sections_read, self.sections_total)

    @property
    def started(self) -> bool:
        """True once the learner has done anything in the module."""
        return self.last_activity_at is not None

    def state(self, slug: str, prerequisites: tuple[str, ...] = ()) -> ModuleState:
        """The same facts, as lms.courses.rules reads them."""
        return ModuleState(
            slug=slug,
            sections_read=self.sections_read,
            sections_total=self.sections_total,
            reading_completed=self.reading_completed,
            quiz_passed=self.quiz_passed,
            prerequisites=prerequisites,
        )


@dataclass(frozen=True)
class ModuleCard:
    """A module as the catalogue lists it."""

    slug: str
    title: str
    url: str
    summary_html: str
    duration_minutes: int
    objectives_html: list[str]
    competencies: list[CompetencyRef]
    has_practice: bool
    status: ModuleStatus | None  # None for anonymous visitors


@dataclass(frozen=True)
class ThemeCard:
    """A theme and its modules, with the learner's progress over them."""

    slug: str
    title: str
    summary: str
    modules: list[ModuleCard]

    @property
    def sections_total(self) -> int:
        """Sections of the theme's modules."""
        return sum(m.status.sections_total for m in self.modules if m.status)

    @property
    def sections_read(self) -> int:
        """Sections of the theme's modules the learner read."""
        return sum(m.status.sections_read for m in self.modules if m.status)

    @property
    def share(self) -> float:
        """Share of the theme's sections read, 0..1."""
        return share(self.sections_read, self.sections_total)


@dataclass(frozen=True)
class Catalogue:
    """The whole course in order; progress only for a signed-in learner."""

    themes: list[ThemeCard]
    signed_in: bool

    @property
    def share(self) -> float:
        """Share of all the course's sections read, 0..1."""
        return share(
            sum(t.sections_read for t in self.themes), sum(t.sections_total for t in self.themes)
        )

    @property
    def modules(self) -> list[ModuleCard]:
        """Every module, in course order."""
        return [module for theme in self.themes for module in theme.modules]


@dataclass(frozen=True)
class SectionItem:
    """A section of a module, with the learner's reading of it."""

    slug: str
    title: str
    position: int
    url: str
    reading_minutes: int
    read: bool
    visited: bool
    html: str = ""
    toc: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class ModuleRef:
    """Another module, linked to (a prerequisite), with whether the learner completed it."""

    slug: str
    title: str
    url: str
    completed: bool


@dataclass(frozen=True)
class ModulePage:
    """Everything the module's summary page, its printable view and the API show."""

    card: ModuleCard
    theme_slug: str
    theme_title: str
    reading_minutes: int
    prerequisites: list[ModuleRef]
    sections: list[SectionItem]
    resume: SectionItem | None
    next_step: Step
    takeaways_html: list[str]
    glossary: list[dict[str, str]]  # {"term": text, "definition": html}
    quiz_url: str
    practice_url: str | None

    @property
    def status(self) -> ModuleStatus:
        """The learner's progress in the module."""
        assert self.card.status is not None
        return self.card.status

    @property
    def prerequisites_met(self) -> bool:
        """True when every prerequisite module is completed."""
        return all(p.completed for p in self.prerequisites)


@dataclass(frozen=True)
class SectionPage:
    """One section of a module, with the module's table of contents and where to go next."""

    module_slug: str
    module_title: str
    module_url: str
    section: SectionItem
    sections: list[SectionItem]
    previous: SectionItem | None
    next: SectionItem | None
    status: ModuleStatus

    @property
    def number(self) -> int:
        """The section's rank in the module, from 1."""
        return [s.slug for s in self.sections].index(self.section.slug) + 1

    @property
    def cache_key(self) -> tuple[str, str, tuple[bool, ...]]:
        """Everything of the learner's that the section page shows: which sections they
        read (the marks, the progress bar, the "Mark as read" button). The rest is course
        content, kept with the course copy (lms.page_cache)."""
        return self.module_slug, self.section.slug, tuple(s.read for s in self.sections)


@dataclass(frozen=True)
class ReadOutcome:
    """What marking a section as read changed."""

    section_slug: str
    newly_read: bool
    reading_completed_now: bool
    next: SectionItem | None
    status: ModuleStatus


@dataclass(frozen=True)
class NextStep:
    """A suggestion on the home page: a module and the one thing to do in it."""

    module_slug: str
    module_title: str
    module_url: str
    theme_title: str
    step: Step
    url: str  # where the button goes: a section, the quiz, or the module
    section_title: str | None
    status: ModuleStatus


@dataclass(frozen=True)
class Dashboard:
    """A learner's home page: where they left off, what to do next, how far along they are."""

    continue_step: NextStep | None
    next_step: NextStep | None
    modules_completed: int
    modules_total: int
    sections_read: int
    sections_total: int

    @property
    def share(self) -> float:
        """Share of the course's sections read, 0..1."""
        return share(self.sections_read, self.sections_total)

    @property
    def all_completed(self) -> bool:
        """True when every module is read and its quiz passed."""
        return self.modules_total > 0 and self.modules_completed == self.modules_total


@dataclass(frozen=True)
class SearchHit:
    """A section that matches the query."""

    section_title: Any  # Markup: escaped, with <mark> around the matches
    url: str
    excerpt: Any  # Markup
    hits: int


@dataclass(frozen=True)
class SearchGroup:
    """The matching sections of one module."""

    module_slug: str
    module_title: str
    module_url: str
    hits: list[SearchHit]


@dataclass(frozen=True)
class SearchResults:
    """A search: the query as typed, what was looked for, and the results by module."""

    query: str
    terms: list[str]
    groups: list[SearchGroup]
    total: int
    too_short: bool

    @property
    def shown(self) -> int:
        """How many sections are listed (at most the search's limit)."""
        return sum(len(g.hits) for g in self.groups)
