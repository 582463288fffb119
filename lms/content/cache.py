"""Read-only copies of the live course, kept in each process, for the pages read most.

A lesson page is read far more often than the course changes (the course changes when an
operator loads a release). Reading the module and its sections' HTML from the database on
every request cost about as much as the rest of the page, so each process keeps frozen
copies, filled on first use, one module at a time.

They are dropped:
- in this process, as soon as a session flushes or executes a change to a theme, module
  or section (a content load, an admin action, a test factory);
- in every other process, within `REVISION_CHECK_SECONDS`: the cache compares the newest
  `course_version` id (one row per content load) at most that often.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from threading import Lock
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import event, func, select
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from lms.content.urls import section_url
from lms.models import CourseVersion, Module, Section, Theme

EXTENSION_KEY = "escales.content_cache"
REVISION_CHECK_SECONDS = 2.0
CONTENT_MODELS = (Theme, Module, Section)


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


@dataclass
class ContentCache:
    """The copies of one application (one database), and when they were last checked."""

    modules: dict[str, LiveModule] = field(default_factory=dict)
    revision: int | None = None
    checked_at: float = 0.0
    lock: Lock = field(default_factory=Lock)

    def clear(self) -> None:
        """Forget every copy (the next request reads the database again)."""
        with self.lock:
            self.modules = {}
            self.checked_at = 0.0


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
            cache.modules = {}
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
    cache = _cache()
    _check_revision(session, cache)
    found = cache.modules.get(slug)
    if found is not None:
        return found
    found = _read_module(session, slug)
    # Unknown slugs are not remembered: anyone can ask for any slug.
    if found is not None:
        with cache.lock:
            cache.modules[slug] = found
    return found


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
