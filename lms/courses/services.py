"""Use cases of the learner's course experience: browse, read, resume, search.

Each function runs one use case with a bounded number of queries (whatever the
number of modules or sections) and returns plain values from lms.courses.pages.
Functions that record something commit once; the others only read.

Reading state comes from SectionProgress rows of sections that are not retired,
so it stays right after a content reload; ModuleProgress.sections_completed is
recounted from the same rows at each read, for reports that only read the
summary row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple, cast

from sqlalchemy import CursorResult, and_, bindparam, func, select, update
from sqlalchemy import text as sql_text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer

from lms.competency.services import NewEvidence, record_evidence
from lms.content import cache as content_cache
from lms.content.urls import module_url, section_url
from lms.courses import rules, search
from lms.courses.pages import (
    Catalogue,
    CompetencyRef,
    Dashboard,
    ModuleCard,
    ModulePage,
    ModuleRef,
    ModuleStatus,
    NextStep,
    ReadOutcome,
    SearchGroup,
    SearchHit,
    SearchResults,
    SectionItem,
    SectionPage,
    ThemeCard,
)
from lms.learning.progress import ACTIVITY_RESOLUTION, module_progress
from lms.learning.summary import refresh_learner_summary
from lms.models import (
    Competency,
    EvidenceSource,
    Module,
    ModuleProgress,
    Practice,
    Section,
    SectionProgress,
    Theme,
)
from lms.models.base import utcnow
from lms.models.driver import DriverStatementsBySize, numbered_binds, numbered_values

SEARCH_LIMIT = 50


def quiz_url(module_slug: str) -> str:
    """The module's quiz page (owned by lms.quiz; a fixed path, like the other course URLs)."""
    return f"{module_url(module_slug)}/quiz"


def practice_url(module_slug: str) -> str:
    """The module's practical work page (owned by lms.practice)."""
    return f"{module_url(module_slug)}/practice"


# --- queries shared by the use cases ----------------------------------------------------------


def _live_modules(session: Session) -> list[tuple[Module, Theme]]:
    """Modules and their themes, neither retired, in course order (one query)."""
    query = (
        select(Module, Theme)
        .join(Module.theme)
        .where(Theme.retired_at.is_(None), Module.retired_at.is_(None))
        .order_by(Theme.position, Module.position)
    )
    return [(module, theme) for module, theme in session.execute(query)]


def _live_module(session: Session, slug: str) -> tuple[Module, Theme] | None:
    """A module by slug with its theme, unless either is retired (one query)."""
    query = (
        select(Module, Theme)
        .join(Module.theme)
        .where(Module.slug == slug, Module.retired_at.is_(None), Theme.retired_at.is_(None))
    )
    row = session.execute(query).first()
    return (row[0], row[1]) if row else None


def _live_sections(
    session: Session, module_ids: Sequence[int], *, bodies: bool = False
) -> dict[int, list[Section]]:
    """The sections of some modules that are not retired, in order, by module (one query)."""
    query = (
        select(Section)
        .where(Section.module_id.in_(module_ids), Section.retired_at.is_(None))
        .order_by(Section.module_id, Section.position)
        .options(defer(Section.body_md), defer(Section.plain_text))
    )
    if not bodies:
        query = query.options(defer(Section.html))
    by_module: dict[int, list[Section]] = defaultdict(list)
    for section in session.scalars(query):
        by_module[section.module_id].append(section)
    return by_module


def _readings(session: Session, user_id: int | None, section_ids: Iterable[int]) -> dict[int, bool]:
    """For each section the learner opened: whether they read it (one query)."""
    ids = list(section_ids)
    if user_id is None or not ids:
        return {}
    query = select(SectionProgress.section_id, SectionProgress.completed_at).where(
        SectionProgress.user_id == user_id, SectionProgress.section_id.in_(ids)
    )
    return {section_id: done is not None for section_id, done in session.execute(query)}


def _reading_counts(
    session: Session, user_id: int, module_ids: Sequence[int]
) -> dict[int, tuple[int, int]]:
    """(sections read, sections) per module, over sections not retired (one query)."""
    if not module_ids:
        return {}
    read_by_user = and_(
        SectionProgress.section_id == Section.id,
        SectionProgress.user_id == user_id,
        SectionProgress.completed_at.is_not(None),
    )
    query = (
        select(Section.module_id, func.count(Section.id), func.count(SectionProgress.id))
        .outerjoin(SectionProgress, read_by_user)
        .where(Section.module_id.in_(module_ids), Section.retired_at.is_(None))
        .group_by(Section.module_id)
    )
    return {module_id: (read, total) for module_id, total, read in session.execute(query)}


