"""Read-only copies of the live course, kept in each process, for the pages read most.

A lesson page is read far more often than the course changes (the course changes when an
operator loads a release). Reading the module and its sections' HTML from the database on
every request cost about as much as the rest of the page, so each process keeps frozen
copies, filled on first use, one module at a time. Submitting a quiz reads its module's
questions (prepared for grading, with the titles of the sections they point to) and their
competencies' ids the same way (`live_quiz`).

They are dropped:
- in this process, as soon as a session flushes or executes a change to a theme, module,
  section, question or competency (a content load, an admin action, a test factory);
- in every other process, within `REVISION_CHECK_SECONDS`: the cache compares the newest
  `course_version` id (one row per content load) at most that often.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from threading import Lock
from typing import Any, TypeVar, cast

from flask import Flask, current_app, has_app_context
from sqlalchemy import event, func, select
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from lms.content.urls import section_url
from lms.models import Competency, CourseVersion, Module, Practice, Question, Section, Theme
from lms.quiz import grading

EXTENSION_KEY = "escales.content_cache"
REVISION_CHECK_SECONDS = 2.0
CONTENT_MODELS = (Theme, Module, Section, Question, Practice, Competency)
T = TypeVar("T")


@dataclass(frozen=True)
class LiveSection:
    """A section that is not retired, as the reader shows it."""

    id: int
    slug: str
    title: str
    position: int
    url: str
    reading_minutes: int
    html: str
    toc: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class LiveModule:
    """A module that is not retired (nor its theme), with its live sections in order."""

    id: int
    slug: str
    title: str
    sections: tuple[LiveSection, ...]

    def section(self, slug: str) -> LiveSection | None:
        """One of its sections by slug, or None."""
        return next((s for s in self.sections if s.slug == slug), None)

    @property
    def section_ids(self) -> list[int]:
        """Its sections' ids, in order."""
        return [s.id for s in self.sections]


@dataclass(frozen=True)
class LiveQuestion:
    """A question that is not retired, as a submission grades and snapshots it.

    Its dicts are shared by every request of the process: read them, never change them.
    """

    id: int
    key: str
    position: int
    type: str
    definition: dict[str, Any]
    rendered: dict[str, Any]
    competencies: list[dict[str, Any]]
    section_slug: str | None
    section_title: str | None  # the title of the section it points to, when that exists
    content_hash: str
    prepared: grading.PreparedQuestion


@dataclass(frozen=True)
class LiveQuiz:
    """A module's quiz: the module's quiz settings and its live questions in quiz order."""

    module_id: int
    slug: str
    pass_mark: float
    max_attempts: int | None
    retake_wait_minutes: int
    questions: tuple[LiveQuestion, ...]
    competency_ids: dict[str, int]  # code -> id, for the questions' competencies that exist

    @property
    def section_titles(self) -> dict[str, str]:
        """Section slug -> title, for the sections the questions point to."""
        return {
            q.section_slug: q.section_title
            for q in self.questions
            if q.section_slug and q.section_title is not None
        }


@dataclass
class ContentCache:
    """The copies of one application (one database), and when they were last checked."""

    modules: dict[str, LiveModule] = field(default_factory=dict)
    quizzes: dict[str, LiveQuiz] = field(default_factory=dict)
    # Other areas' read-only views of the course, by name (see `remembered`).
    views: dict[str, Any] = field(default_factory=dict)
    revision: int | None = None
    checked_at: float = 0.0
    lock: Lock = field(default_factory=Lock)

    def clear(self) -> None:
        """Forget every copy (the next request reads the database again)."""
        with self.lock:
            self.drop_copies()
            self.checked_at = 0.0

    def drop_copies(self) -> None:
        """Empty every store; the caller holds the lock."""
        self.modules, self.quizzes, self.views = {}, {}, {}


def _cache() -> ContentCache:
    cache: ContentCache = current_app.extensions[EXTENSION_KEY]
    return cache


def clear() -> None:
    """Forget the current application's copies (after changing content behind the ORM's back)."""
    _clear_current()


def _clear_current() -> None:
    """Clear the current application's copies, if there is one with a cache."""
    if has_app_context():
        cache = current_app.extensions.get(EXTENSION_KEY)
        if cache is not None:
            cache.clear()


def _newest_revision(session: Session) -> int:
    return session.scalar(select(func.max(CourseVersion.id))) or 0


def _check_revision(session: Session, cache: ContentCache) -> None:
    """Drop the copies if another process loaded a content release since the last check."""
    now = time.monotonic()
    if now - cache.checked_at < REVISION_CHECK_SECONDS:
        return
    revision = _newest_revision(session)
    with cache.lock:
        if revision != cache.revision:
            cache.drop_copies()
            cache.revision = revision
        cache.checked_at = now


