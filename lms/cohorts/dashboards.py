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

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from lms.cohorts.rules import (
    DEFAULT_INACTIVE_DAYS,
    FAILED_ATTEMPTS_AT_RISK,
    FollowedModule,
    LearnerQuery,
    LevelDistribution,
    ModuleFacts,
    RiskReason,
    is_completed,
    is_past_due,
    last_activity,
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
    Module,
    ModuleProgress,
    Practice,
    Theme,
    User,
)
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
    rows = session.execute(
        select(CohortModule.module_id, CohortModule.due_on).where(
            CohortModule.cohort_id == cohort_id
        )
    )
    return {module_id: due_on for module_id, due_on in rows}


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


@dataclass(frozen=True)
class LearnerRow:
    """A learner of the cohort as the lists show them."""

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
        inactive = last_seen <= now - timedelta(days=query.inactive_days)
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


def _select_page(
    session: Session,
    select_: Select[Any],
    query: LearnerQuery,
    everyone: bool,
    *,
    plain: bool = False,
) -> tuple[Sequence[Any], int, int, int]:
    """The rows of the page `query` asks for (or every row): rows, page number, size, total.

    One query: the total comes with the rows. A page number past the end shows the
    last page (two more queries, only then). For a `plain` select (memberships and
    accounts, without the learners' totals), the total is a subquery counted once:
    cheaper than a window count, which keeps every row before the limit; a select
    with totals keeps the window, not to compute the totals twice.
    """
    connection = session.connection()  # plain rows: no ORM layer to go through
    if everyone:
        rows = connection.execute(select_).all()
        return rows, 1, max(1, len(rows)), len(rows)
    size = query.per_page
    if plain:
        total_column: Any = (
            select(func.count()).select_from(select_.order_by(None).subquery()).scalar_subquery()
        )
    else:
        total_column = func.count().over()
    counted = select_.add_columns(total_column.label("total"))
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


def _facts(
    session: Session, cohort_id: int, user_ids: Sequence[int] | None, module_ids: Sequence[int]
) -> dict[int, dict[int, ModuleFacts]]:
    """The summary rows of some learners (all active learners when None), by user and module.

    Only each learner's latest row carries its `last_activity_at` (the others hold None):
    the rules read no more than the latest (rules.last_activity), and parsing hundreds of
    timestamps cost more than the rest of the query. One query.
    """
    progress = ModuleProgress
    learners: Any = active_learner_ids(cohort_id) if user_ids is None else list(user_ids)
    # Each learner's latest activity, to mark their latest row.
    latest = func.max(progress.last_activity_at).over(partition_by=progress.user_id)
    # Yes/no columns are computed by the database: no timestamps to parse for them. The
    # columns come in the order of ModuleFacts' fields, after the user id.
    query = select(
        progress.user_id,
        progress.module_id,
        progress.sections_completed,
        progress.reading_completed_at.is_not(None).label("reading_completed"),
        progress.quiz_attempts,
        progress.quiz_failures,
        progress.quiz_best_score,
        progress.quiz_passed_at.is_not(None).label("quiz_passed"),
        progress.practice_status,
        case((progress.last_activity_at == latest, progress.last_activity_at)).label("latest"),
    ).where(progress.module_id.in_(module_ids), progress.user_id.in_(learners))
    facts: dict[int, dict[int, ModuleFacts]] = defaultdict(dict)
    # Hundreds of rows: read them all at once through the connection, without the ORM layer.
    # The database returns booleans for the yes/no columns (SQLAlchemy converts SQLite's 0/1).
    make = ModuleFacts._make
    for row in session.connection().execute(query).all():
        facts[row[0]][row[1]] = make(row[1:])
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


@dataclass(frozen=True)
class ProgressLine:
    """A learner's row of the matrix, with why they are at risk."""

    learner: LearnerRow
    cells: list[ProgressCell]
    reasons: list[RiskReason]

    @property
    def modules_completed(self) -> int:
        """How many of the followed modules the learner has completed."""
        return sum(1 for cell in self.cells if cell.completed)


@dataclass(frozen=True)
class ProgressMatrix:
    """Learners x modules, for one page of learners (or all of them, for exports)."""

    modules: list[FollowedModule]
    lines: list[ProgressLine]
    page: Page


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
    select_ = _learner_select(cohort.id, modules, query, now, activity=False)
    rows, number, size, total = _select_page(
        session, select_, query, everyone, plain=not needs_totals(query)
    )
    lines = _lines(session, cohort.id, modules, rows, now, query.inactive_days, everyone)
    return ProgressMatrix(modules, lines, _page_of(lines, number, size, total))


def progress_after(
    session: Session, cohort: Cohort, now: datetime, *, after_id: int, limit: int
) -> ProgressMatrix:
    """The progress of up to `limit` learners after account id `after_id` (the API's pages)."""
    modules = followed_modules(session, cohort)
    select_ = _after_select(cohort.id, modules, now, after_id=after_id, limit=limit, activity=False)
    rows = session.execute(select_).all()
    lines = _lines(session, cohort.id, modules, rows, now, DEFAULT_INACTIVE_DAYS, False)
    return ProgressMatrix(modules, lines, _page_of(lines, 1, limit, len(rows)))


def _page_of(lines: list[ProgressLine], number: int, size: int, total: int) -> Page:
    return Page([line.learner for line in lines], number, size, total)


def _lines(
    session: Session,
    cohort_id: int,
    modules: list[FollowedModule],
    rows: Sequence[Any],
    now: datetime,
    inactive_days: int,
    everyone: bool,
) -> list[ProgressLine]:
    """The matrix lines of learner `rows` (user_id, name, email, joined_at): one query for
    all their summary rows, from which their last activity is taken."""
    module_ids = [m.id for m in modules]
    user_ids = None if everyone else [row.user_id for row in rows]
    facts = _facts(session, cohort_id, user_ids, module_ids) if rows else {}
    today = now.date()
    # A module a learner never opened looks the same for everyone: one cell per module.
    unopened = {m.id: progress_cell(m, None, today) for m in modules}
    lines = []
    for row in rows:
        mine = facts.get(row.user_id, {})
        joined_at = row.joined_at
        # mine holds the followed modules only (the query reads no other).
        last_seen = last_activity(mine.values(), joined_at)
        learner = LearnerRow(row.user_id, row.name, row.email, joined_at, last_seen)
        lines.append(
            ProgressLine(
                learner=learner,
                cells=[
                    progress_cell(m, mine[m.id], today) if m.id in mine else unopened[m.id]
                    for m in modules
                ],
                reasons=risk_reasons(
                    modules,
                    mine,
                    joined_at=joined_at,
                    now=now,
                    inactive_days=inactive_days,
                    last_seen=last_seen,
                ),
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