def _progress_rows(
    session: Session, user_id: int | None, module_ids: Sequence[int]
) -> dict[int, ModuleProgress]:
    """The learner's summary rows for some modules, by module id (one query)."""
    if user_id is None or not module_ids:
        return {}
    query = select(ModuleProgress).where(
        ModuleProgress.user_id == user_id, ModuleProgress.module_id.in_(module_ids)
    )
    return {row.module_id: row for row in session.scalars(query)}


def _competencies(session: Session, codes: Iterable[str]) -> dict[str, str]:
    """Titles of the competencies with these codes that are not retired (one query)."""
    wanted = set(codes)
    if not wanted:
        return {}
    query = select(Competency.code, Competency.title).where(
        Competency.code.in_(wanted), Competency.retired_at.is_(None)
    )
    return {code: title for code, title in session.execute(query)}


def _with_practice(session: Session, module_ids: Sequence[int]) -> set[int]:
    """Which of these modules have practical work that is not retired (one query)."""
    if not module_ids:
        return set()
    query = select(Practice.module_id).where(
        Practice.module_id.in_(module_ids), Practice.retired_at.is_(None)
    )
    return set(session.scalars(query))


def _status(row: ModuleProgress | None, counts: tuple[int, int]) -> ModuleStatus:
    read, total = counts
    if row is None:
        return ModuleStatus(sections_read=read, sections_total=total)
    return ModuleStatus(
        sections_read=read,
        sections_total=total,
        reading_completed=row.reading_completed_at is not None,
        quiz_passed=row.quiz_passed_at is not None,
        quiz_best_score=row.quiz_best_score,
        practice_status=row.practice_status,
        last_activity_at=row.last_activity_at,
    )


def _card(
    module: Module,
    competency_titles: dict[str, str],
    has_practice: bool,
    status: ModuleStatus | None,
) -> ModuleCard:
    rendered = module.rendered or {}
    return ModuleCard(
        slug=module.slug,
        title=module.title,
        url=module_url(module.slug),
        summary_html=rendered.get("summary", ""),
        duration_minutes=module.duration_minutes,
        objectives_html=list(rendered.get("objectives", [])),
        competencies=[
            CompetencyRef(code, competency_titles[code])
            for code in module.competency_codes
            if code in competency_titles
        ],
        has_practice=has_practice,
        status=status,
    )


def _items(
    module_slug: str, sections: Sequence[Section], readings: dict[int, bool], *, bodies: bool
) -> list[SectionItem]:
    return [
        SectionItem(
            slug=section.slug,
            title=section.title,
            position=section.position,
            url=section_url(module_slug, section.slug),
            reading_minutes=section.reading_minutes,
            read=readings.get(section.id, False),
            visited=section.id in readings,
            html=section.html if bodies else "",
            toc=list(section.toc or []) if bodies else [],
        )
        for section in sections
    ]


def _resume(
    items: Sequence[SectionItem], sections: Sequence[Section], row: ModuleProgress | None
) -> SectionItem | None:
    """The section to open to carry on reading (see rules.resume_section)."""
    last_visited = next(
        (s.slug for s in sections if row is not None and s.id == row.last_section_id), None
    )
    slug = rules.resume_section(
        [item.slug for item in items], {item.slug for item in items if item.read}, last_visited
    )
    return next((item for item in items if item.slug == slug), None)


# --- catalogue ----------------------------------------------------------------------------------


def catalogue(session: Session, user_id: int | None) -> Catalogue:
    """Every theme in order with its modules, and the learner's progress when signed in.

    Five queries whatever the size of the course (three for an anonymous visitor).
    """
    pairs = _live_modules(session)
    module_ids = [module.id for module, _ in pairs]
    counts = _reading_counts(session, user_id, module_ids) if user_id is not None else {}
    progress = _progress_rows(session, user_id, module_ids)
    titles = _competencies(session, (c for m, _ in pairs for c in m.competency_codes))
    practice = _with_practice(session, module_ids)
    themes: list[ThemeCard] = []
    for module, theme in pairs:
        if not themes or themes[-1].slug != theme.slug:
            themes.append(ThemeCard(theme.slug, theme.title, theme.summary, []))
        status = None
        if user_id is not None:
            status = _status(progress.get(module.id), counts.get(module.id, (0, 0)))
        themes[-1].modules.append(_card(module, titles, module.id in practice, status))
    return Catalogue(themes=themes, signed_in=user_id is not None)


