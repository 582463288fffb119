"""What a trainer sees of a cohort: the progress matrix, the competency heatmap, who is at risk.

Every figure comes from the summary rows kept up to date as learners work —
ModuleProgress (one per learner and module) and CompetencyState (one per
learner and competency) — never from raw attempts or evidence. Each function
runs a fixed number of queries whatever the number of learners: the learners
of the cohort are filtered, sorted and counted in SQL, then only the page's
summary rows are read. Exports call the same functions with ``everyone=True``,
so a report holds the numbers of the screen.

The at-risk filters are the SQL form of lms.cohorts.rules.risk_reasons (which
explains each listed learner's reasons); tests/integration/cohorts/test_at_risk.py
checks that both agree.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    case,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Session

from lms.cohorts.rules import (
    DEFAULT_INACTIVE_DAYS,
    FAILED_ATTEMPTS_AT_RISK,
    FollowedModule,
    LearnerQuery,
    LevelDistribution,
    ModuleFacts,
    RiskKind,
    RiskReason,
    active_since,
    days_inactive,
    is_completed,
    is_inactive,
    is_past_due,
    level_distribution,
    percent,
    risk_reasons,
)
from lms.content import cache as content_cache
from lms.models import (
    Cohort,
    CohortMembership,
    CohortModule,
    CohortRole,
    Competency,
    CompetencyState,
    LearnerSummary,
    Module,
    ModuleProgress,
    Practice,
    Theme,
    User,
)
from lms.models.base import utcnow
from lms.pagination import Page

# --- the modules a cohort follows ------------------------------------------------------------


def course_modules(session: Session) -> list[FollowedModule]:
    """Every published module in course order, without due dates.

    Kept with the process's copy of the course (lms.content.cache): no query until the
    content changes.
    """
    return list(
        content_cache.remembered(
            session, "cohorts.course_modules", lambda: _read_course_modules(session)
        )
    )


def _read_course_modules(session: Session) -> tuple[FollowedModule, ...]:
    """Every published module in course order, from the database (one query)."""
    has_practice = (
        select(Practice.id)
        .where(Practice.module_id == Module.id, Practice.retired_at.is_(None))
        .exists()
    )
    rows = session.execute(
        select(
            Module.id,
            Module.slug,
            Module.title,
            Module.section_count,
            Module.question_count,
            Module.competency_codes,
            has_practice.label("has_practice"),
        )
        .join(Theme, Module.theme_id == Theme.id)
        .where(Module.retired_at.is_(None), Theme.retired_at.is_(None))
        .order_by(Theme.position, Module.position)
    ).all()
    return tuple(
        FollowedModule(
            id=row.id,
            slug=row.slug,
            title=row.title,
            section_count=row.section_count,
            has_quiz=row.question_count > 0,
            has_practice=bool(row.has_practice),
            competency_codes=tuple(row.competency_codes or ()),
        )
        for row in rows
    )


def cohort_choices(session: Session, cohort_id: int | None) -> dict[int, date | None]:
    """The cohort's chosen modules and their due dates; empty when it follows every module."""
    if cohort_id is None:
        return {}
    rows = session.connection().execute(_COHORT_CHOICES, {"cohort_id": cohort_id})
    return {module_id: due_on for module_id, due_on in rows}


_COHORT_CHOICES = select(CohortModule.module_id, CohortModule.due_on).where(
    CohortModule.cohort_id == bindparam("cohort_id")
)


def followed_modules(session: Session, cohort: Cohort) -> list[FollowedModule]:
    """The modules the cohort follows, in course order, with their due dates (two queries).

    A cohort that chose no module follows them all.
    """
    modules = course_modules(session)
    chosen = cohort_choices(session, cohort.id)
    if not chosen:
        return modules
    return [_with_due(module, chosen[module.id]) for module in modules if module.id in chosen]


def _with_due(module: FollowedModule, due_on: date | None) -> FollowedModule:
    return FollowedModule(
        id=module.id,
        slug=module.slug,
        title=module.title,
        section_count=module.section_count,
        has_quiz=module.has_quiz,
        has_practice=module.has_practice,
        due_on=due_on,
        competency_codes=module.competency_codes,
    )