def _read_module(session: Session, slug: str) -> LiveModule | None:
    """The module and its live sections from the database (two queries); None if not live."""
    module = session.execute(
        select(Module.id, Module.slug, Module.title)
        .join(Module.theme)
        .where(Module.slug == slug, Module.retired_at.is_(None), Theme.retired_at.is_(None))
    ).first()
    if module is None:
        return None
    rows = session.execute(
        select(
            Section.id,
            Section.slug,
            Section.title,
            Section.position,
            Section.reading_minutes,
            Section.html,
            Section.toc,
        )
        .where(Section.module_id == module.id, Section.retired_at.is_(None))
        .order_by(Section.position)
    )
    sections = tuple(
        LiveSection(
            id=row.id,
            slug=row.slug,
            title=row.title,
            position=row.position,
            url=section_url(module.slug, row.slug),
            reading_minutes=row.reading_minutes,
            html=row.html,
            toc=tuple(row.toc or ()),
        )
        for row in rows
    )
    return LiveModule(id=module.id, slug=module.slug, title=module.title, sections=sections)


def live_module(session: Session, slug: str) -> LiveModule | None:
    """A live module with its live sections, from this process's copy when it has one."""
    return _kept(session, lambda cache: cache.modules, slug, _read_module)


def _kept(
    session: Session,
    store: Callable[[ContentCache], dict[str, T]],
    slug: str,
    read: Callable[[Session, str], T | None],
) -> T | None:
    """The copy of `slug` in one of the stores, read from the database on first use."""
    cache = _cache()
    _check_revision(session, cache)
    found = store(cache).get(slug)
    if found is not None:
        return found
    found = read(session, slug)
    # Unknown slugs are not remembered: anyone can ask for any slug.
    if found is not None:
        with cache.lock:
            store(cache)[slug] = found
    return found


def _read_quiz(session: Session, slug: str) -> LiveQuiz | None:
    """The module's quiz from the database (three queries); None if the module is retired."""
    module = session.execute(
        select(
            Module.id,
            Module.slug,
            Module.pass_mark,
            Module.max_attempts,
            Module.retake_wait_minutes,
        ).where(Module.slug == slug, Module.retired_at.is_(None))
    ).first()
    if module is None:
        return None
    rows = session.execute(
        select(
            Question.id,
            Question.key,
            Question.position,
            Question.type,
            Question.definition,
            Question.rendered,
            Question.competencies,
            Question.section_slug,
            Question.content_hash,
            Section.title,
        )
        .outerjoin(
            Section,
            (Section.module_id == Question.module_id) & (Section.slug == Question.section_slug),
        )
        .where(Question.module_id == module.id, Question.retired_at.is_(None))
        .order_by(Question.position)
    ).all()
    questions = tuple(
        LiveQuestion(
            id=row.id,
            key=row.key,
            position=row.position,
            type=row.type,
            definition=row.definition,
            rendered=row.rendered or {},
            competencies=list(row.competencies or ()),
            section_slug=row.section_slug,
            section_title=row.title,
            content_hash=row.content_hash,
            prepared=grading.prepare(row.definition),
        )
        for row in rows
    )
    codes = {c["code"] for q in questions for c in q.competencies}
    competency_ids: dict[str, int] = {}
    if codes:
        competency_ids = {
            code: id_
            for code, id_ in session.execute(
                select(Competency.code, Competency.id).where(Competency.code.in_(codes))
            )
        }
    return LiveQuiz(
        module_id=module.id,
        slug=module.slug,
        pass_mark=module.pass_mark,
        max_attempts=module.max_attempts,
        retake_wait_minutes=module.retake_wait_minutes,
        questions=questions,
        competency_ids=competency_ids,
    )


def live_quiz(session: Session, slug: str) -> LiveQuiz | None:
    """A module's quiz (module not retired) with its live questions, from this process's
    copy when it has one. Content only: nothing of any learner is kept."""
    return _kept(session, lambda cache: cache.quizzes, slug, _read_quiz)


def remembered(session: Session, name: str, read: Callable[[], T]) -> T:
    """A view of the course that another area reads often (`read()` builds it from the
    database), kept like the modules: dropped whenever the content changes.

    The view holds no learner data. It is immutable (tuples, frozen dataclasses), or a
    store its area fills itself (lms.page_cache keeps rendered pages in a dict).
    """
    cache = _cache()
    _check_revision(session, cache)
    if name in cache.views:
        return cast(T, cache.views[name])
    value = read()
    with cache.lock:
        cache.views[name] = value
    return value


def _touches_content(objects: Any) -> bool:
    return any(isinstance(obj, CONTENT_MODELS) for obj in objects)


def _after_flush(session: Session, flush_context: UOWTransaction) -> None:
    if _touches_content([*session.new, *session.dirty, *session.deleted]):
        _clear_current()


def _on_execute(state: ORMExecuteState) -> None:
    # Bulk UPDATE/DELETE/INSERT statements on content tables bypass the flush.
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    mapper = state.bind_mapper
    if mapper is not None and issubclass(mapper.class_, CONTENT_MODELS):
        _clear_current()


_listening = False


def init_app(app: Flask) -> None:
    """Give the application its cache and drop it whenever content changes in this process."""
    global _listening
    app.extensions[EXTENSION_KEY] = ContentCache()
    if not _listening:
        # Session-wide events: they run for every application; each clears its own cache.
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "do_orm_execute", _on_execute)
        _listening = True