# --- a module -----------------------------------------------------------------------------------


def module_page(session: Session, user_id: int, slug: str) -> ModulePage | None:
    """A module's summary with the learner's reading of each section; None if unknown or retired.

    Also holds every section's HTML, for the printable view and the API.
    """
    found = _live_module(session, slug)
    if found is None:
        return None
    module, theme = found
    sections = _live_sections(session, [module.id], bodies=True)[module.id]
    readings = _readings(session, user_id, (s.id for s in sections))
    items = _items(module.slug, sections, readings, bodies=True)
    prerequisites = _prerequisites(session, module.prerequisites)
    progress = _progress_rows(session, user_id, [module.id, *(p.id for p in prerequisites)])
    row = progress.get(module.id)
    status = _status(row, (sum(item.read for item in items), len(items)))
    titles = _competencies(session, module.competency_codes)
    has_practice = bool(_with_practice(session, [module.id]))
    rendered = module.rendered or {}
    return ModulePage(
        card=_card(module, titles, has_practice, status),
        theme_slug=theme.slug,
        theme_title=theme.title,
        reading_minutes=sum(item.reading_minutes for item in items),
        prerequisites=[
            ModuleRef(
                slug=p.slug,
                title=p.title,
                url=module_url(p.slug),
                completed=_status(progress.get(p.id), (0, 0)).state(p.slug).completed,
            )
            for p in prerequisites
        ],
        sections=items,
        resume=_resume(items, sections, row),
        next_step=status.state(module.slug).next_step,
        takeaways_html=list(rendered.get("takeaways", [])),
        glossary=list(rendered.get("glossary", [])),
        quiz_url=quiz_url(module.slug),
        practice_url=practice_url(module.slug) if has_practice else None,
    )


def _prerequisites(session: Session, slugs: Sequence[str]) -> list[Module]:
    """The prerequisite modules still in the course, in the order module.yaml lists them."""
    if not slugs:
        return []
    query = select(Module).where(Module.slug.in_(slugs), Module.retired_at.is_(None))
    found = {module.slug: module for module in session.scalars(query)}
    return [found[slug] for slug in slugs if slug in found]


# --- reading ------------------------------------------------------------------------------------


def open_section(
    session: Session, user_id: int, module_slug: str, section_slug: str
) -> SectionPage | None:
    """Show one section and remember the visit (first view, and where to resume); commits.

    None when the module or the section is unknown or retired. The module and its sections
    come from the process's copy of the course (lms.content.cache). A learner coming back to
    a module they started costs one query, plus one UPDATE when the visit moves the resume
    point or the minute of activity; a first visit takes the general path.
    """
    module = content_cache.live_module(session, module_slug)
    if module is None:
        return None
    current = module.section(section_slug)
    if current is None:
        return None
    visit = _known_visit(session, user_id, module, current)
    if visit is None:
        readings, status = _first_visit(session, user_id, module, current)
    else:
        readings, status = visit
    items = [
        SectionItem(
            slug=section.slug,
            title=section.title,
            position=section.position,
            url=section.url,
            reading_minutes=section.reading_minutes,
            read=readings.get(section.id, False),
            visited=section.id in readings,
            html=section.html if section is current else "",
            toc=list(section.toc) if section is current else [],
        )
        for section in module.sections
    ]
    slugs = [item.slug for item in items]
    previous, following = rules.neighbours(slugs, section_slug)
    by_slug = {item.slug: item for item in items}
    return SectionPage(
        module_slug=module.slug,
        module_title=module.title,
        module_url=module_url(module.slug),
        section=by_slug[section_slug],
        sections=items,
        previous=by_slug[previous] if previous else None,
        next=by_slug[following] if following else None,
        status=status,
    )