# --- the learners of a cohort, filtered, sorted, counted in SQL -------------------------------


class LearnerRow(NamedTuple):
    """A learner of the cohort as the lists show them (a named tuple: pages build many)."""

    user_id: int
    name: str
    email: str
    joined_at: datetime
    last_activity_at: datetime
    """The latest of joining and of any activity in the followed modules (rules.last_activity)."""


def active_learner_ids(cohort_id: int) -> Select[Any]:
    """The ids of the cohort's learners who have not been removed (a subquery)."""
    return select(CohortMembership.user_id).where(
        CohortMembership.cohort_id == cohort_id,
        CohortMembership.role == CohortRole.LEARNER,
        CohortMembership.removed_at.is_(None),
    )


def _completed_sql(modules: Sequence[FollowedModule]) -> ColumnElement[bool]:
    """rules.is_completed for a ModuleProgress row."""
    without_quiz = [m.id for m in modules if not m.has_quiz]
    return and_(
        ModuleProgress.reading_completed_at.is_not(None),
        or_(ModuleProgress.quiz_passed_at.is_not(None), ModuleProgress.module_id.in_(without_quiz)),
    )


#: Sorts that need each learner's totals over their summary rows (the others read one table).
_SORTS_ON_TOTALS = ("activity", "progress")


def needs_totals(query: LearnerQuery) -> bool:
    """Whether filtering or sorting this list needs each learner's totals over their summary rows.

    The plain list (everyone, by name, e-mail or date joined) does not: it reads
    the memberships alone, and the page's summary rows are read afterwards.
    """
    return query.status != "all" or query.sort in _SORTS_ON_TOTALS


def _learner_select(
    cohort_id: int,
    modules: Sequence[FollowedModule],
    query: LearnerQuery,
    now: datetime,
    competency_id: int | None = None,
    *,
    activity: bool = True,
) -> Select[Any]:
    """One row per active learner, filtered and sorted as `query` asks.

    Columns: user_id, name, email, joined_at, and last_seen (rules.last_activity)
    when `activity` is asked for. The learners' totals over their summary rows
    are computed (one GROUP BY over the cohort's ModuleProgress rows) only when
    `activity` is asked for or the filter or sort needs them.
    """
    member = CohortMembership
    columns: list[Any] = [member.user_id, User.name, User.email, member.joined_at]
    conditions: dict[str, ColumnElement[bool]] = {}
    last_seen: Any = member.joined_at
    completed_count: Any = literal(0)
    sections: Any = literal(0)
    summary = None
    if activity or needs_totals(query):
        summary = _summary(cohort_id, modules, now)
        # rules.last_activity: the latest of joining and of any activity in the followed modules.
        last_seen = case(
            (summary.c.last_activity > member.joined_at, summary.c.last_activity),
            else_=member.joined_at,
        )
        completed_count = func.coalesce(summary.c.completed, 0)
        sections = func.coalesce(summary.c.sections, 0)
        failed = func.coalesce(summary.c.failed, 0)
        past_due = sum(1 for m in modules if m.due_on is not None and m.due_on < now.date())
        overdue = literal(past_due) - func.coalesce(summary.c.completed_due, 0)
        inactive = last_seen < active_since(now, query.inactive_days)  # rules.is_inactive
        conditions = {
            "inactive": inactive,
            "quiz_failed": failed > 0,
            "overdue": overdue > 0,
            "at_risk": or_(inactive, failed > 0, overdue > 0),
            "to_review": func.coalesce(summary.c.to_review, 0) > 0,
        }
        columns.append(last_seen.label("last_seen"))
    select_ = (
        select(*columns)
        .join(User, User.id == member.user_id)
        .where(
            member.cohort_id == cohort_id,
            member.role == CohortRole.LEARNER,
            member.removed_at.is_(None),
        )
    )
    if summary is not None:
        select_ = select_.outerjoin(summary, summary.c.user_id == member.user_id)
    if query.q:
        select_ = select_.where(
            or_(
                func.lower(User.name).contains(query.q.lower(), autoescape=True),
                User.email.contains(query.q.lower(), autoescape=True),
            )
        )
    if query.status in conditions:
        select_ = select_.where(conditions[query.status])

    order: list[Any]
    if competency_id is not None:
        level = (
            select(CompetencyState.level)
            .where(
                CompetencyState.user_id == member.user_id,
                CompetencyState.competency_id == competency_id,
            )
            .scalar_subquery()
        )
        order = [func.coalesce(level, 0)]
    else:
        orders: dict[str, list[Any]] = {
            "email": [User.email],
            "activity": [last_seen],
            "progress": [completed_count, sections],
            "joined": [member.joined_at],
        }
        order = orders.get(query.sort, [func.lower(User.name)])
    if query.descending:
        order = [column.desc() for column in order]
    return select_.order_by(*order, member.user_id)