# A returning learner's visit, the statements built once: the lesson page is the busiest page
# of the site, and building a statement costs more than running it on SQLite. The query runs
# on the driver's cursor (lms.models.driver), compiled once per number of sections.
_VISIT_QUERY = DriverStatementsBySize(
    lambda sections: (
        select(
            ModuleProgress.id,
            ModuleProgress.last_section_id,
            ModuleProgress.last_activity_at,
            ModuleProgress.reading_completed_at,
            ModuleProgress.quiz_passed_at,
            ModuleProgress.quiz_best_score,
            ModuleProgress.practice_status,
            SectionProgress.section_id,
            SectionProgress.completed_at,
        )
        .outerjoin(
            SectionProgress,
            and_(
                SectionProgress.user_id == ModuleProgress.user_id,
                SectionProgress.section_id.in_(numbered_binds("section_id", sections)),
            ),
        )
        .where(
            ModuleProgress.user_id == bindparam("user_id"),
            ModuleProgress.module_id == bindparam("module_id"),
        )
    )
)


class _VisitRow(NamedTuple):
    """A row of _VISIT_QUERY: the module's progress with one of the learner's sections."""

    id: int
    last_section_id: int | None
    last_activity_at: datetime | None
    reading_completed_at: datetime | None
    quiz_passed_at: datetime | None
    quiz_best_score: float | None
    practice_status: str
    section_id: int | None
    completed_at: datetime | None


_MARK_ACTIVITY = (
    update(ModuleProgress)
    .where(ModuleProgress.id == bindparam("progress_id"))
    .values(last_activity_at=bindparam("at"))
)
_NO_DISK_FLUSH = sql_text("SET LOCAL synchronous_commit TO OFF")


def _known_visit(
    session: Session,
    user_id: int,
    module: content_cache.LiveModule,
    current: content_cache.LiveSection,
) -> tuple[dict[int, bool], ModuleStatus] | None:
    """The visit of a learner who already has the module's row and has seen this section.

    One query reads the progress row with the learner's section rows; then only the minute
    of activity may change (one UPDATE, at most once a minute). None otherwise: a first
    visit of the section (the caller creates its row and moves the resume point there).
    """
    connection = session.connection()
    rows = _VISIT_QUERY.of_size(len(module.section_ids)).rows(
        connection,
        {
            **numbered_values("section_id", module.section_ids),
            "user_id": user_id,
            "module_id": module.id,
        },
    )
    visit = [_VisitRow(*row) for row in rows]
    readings = {row.section_id: row.completed_at is not None for row in visit if row.section_id}
    if not visit or current.id not in readings:
        return None
    row = visit[0]
    last_activity_at = row.last_activity_at
    now = utcnow()
    # Coming back to a section seen before does not move the resume point (the learner's
    # furthest point: see rules.resume_section), so such a visit only writes the minute of
    # activity, at most once a minute.
    if last_activity_at is None or now - last_activity_at >= ACTIVITY_RESOLUTION:
        if connection.dialect.name == "postgresql":
            # The minute of activity is worth no disk flush: should the server crash, losing
            # the last of these costs nothing (the learner's reading, attempts and evidence
            # commit durably as always).
            connection.execute(_NO_DISK_FLUSH)
        connection.execute(_MARK_ACTIVITY, {"progress_id": row.id, "at": now})
        if last_activity_at is None or last_activity_at.date() != now.date():
            refresh_learner_summary(session, [user_id])  # the summary keeps activity to the day
        last_activity_at = now
        _commit_keeping_loaded(session)
    status = ModuleStatus(
        sections_read=sum(readings.values()),
        sections_total=len(module.sections),
        reading_completed=row.reading_completed_at is not None,
        quiz_passed=row.quiz_passed_at is not None,
        quiz_best_score=row.quiz_best_score,
        practice_status=row.practice_status,
        last_activity_at=last_activity_at,
    )
    return readings, status


def _commit_keeping_loaded(session: Session) -> None:
    """Commit without expiring what the session holds (the signed-in user the page shows):
    nothing the page reads afterwards was changed by this transaction."""
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def _first_visit(
    session: Session,
    user_id: int,
    module: content_cache.LiveModule,
    current: content_cache.LiveSection,
) -> tuple[dict[int, bool], ModuleStatus]:
    """The general path: create the section's and the module's rows as needed; commits."""
    readings = _readings(session, user_id, (s.id for s in module.sections))
    if current.id not in readings:
        _section_progress(session, user_id, current.id)
        readings[current.id] = False
    progress = module_progress(session, user_id, module.id)
    if progress.last_section_id != current.id:
        progress.last_section_id = current.id
        progress.last_activity_at = utcnow()
    status = _status(progress, (sum(readings.values()), len(module.sections)))
    if session.new or session.dirty:
        session.commit()  # module_progress marked the summary if the visit changes it
        session.commit()
    return readings, status


def mark_section_read(
    session: Session, user_id: int, module_slug: str, section_slug: str
) -> ReadOutcome | None:
    """Mark a section as read (again: no change); commits. None for an unknown section.

    When this completes the module's reading, `reading_completed_at` is set and
    LESSON evidence is recorded once for each competency the module develops.
    """
    found = _live_module(session, module_slug)
    if found is None:
        return None
    module, _theme = found
    sections = _live_sections(session, [module.id])[module.id]
    current = next((s for s in sections if s.slug == section_slug), None)
    if current is None:
        return None
    now = utcnow()
    progress = module_progress(session, user_id, module.id)
    reading = _section_progress(session, user_id, current.id)
    newly_read = reading.completed_at is None
    if newly_read:
        reading.completed_at = now
        session.flush()
    readings = _readings(session, user_id, (s.id for s in sections))
    read_count = sum(readings.values())
    progress.sections_completed = read_count
    completed_now = read_count == len(sections) and _claim_reading_completion(
        session, progress, now
    )
    if completed_now:
        _record_lesson_evidence(session, user_id, module, now)
    status = _status(progress, (read_count, len(sections)))
    refresh_learner_summary(session, [user_id])
    session.commit()
    _previous, following = rules.neighbours([s.slug for s in sections], section_slug)
    items = _items(module.slug, sections, readings, bodies=False)
    return ReadOutcome(
        section_slug=section_slug,
        newly_read=newly_read,
        reading_completed_now=completed_now,
        next=next((item for item in items if item.slug == following), None),
        status=status,
    )


def _claim_reading_completion(session: Session, progress: ModuleProgress, when: datetime) -> bool:
    """Set `reading_completed_at` unless it is set; True only for the request that set it.

    One conditional UPDATE: two requests completing the same reading at once (a
    double click, the page and the API) cannot both see it unset, on SQLite as on
    PostgreSQL, where the second waits for the first's row lock then finds it set.
    """
    if progress.reading_completed_at is not None:
        return False
    result = session.execute(
        update(ModuleProgress)
        .where(ModuleProgress.id == progress.id, ModuleProgress.reading_completed_at.is_(None))
        .values(reading_completed_at=when)
    )
    if cast(CursorResult[Any], result).rowcount == 1:
        return True
    session.refresh(progress, ["reading_completed_at"])  # set meanwhile by the other request
    return False


def _record_lesson_evidence(session: Session, user_id: int, module: Module, when: datetime) -> None:
    """Reading a whole module is evidence (score 1) for each competency it develops."""
    record_evidence(
        session,
        user_id,
        [
            NewEvidence(
                competency_code=code,
                source=EvidenceSource.LESSON,
                score=1.0,
                occurred_at=when,
                key=module.slug,
                module_id=module.id,
            )
            for code in module.competency_codes
        ],
    )


def _section_progress(session: Session, user_id: int, section_id: int) -> SectionProgress:
    """The learner's row for a section, created on first view (safe under concurrency)."""
    query = select(SectionProgress).where(
        SectionProgress.user_id == user_id, SectionProgress.section_id == section_id
    )
    row = session.scalar(query)
    if row is None:
        try:
            with session.begin_nested():
                row = SectionProgress(user_id=user_id, section_id=section_id)
                session.add(row)
        except IntegrityError:
            # Another request (a double click) created it between our read and our insert.
            row = session.scalar(query)
            assert row is not None
    return row


# --- home page ----------------------------------------------------------------------------------