def _summary(cohort_id: int, modules: Sequence[FollowedModule], now: datetime) -> Any:
    """Each active learner's totals over their summary rows of the followed modules (a subquery)."""
    progress = ModuleProgress
    completed = _completed_sql(modules)
    today = now.date()
    past_due = [m.id for m in modules if m.due_on is not None and m.due_on < today]
    return (
        select(
            progress.user_id.label("user_id"),
            func.max(progress.last_activity_at).label("last_activity"),
            func.sum(case((completed, 1), else_=0)).label("completed"),
            func.sum(progress.sections_completed).label("sections"),
            func.sum(
                case(
                    (
                        and_(
                            progress.quiz_passed_at.is_(None),
                            progress.quiz_failures >= FAILED_ATTEMPTS_AT_RISK,
                        ),
                        1,
                    ),
                    else_=0,
                )
            ).label("failed"),
            func.sum(case((and_(progress.module_id.in_(past_due), completed), 1), else_=0)).label(
                "completed_due"
            ),
            func.sum(case((progress.practice_status == "submitted", 1), else_=0)).label(
                "to_review"
            ),
        )
        .where(
            progress.module_id.in_([m.id for m in modules]),
            progress.user_id.in_(active_learner_ids(cohort_id)),
        )
        .group_by(progress.user_id)
        .subquery("summary")
    )


def _learner_row(row: Any) -> LearnerRow:
    return LearnerRow(row.user_id, row.name, row.email, row.joined_at, row.last_seen)


def _counted(select_: Select[Any], plain: bool) -> Select[Any]:
    """`select_` with each row's total: a count subquery when `plain`, a window otherwise."""
    if plain:
        total_column: Any = (
            select(func.count()).select_from(select_.order_by(None).subquery()).scalar_subquery()
        )
    else:
        total_column = func.count().over()
    return select_.add_columns(total_column.label("total"))


#: Per process: the plain lists' statements (memberships and accounts, filtered by name and
#: sorted), by cohort, search and sort, with their counted form. Building a statement costs
#: more than running it on SQLite; statements are immutable, shared safely. Bounded.
_PLAIN_SELECTS: dict[tuple[Any, ...], tuple[Select[Any], Select[Any]]] = {}
_MAX_PLAIN_SELECTS = 256


def _plain_select(cohort_id: int, query: LearnerQuery) -> tuple[Select[Any], Select[Any]]:
    """The plain list's select for `query` (no totals: `needs_totals` is False), and its
    counted form, built once per process."""
    key = (cohort_id, query.q, query.sort, query.descending)
    found = _PLAIN_SELECTS.get(key)
    if found is None:
        # Without totals, the select reads neither the modules nor the time.
        select_ = _learner_select(cohort_id, [], query, utcnow(), activity=False)
        found = (select_, _counted(select_, True))
        if len(_PLAIN_SELECTS) >= _MAX_PLAIN_SELECTS:
            _PLAIN_SELECTS.clear()
        _PLAIN_SELECTS[key] = found
    return found


def _select_page(
    session: Session,
    select_: Select[Any],
    query: LearnerQuery,
    everyone: bool,
    *,
    plain: bool = False,
    counted: Select[Any] | None = None,
) -> tuple[Sequence[Any], int, int, int]:
    """The rows of the page `query` asks for (or every row): rows, page number, size, total.

    One query: the total comes with the rows. A page number past the end shows the
    last page (two more queries, only then). For a `plain` select (memberships and
    accounts, without the learners' totals), the total is a subquery counted once:
    cheaper than a window count, which keeps every row before the limit; a select
    with totals keeps the window, not to compute the totals twice. `counted`: the
    select with its totals, when the caller kept it.
    """
    connection = session.connection()  # plain rows: no ORM layer to go through
    if everyone:
        rows = connection.execute(select_).all()
        return rows, 1, max(1, len(rows)), len(rows)
    size = query.per_page
    if counted is None:
        counted = _counted(select_, plain)
    rows = connection.execute(counted.limit(size).offset((query.page - 1) * size)).all()
    if rows:
        return rows, query.page, size, rows[0].total
    if query.page == 1:
        return [], 1, size, 0
    total = session.scalar(select(func.count()).select_from(select_.order_by(None).subquery())) or 0
    number = max(1, -(-total // size))
    rows = (
        connection.execute(counted.limit(size).offset((number - 1) * size)).all() if total else []
    )
    return rows, number, size, total


def learner_rows(
    session: Session,
    cohort_id: int,
    modules: Sequence[FollowedModule],
    query: LearnerQuery,
    now: datetime,
    *,
    everyone: bool = False,
    competency_id: int | None = None,
) -> Page:
    """The page of learners `query` asks for (one query), or all of them (one query).

    A page number past the end shows the last page.
    """
    select_ = _learner_select(cohort_id, modules, query, now, competency_id)
    rows, number, size, total = _select_page(session, select_, query, everyone)
    return Page(items=[_learner_row(row) for row in rows], number=number, size=size, total=total)


def _after_select(
    cohort_id: int,
    modules: Sequence[FollowedModule],
    now: datetime,
    *,
    after_id: int,
    limit: int,
    activity: bool,
) -> Select[Any]:
    """Up to `limit` learners whose account id is above `after_id`, by id (keyset pages
    for the API: stable while learners join)."""
    return (
        _learner_select(cohort_id, modules, LearnerQuery(), now, activity=activity)
        .order_by(None)
        .where(CohortMembership.user_id > after_id)
        .order_by(CohortMembership.user_id)
        .limit(limit)
    )


def learners_after(
    session: Session,
    cohort_id: int,
    modules: Sequence[FollowedModule],
    now: datetime,
    *,
    after_id: int,
    limit: int,
) -> Page:
    """Up to `limit` learners whose account id is above `after_id`, by id (keyset pages
    for the API: stable while learners join); one query."""
    select_ = _after_select(cohort_id, modules, now, after_id=after_id, limit=limit, activity=True)
    rows = [_learner_row(row) for row in session.execute(select_)]
    return Page(items=rows, number=1, size=limit, total=len(rows))


def _summaries(
    session: Session, cohort_id: int, user_ids: Sequence[int] | None
) -> dict[int, tuple[str, str]]:
    """The packed facts and activity of some learners' summaries (all active learners when
    None), by user (lms.learning.summary): one row per learner, one query."""
    connection = session.connection()
    if user_ids is not None:
        rows = connection.execute(_PAGE_SUMMARIES, {"user_ids": list(user_ids)})
    else:
        rows = connection.execute(
            select(LearnerSummary.user_id, LearnerSummary.cells, LearnerSummary.activity).where(
                LearnerSummary.user_id.in_(active_learner_ids(cohort_id))
            )
        )
    return {row[0]: (row[1], row[2]) for row in rows}


# Built once: building a statement costs more than running it on SQLite.
_PAGE_SUMMARIES = select(
    LearnerSummary.user_id, LearnerSummary.cells, LearnerSummary.activity
).where(LearnerSummary.user_id.in_(bindparam("user_ids", expanding=True)))


def unpack_facts(modules: Sequence[FollowedModule], cells: str) -> dict[int, ModuleFacts]:
    """A learner's facts in the followed modules, from their summary's packed `cells`
    (lms.learning.summary.module_cell); modules never opened have none."""
    packed = json.loads(cells)
    facts = {}
    for module in modules:
        values = packed.get(str(module.id))
        if values is None:
            continue
        read, reading_completed, attempts, failures, best, passed, practice = values
        facts[module.id] = ModuleFacts(
            module.id,
            read,
            bool(reading_completed),
            attempts,
            failures,
            # Stored in whole percent: percent() gives the same number back.
            None if best is None else best / 100,
            bool(passed),
            practice,
        )
    return facts


# --- the progress matrix --------------------------------------------------------------------


class ProgressCell(NamedTuple):
    """One learner in one module: sections read, best quiz score, practical work.

    A named tuple rather than a dataclass: a page builds hundreds of them, and
    equal cells (same numbers, same words) are written once per page.
    """

    sections_read: int
    sections_total: int
    quiz_attempts: int
    quiz_best: int | None
    """Best score in whole percent (rules.percent), None before any attempt."""
    quiz_passed: bool
    has_quiz: bool
    practice_status: str
    """none, draft, submitted, accepted or needs_revision; "" when the module has none."""
    completed: bool
    overdue: bool

    @property
    def state(self) -> str:
        """done, overdue, started or empty: a CSS hook, always doubled by text."""
        if self.completed:
            return "done"
        if self.overdue:
            return "overdue"
        if self.sections_read or self.quiz_attempts or self.practice_status not in ("", "none"):
            return "started"
        return "empty"


class ProgressLine(NamedTuple):
    """A learner's row of the matrix, with why they are at risk (a named tuple: pages
    build many)."""

    learner: LearnerRow
    cells: Sequence[ProgressCell]
    reasons: list[RiskReason]
    modules_completed: int
    """How many of the followed modules the learner has completed."""
    cells_key: str = ""
    """The learner's packed facts: within one matrix, equal keys mean equal cells (the
    pages keep the cells they wrote by this key)."""


@dataclass(frozen=True)
class ProgressMatrix:
    """Learners x modules, for one page of learners (or all of them, for exports)."""

    modules: list[FollowedModule]
    lines: list[ProgressLine]
    page: Page
    scope: tuple[Any, ...] = ()
    """What the cells depend on besides the learner's facts: the followed modules and
    the day (a hashable key for the pages' caches of written cells)."""


def progress_cell(module: FollowedModule, facts: ModuleFacts | None, today: date) -> ProgressCell:
    """What the matrix shows for one learner and one module."""
    if facts is None:
        return ProgressCell(
            0,
            module.section_count,
            0,
            None,
            False,
            module.has_quiz,
            "none" if module.has_practice else "",
            False,
            is_past_due(module, today),
        )
    # A page builds hundreds of cells: is_completed once, and is_overdue from it.
    completed = is_completed(module, facts)
    return ProgressCell(
        min(facts.sections_read, module.section_count),
        module.section_count,
        facts.quiz_attempts,
        percent(facts.quiz_best_score),
        facts.quiz_passed,
        module.has_quiz,
        facts.practice_status if module.has_practice else "",
        completed,
        not completed and is_past_due(module, today),
    )


def progress_matrix(
    session: Session,
    cohort: Cohort,
    query: LearnerQuery,
    now: datetime,
    *,
    everyone: bool = False,
) -> ProgressMatrix:
    """The progress matrix of a page of learners (or everyone): four queries in all.

    The learners' totals are computed in SQL only when the filter or the sort
    needs them; the page's last activities come from its summary rows.
    """
    modules = followed_modules(session, cohort)
    plain = not needs_totals(query)
    if plain and not everyone:
        select_, counted = _plain_select(cohort.id, query)
        rows, number, size, total = _select_page(
            session, select_, query, everyone, plain=True, counted=counted
        )
    else:
        select_ = _learner_select(cohort.id, modules, query, now, activity=False)
        rows, number, size, total = _select_page(session, select_, query, everyone, plain=plain)
    scope = _scope(modules, now)
    lines = _lines(session, cohort.id, modules, rows, now, query.inactive_days, everyone, scope)
    return ProgressMatrix(modules, lines, _page_of(lines, number, size, total), scope)


def progress_after(
    session: Session, cohort: Cohort, now: datetime, *, after_id: int, limit: int
) -> ProgressMatrix:
    """The progress of up to `limit` learners after account id `after_id` (the API's pages)."""
    modules = followed_modules(session, cohort)
    select_ = _after_select(cohort.id, modules, now, after_id=after_id, limit=limit, activity=False)
    rows = session.execute(select_).all()
    scope = _scope(modules, now)
    lines = _lines(session, cohort.id, modules, rows, now, DEFAULT_INACTIVE_DAYS, False, scope)
    return ProgressMatrix(modules, lines, _page_of(lines, 1, limit, len(rows)), scope)


def _page_of(lines: list[ProgressLine], number: int, size: int, total: int) -> Page:
    return Page([line.learner for line in lines], number, size, total)


class _Derived(NamedTuple):
    """What a learner's packed facts mean in a cohort's modules on a given day."""

    cells: tuple[ProgressCell, ...]
    completed: int
    reasons: tuple[RiskReason, ...]
    """Quiz failed and overdue (inactivity depends on the time, not on the facts)."""


#: Per process: by scope (followed modules, day), the derived lines by packed facts. Learners
#: of a page come back at every view of it, and many share their facts: deriving 600 cells
#: per view cost more than the rest of the page. Bounded; holds no names, only figures.
_DERIVED: dict[tuple[Any, ...], dict[str, _Derived]] = {}
_MAX_SCOPES = 64
_MAX_DERIVED = 20_000


def _scope(modules: Sequence[FollowedModule], now: datetime) -> tuple[Any, ...]:
    """What derived lines depend on besides the facts: the day and what the lines show of
    the followed modules (plain values: hashed and compared at C speed)."""
    return (
        now.date(),
        tuple(
            (m.id, m.section_count, m.has_quiz, m.has_practice, m.due_on, m.title) for m in modules
        ),
    )


def _derived_lines(scope: tuple[Any, ...]) -> dict[str, _Derived]:
    """The process's derived lines for a scope (created, or emptied when too big)."""
    found = _DERIVED.get(scope)
    if found is None:
        if len(_DERIVED) >= _MAX_SCOPES:
            _DERIVED.clear()
        found = _DERIVED[scope] = {}
    elif len(found) >= _MAX_DERIVED:
        found.clear()
    return found


def _derive(modules: Sequence[FollowedModule], cells: str, now: datetime) -> _Derived:
    """The cells, completed count and fact-based risk reasons of packed facts."""
    facts = unpack_facts(modules, cells)
    today = now.date()
    line_cells = tuple(progress_cell(m, facts.get(m.id), today) for m in modules)
    # Inactivity is added per view: here the learner counts as active right now.
    reasons = risk_reasons(modules, facts, joined_at=now, now=now, last_seen=now)
    return _Derived(line_cells, sum(1 for cell in line_cells if cell.completed), tuple(reasons))


def _lines(
    session: Session,
    cohort_id: int,
    modules: list[FollowedModule],
    rows: Sequence[Any],
    now: datetime,
    inactive_days: int,
    everyone: bool,
    scope: tuple[Any, ...],
) -> list[ProgressLine]:
    """The matrix lines of learner `rows` (user_id, name, email, joined_at): one query for
    their summaries (lms.learning.summary), from which their last activity is taken."""
    user_ids = None if everyone else [row.user_id for row in rows]
    summaries = _summaries(session, cohort_id, user_ids) if rows else {}
    derived = _derived_lines(scope)
    module_keys = [str(m.id) for m in modules]
    followed = set(module_keys)
    empty = ("{}", "{}")
    lines = []
    for row in rows:
        cells, activity = summaries.get(row.user_id, empty)
        line = derived.get(cells)
        if line is None:
            line = derived[cells] = _derive(modules, cells, now)
        joined_at = row.joined_at
        # rules.last_activity: the latest of joining and of any activity in the followed modules.
        times = json.loads(activity)
        if times.keys() <= followed:  # the usual case: every module opened is followed
            latest = max(times.values(), default=None)
        else:
            latest = max((times[key] for key in module_keys if key in times), default=None)
        last_seen = joined_at
        if latest is not None:
            last_seen = max(joined_at, datetime.fromtimestamp(latest, UTC))
        reasons = list(line.reasons)
        if is_inactive(last_seen, now, inactive_days):
            reasons.insert(0, RiskReason(RiskKind.INACTIVE, days=days_inactive(last_seen, now)))
        lines.append(
            ProgressLine(
                learner=LearnerRow(row.user_id, row.name, row.email, joined_at, last_seen),
                cells=line.cells,
                reasons=reasons,
                modules_completed=line.completed,
                cells_key=cells,
            )
        )
    return lines


# --- the competency heatmap ------------------------------------------------------------------


@dataclass(frozen=True)
class CompetencyColumn:
    """A competency the cohort's modules develop."""

    id: int
    code: str
    title: str


@dataclass(frozen=True)
class HeatmapLine:
    """A learner's levels, in the order of the heatmap's competencies (0 without evidence)."""

    learner: LearnerRow
    levels: list[int]


@dataclass(frozen=True)
class Heatmap:
    """Learners x competencies, and the whole cohort's spread over the levels of each."""

    competencies: list[CompetencyColumn]
    lines: list[HeatmapLine]
    distributions: list[LevelDistribution]
    learners: int
    page: Page


def cohort_competencies(
    session: Session, modules: Sequence[FollowedModule]
) -> list[CompetencyColumn]:
    """The competencies the followed modules develop, in framework order (one query)."""
    codes = {code for module in modules for code in module.competency_codes}
    if not codes:
        return []
    rows = session.execute(
        select(Competency.id, Competency.code, Competency.title)
        .where(Competency.code.in_(codes), Competency.retired_at.is_(None))
        .order_by(Competency.position)
    )
    return [CompetencyColumn(row.id, row.code, row.title) for row in rows]


def competency_heatmap(
    session: Session,
    cohort: Cohort,
    query: LearnerQuery,
    now: datetime,
    *,
    everyone: bool = False,
) -> Heatmap:
    """The competency levels of a page of learners (or everyone), and each competency's spread.

    The spread covers every active learner of the cohort, whatever the filter.
    Seven queries in all, whatever the number of learners.
    """
    modules = followed_modules(session, cohort)
    competencies = cohort_competencies(session, modules)
    by_code = {c.code: c for c in competencies}
    sort_by = by_code.get(query.competency_code or "")
    page = learner_rows(
        session,
        cohort.id,
        modules,
        query,
        now,
        everyone=everyone,
        competency_id=sort_by.id if sort_by else None,
    )
    return _heatmap(session, cohort.id, competencies, page, everyone)


def heatmap_after(
    session: Session, cohort: Cohort, now: datetime, *, after_id: int, limit: int
) -> Heatmap:
    """The levels of up to `limit` learners after account id `after_id` (the API's pages)."""
    modules = followed_modules(session, cohort)
    competencies = cohort_competencies(session, modules)
    page = learners_after(session, cohort.id, modules, now, after_id=after_id, limit=limit)
    return _heatmap(session, cohort.id, competencies, page, False)


def _heatmap(
    session: Session,
    cohort_id: int,
    competencies: list[CompetencyColumn],
    page: Page,
    everyone: bool,
) -> Heatmap:
    """The levels of the learners of `page`, and the cohort's spread; three queries."""
    ids = [c.id for c in competencies]
    levels: dict[int, dict[int, int]] = defaultdict(dict)
    if page.items and ids:
        state_query = select(
            CompetencyState.user_id, CompetencyState.competency_id, CompetencyState.level
        ).where(CompetencyState.competency_id.in_(ids))
        if everyone:
            state_query = state_query.where(
                CompetencyState.user_id.in_(active_learner_ids(cohort_id))
            )
        else:
            state_query = state_query.where(
                CompetencyState.user_id.in_([row.user_id for row in page.items])
            )
        for user_id, competency_id, level in session.execute(state_query):
            levels[user_id][competency_id] = level
    lines = [
        HeatmapLine(learner, [levels[learner.user_id].get(c.id, 0) for c in competencies])
        for learner in page.items
    ]
    learners = (
        session.scalar(select(func.count()).select_from(active_learner_ids(cohort_id).subquery()))
        or 0
    )
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    if ids:
        for competency_id, level, count in session.execute(
            select(CompetencyState.competency_id, CompetencyState.level, func.count())
            .where(
                CompetencyState.competency_id.in_(ids),
                CompetencyState.user_id.in_(active_learner_ids(cohort_id)),
            )
            .group_by(CompetencyState.competency_id, CompetencyState.level)
        ):
            counts[competency_id][level] = count
    distributions = [level_distribution(counts[c.id], learners) for c in competencies]
    return Heatmap(competencies, lines, distributions, learners, page)