def learner_dashboard(session: Session, user_id: int) -> Dashboard:
    """Where the learner left off and what to do next, with their overall progress.

    "Continue" is the module the learner was last active in, unless completed;
    "next" is the first module in course order that is not completed, whose
    prerequisites are, and that is not the one to continue. Five queries.
    """
    pairs = _live_modules(session)
    module_ids = [module.id for module, _ in pairs]
    counts = _reading_counts(session, user_id, module_ids)
    progress = _progress_rows(session, user_id, module_ids)
    statuses = {m.id: _status(progress.get(m.id), counts.get(m.id, (0, 0))) for m, _ in pairs}
    states = [statuses[m.id].state(m.slug, tuple(m.prerequisites)) for m, _ in pairs]
    under_way = [
        (status.last_activity_at, module, theme)
        for module, theme in pairs
        if (status := statuses[module.id]).last_activity_at is not None
        and not status.state(module.slug).completed
    ]
    last = max(under_way, key=lambda entry: entry[0]) if under_way else None
    suggested = rules.whats_next(states, exclude=last[1].slug if last else None)
    by_slug = {module.slug: (module, theme) for module, theme in pairs}
    shown = [last[1:]] if last else []
    if suggested:
        shown.append(by_slug[suggested.slug])
    sections = _live_sections(session, [module.id for module, _ in shown])
    readings = _readings(session, user_id, (s.id for ss in sections.values() for s in ss))

    def step_for(module: Module, theme: Theme) -> NextStep:
        return _next_step(
            module,
            theme,
            statuses[module.id],
            _items(module.slug, sections[module.id], readings, bodies=False),
            progress.get(module.id),
            sections[module.id],
        )

    return Dashboard(
        continue_step=step_for(last[1], last[2]) if last else None,
        next_step=step_for(*by_slug[suggested.slug]) if suggested else None,
        modules_completed=sum(state.completed for state in states),
        modules_total=len(states),
        sections_read=sum(status.sections_read for status in statuses.values()),
        sections_total=sum(status.sections_total for status in statuses.values()),
    )


def _next_step(
    module: Module,
    theme: Theme,
    status: ModuleStatus,
    items: Sequence[SectionItem],
    row: ModuleProgress | None,
    sections: Sequence[Section],
) -> NextStep:
    """The one thing to do in a module: open the section to resume, or take the quiz."""
    step = status.state(module.slug).next_step
    url, section_title = module_url(module.slug), None
    if step in (rules.Step.START, rules.Step.READ):
        target = _resume(items, sections, row)
        if target is not None:
            url, section_title = target.url, target.title
    elif step is rules.Step.QUIZ:
        url = quiz_url(module.slug)
    return NextStep(
        module_slug=module.slug,
        module_title=module.title,
        module_url=module_url(module.slug),
        theme_title=theme.title,
        step=step,
        url=url,
        section_title=section_title,
        status=status,
    )


# --- search -------------------------------------------------------------------------------------


def search_course(session: Session, query: str, limit: int = SEARCH_LIMIT) -> SearchResults:
    """Sections whose title or text hold every word of `query`, ignoring case and accents.

    Results are grouped by module in course order. The lesson texts are folded
    in Python (the same on SQLite and PostgreSQL): one query, over a course of a
    few hundred sections at most.
    """
    query = query.strip()[: search.MAX_QUERY_LENGTH]
    terms = search.search_terms(query)
    if not terms:
        return SearchResults(query=query, terms=[], groups=[], total=0, too_short=bool(query))
    rows = session.execute(
        select(Module.slug, Module.title, Section.slug, Section.title, Section.plain_text)
        .join(Section.module)
        .join(Module.theme)
        .where(
            Section.retired_at.is_(None), Module.retired_at.is_(None), Theme.retired_at.is_(None)
        )
        .order_by(Theme.position, Module.position, Section.position)
    )
    titles: dict[str, str] = {}
    candidates = []
    for module_slug, module_title, section_slug, title, text in rows:
        titles[module_slug] = module_title
        candidates.append(search.SearchableSection(module_slug, section_slug, title, text))
    matches, total = search.search_sections(candidates, terms, limit)
    groups: list[SearchGroup] = []
    for match in matches:
        slug = match.section.module_slug
        if not groups or groups[-1].module_slug != slug:
            groups.append(SearchGroup(slug, titles[slug], module_url(slug), []))
        groups[-1].hits.append(
            SearchHit(
                section_title=match.title,
                url=section_url(slug, match.section.section_slug),
                excerpt=match.excerpt,
                hits=match.hits,
            )
        )
    return SearchResults(query=query, terms=terms, groups=groups, total=total, too_short=False)


# --- images -------------------------------------------------------------------------------------


def images_folder(session: Session, module_slug: str, content_root: Path) -> Path | None:
    """The `images/` folder of a module that is in the course (not retired), or None."""
    folder = session.scalar(
        select(Module.folder).where(Module.slug == module_slug, Module.retired_at.is_(None))
    )
    return content_root / folder / "images" if folder else None
