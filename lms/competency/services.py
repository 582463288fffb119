"""Recording evidence and keeping each learner's profile (CompetencyState rows) up to date.

Evidence is appended, never changed. Each CompetencyState keeps, beside the level, the
rule's aggregate of that competency's evidence (lms.competency.proficiency.EvidenceAggregate):
after each append, the new rows are folded into it, so the update does not re-read the
learner's older evidence, and the result is exactly what a full rebuild from all the rows
gives (`rebuild_profiles`). Evidence may arrive out of order (occurred_at, not arrival,
orders it): a quiz or practice row older than the newest one makes that competency rebuild
its aggregate from its rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

import yaml
from flask import current_app
from sqlalchemy import (
    ColumnElement,
    Table,
    and_,
    bindparam,
    delete,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.util import identity_key

from lms import jsontext
from lms.competency.proficiency import (
    DEFAULT_PARAMS,
    CompetencyLevel,
    EvidenceAggregate,
    EvidenceItem,
    ProficiencyParams,
    compute_level,
    evidence_shares,
)
from lms.competency.profile import (
    CompetencyInfo,
    CompetencyStatus,
    ModuleInfo,
    ModuleProgressInfo,
    Recommendation,
    ReviewSuggestion,
    ScaleEntry,
    ThemeInfo,
    group_by_theme,
    is_module_completed,
    largest_gaps,
    recommend_modules,
    review_suggestions,
)
from lms.models import (
    Answer,
    Competency,
    CompetencyState,
    Evidence,
    EvidenceSource,
    Module,
    ModuleProgress,
    Practice,
    PracticeReview,
    ScaleLevel,
    Theme,
    User,
)
from lms.models.base import SerialisedJSON, insert_missing, utcnow
from lms.models.driver import (
    DriverStatement,
    DriverStatementsBySize,
    insert_every_column,
    numbered_binds,
    numbered_values,
)

# Called (session, user_id) after a learner's profile changed, in the same transaction:
# other areas react without this module knowing them (certification auto-issue).
PROFILE_CHANGE_HOOKS: list[Callable[[Session, int], object]] = []


@dataclass(frozen=True)
class NewEvidence:
    """Evidence to record for one learner (the competency by its code)."""

    competency_code: str
    source: EvidenceSource
    score: float
    occurred_at: datetime
    weight: float = 1.0
    key: str | None = None
    level: int | None = None
    module_id: int | None = None
    answer_id: int | None = None
    review_id: int | None = None
    recorded_by_id: int | None = None
    note: str = ""


def proficiency_params() -> ProficiencyParams:
    """The rule's parameters, overridable in configuration (PROFICIENCY_* settings)."""
    overrides = current_app.config.get("PROFICIENCY_PARAMS") or {}
    return ProficiencyParams(**overrides) if overrides else DEFAULT_PARAMS


def competency_ids(session: Session, codes: Iterable[str]) -> dict[str, int]:
    """Competency code -> id, for the codes that exist (one query)."""
    codes = set(codes)
    if not codes:
        return {}
    rows = session.execute(select(Competency.code, Competency.id).where(Competency.code.in_(codes)))
    return {code: id_ for code, id_ in rows}


def record_evidence(
    session: Session,
    user_id: int,
    items: Sequence[NewEvidence],
    codes: Mapping[str, int] | None = None,
) -> None:
    """Append evidence rows and update the learner's profile for those competencies.

    Unknown competency codes are ignored (content may name a retired one). The rows are
    written with one batched INSERT; the profile is updated from each competency's stored
    aggregate, without reading the learner's older evidence. `codes`: the competencies'
    ids (`competency_ids`), when the caller read them before its write transaction. The
    caller commits.
    """
    if codes is None:
        codes = competency_ids(session, (item.competency_code for item in items))
    rows: list[dict[str, Any]] = []
    batches: dict[int, list[EvidenceItem]] = defaultdict(list)
    for item in items:
        competency_id = codes.get(item.competency_code)
        if competency_id is None:
            continue
        rows.append(
            {
                "user_id": user_id,
                "competency_id": competency_id,
                "source": item.source,
                "score": item.score,
                "weight": item.weight,
                "level": item.level,
                "key": item.key,
                "occurred_at": item.occurred_at,
                "recorded_at": utcnow(),
                "module_id": item.module_id,
                "answer_id": item.answer_id,
                "review_id": item.review_id,
                "recorded_by_id": item.recorded_by_id,
                "note": item.note,
            }
        )
        batches[competency_id].append(
            EvidenceItem(
                competency=item.competency_code,
                source=str(item.source),  # type: ignore[arg-type]
                score=item.score,
                occurred_at=item.occurred_at,
                weight=item.weight,
                key=item.key,
                level=item.level,
            )
        )
    if not rows:
        return
    # The statements below run on the session's connection (cheaper than through the
    # session): write what the session holds first (a review the evidence points to...).
    session.flush()
    states = _computed_states(session, user_id, batches)
    _INSERT_EVIDENCE.executemany(session.connection(), rows)
    _write_states(session, states.values())
    for hook in PROFILE_CHANGE_HOOKS:
        hook(session, user_id)


#: The evidence rows of an append, with one batched INSERT on the table itself (a Core
#: statement built once, run on the driver's cursor: lms.models.driver; the ORM's bulk
#: insert of the same rows costs several times more).
_INSERT_EVIDENCE = DriverStatement(insert_every_column(cast(Table, Evidence.__table__)))


@dataclass(frozen=True)
class _LockedState:
    """A learner's state row for one competency, as the incremental update reads it."""

    id: int
    aggregate: dict[str, Any] | None


def _computed_states(
    session: Session, user_id: int, batches: Mapping[int, Sequence[EvidenceItem]]
) -> dict[int, tuple[_LockedState, CompetencyLevel, EvidenceAggregate]]:
    """The learner's state rows for these competencies (locked until commit) with their
    new level and aggregate once `batches` (not yet written) are added.

    Reads, besides the states: the rows that have just become old (only when a learner's
    evidence spans more than `stale_after_days`), and every row of a competency whose
    aggregate must be rebuilt (no aggregate yet, other parameters, or a row arriving
    older than the newest one: rare). Each in one query, for all the competencies.
    """
    params = proficiency_params()
    states = _locked_states(session, user_id, batches)
    aggregates: dict[int, EvidenceAggregate] = {}
    rebuild: set[int] = set()
    for competency_id, batch in batches.items():
        aggregate = EvidenceAggregate.from_json(states[competency_id].aggregate, params)
        if aggregate is None or not aggregate.add(batch, params):
            rebuild.add(competency_id)
        else:
            aggregates[competency_id] = aggregate
    windows = [
        (competency_id, source, since, cutoff)
        for competency_id, aggregate in aggregates.items()
        for source, since, cutoff in aggregate.stale_windows(params)
    ]
    if windows:
        stored = _evidence_items(
            session,
            user_id,
            or_(
                *(
                    and_(
                        Evidence.competency_id == competency_id,
                        Evidence.source == source,
                        Evidence.occurred_at >= since,
                        Evidence.occurred_at < cutoff,
                    )
                    for competency_id, source, since, cutoff in windows
                )
            ),
        )
        for competency_id, source, since, cutoff in windows:
            rows = [
                item
                for item in [*stored[competency_id], *batches[competency_id]]
                if item.source == source and since <= item.occurred_at < cutoff
            ]
            aggregates[competency_id].make_stale(source, rows, cutoff, params)
    if rebuild:
        stored = _evidence_items(session, user_id, Evidence.competency_id.in_(rebuild))
        for competency_id in rebuild:
            aggregates[competency_id] = EvidenceAggregate.build(
                [*stored[competency_id], *batches[competency_id]], params
            )
    return {
        competency_id: (
            states[competency_id],
            aggregate.result(batches[competency_id][0].competency, params),
            aggregate,
        )
        for competency_id, aggregate in aggregates.items()
    }


def _locked_states(
    session: Session, user_id: int, competency_ids: Iterable[int]
) -> dict[int, _LockedState]:
    """The learner's state rows for these competencies (id and aggregate), created if
    missing, locked (PostgreSQL) in competency order so that two updates never wait for
    each other in a circle. Read as plain rows, not objects: the row as it is once locked,
    whatever the session holds, and cheaper."""
    competency_ids = sorted(set(competency_ids))
    states = _read_locked_states(session, user_id, competency_ids)
    missing = [competency_id for competency_id in competency_ids if competency_id not in states]
    if missing:
        # A learner's first evidence of these competencies: their rows in one INSERT (one
        # that a concurrent request made meanwhile is left alone), then read and locked.
        _insert_empty_states(session, user_id, missing)
        states.update(_read_locked_states(session, user_id, missing))
    return states


def _read_locked_states(
    session: Session, user_id: int, competency_ids: list[int]
) -> dict[int, _LockedState]:
    return {
        competency_id: _LockedState(state_id, aggregate)
        for state_id, competency_id, aggregate in _LOCK_STATES.of_size(len(competency_ids)).rows(
            session.connection(),
            {"s_user_id": user_id, **numbered_values("s_competency_id", competency_ids)},
        )
    }


def _insert_empty_states(session: Session, user_id: int, competency_ids: list[int]) -> None:
    """Create the learner's rows for these competencies, as `CompetencyState()` starts
    them (the columns' defaults); a row that exists already (a concurrent request) is left
    as it is."""
    rows = [
        {"user_id": user_id, "competency_id": competency_id} for competency_id in competency_ids
    ]
    insert_missing(session.connection(), _STATE_TABLE, rows, ["user_id", "competency_id"])


#: A learner's state rows for some competencies, locked in competency order (built once
#: per number of competencies, run on the driver's cursor: lms.models.driver).
_LOCK_STATES = DriverStatementsBySize(
    lambda size: (
        select(CompetencyState.id, CompetencyState.competency_id, CompetencyState.aggregate)
        .where(
            CompetencyState.user_id == bindparam("s_user_id"),
            CompetencyState.competency_id.in_(numbered_binds("s_competency_id", size)),
        )
        .order_by(CompetencyState.competency_id)
        .with_for_update()
    )
)

#: One UPDATE for all the competencies of an append (executemany), on the table itself:
#: an ORM flush of the same change costs several times more.
_STATE_TABLE = cast(Table, CompetencyState.__table__)
#: The CompetencyState columns that hold the profile (what a rebuild reproduces).
PROFILE_COLUMNS = (
    "level",
    "measured_level",
    "score",
    "knowledge_score",
    "applied_score",
    "evidence_count",
    "self_level",
    "last_evidence_at",
)
_UPDATE_STATE = DriverStatement(
    update(_STATE_TABLE)
    .where(_STATE_TABLE.c.id == bindparam("state_id"))
    .values(
        {
            **{name: bindparam(name) for name in (*PROFILE_COLUMNS, "updated_at")},
            # Serialised by the caller (lms.jsontext: a dozen per quiz submission).
            "aggregate": bindparam("aggregate", type_=SerialisedJSON()),
        }
    )
)


def _write_states(
    session: Session,
    states: Iterable[tuple[_LockedState, CompetencyLevel, EvidenceAggregate]],
) -> None:
    """Store the new levels and aggregates with one UPDATE statement; objects of these rows
    that the session holds are expired, so that they read the new values."""
    params = proficiency_params()
    now = utcnow()
    rows = [
        {
            "state_id": state.id,
            "level": result.level,
            "measured_level": result.measured_level,
            "score": result.score,
            "knowledge_score": result.knowledge_score,
            "applied_score": result.applied_score,
            "evidence_count": result.evidence_count,
            "self_level": result.self_level,
            # A self-assessment is not evidence of competency (see _apply).
            "last_evidence_at": aggregate.last_evidence_at,
            "aggregate": jsontext.dumps(aggregate.to_json(params)),
            "updated_at": now,
        }
        for state, result, aggregate in states
    ]
    if not rows:
        return
    _UPDATE_STATE.executemany(session.connection(), rows)
    for row in rows:
        held = session.identity_map.get(identity_key(CompetencyState, row["state_id"]))
        if held is not None:
            session.expire(held)


def _evidence_items(
    session: Session, user_id: int, condition: ColumnElement[bool]
) -> dict[int, list[EvidenceItem]]:
    """The learner's evidence rows matching `condition`, by competency, as the rule's items."""
    found: dict[int, list[EvidenceItem]] = defaultdict(list)
    rows = session.execute(
        select(
            Evidence.competency_id,
            Competency.code,
            Evidence.source,
            Evidence.score,
            Evidence.occurred_at,
            Evidence.weight,
            Evidence.key,
            Evidence.level,
        )
        .join(Competency, Competency.id == Evidence.competency_id)
        .where(Evidence.user_id == user_id, condition)
    )
    for competency_id, code, source, score, occurred_at, weight, key, level in rows:
        found[competency_id].append(
            EvidenceItem(code, str(source), score, occurred_at, weight, key, level)  # type: ignore[arg-type]
        )
    return found


def _as_item(code: str, row: Evidence) -> EvidenceItem:
    return EvidenceItem(
        competency=code,
        source=str(row.source),  # type: ignore[arg-type]
        score=row.score,
        occurred_at=row.occurred_at,
        weight=row.weight,
        key=row.key,
        level=row.level,
    )


def recompute_states(session: Session, user_id: int, competency_ids: Iterable[int]) -> None:
    """Recompute the stored level of some competencies of one learner from all their evidence."""
    competency_ids = set(competency_ids)
    if not competency_ids:
        return
    codes = dict(
        session.execute(
            select(Competency.id, Competency.code).where(Competency.id.in_(competency_ids))
        ).all()
    )
    evidence = _evidence_items(session, user_id, Evidence.competency_id.in_(competency_ids))
    states = {
        state.competency_id: state
        for state in session.scalars(
            select(CompetencyState).where(
                CompetencyState.user_id == user_id,
                CompetencyState.competency_id.in_(competency_ids),
            )
        )
    }
    params = proficiency_params()
    for competency_id in competency_ids:
        aggregate = EvidenceAggregate.build(evidence.get(competency_id, []), params)
        state = states.get(competency_id) or _new_state(session, user_id, competency_id)
        _apply(state, aggregate.result(codes[competency_id], params), aggregate)


def _new_state(session: Session, user_id: int, competency_id: int) -> CompetencyState:
    """Create the learner's row for a competency, or take the one a concurrent request made."""
    try:
        with session.begin_nested():
            state = CompetencyState(user_id=user_id, competency_id=competency_id)
            session.add(state)
    except IntegrityError:
        found = session.scalar(
            select(CompetencyState)
            .where(
                CompetencyState.user_id == user_id,
                CompetencyState.competency_id == competency_id,
            )
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        assert found is not None
        return found
    return state


def _apply(state: CompetencyState, result: CompetencyLevel, aggregate: EvidenceAggregate) -> None:
    state.level = result.level
    state.measured_level = result.measured_level
    state.score = result.score
    state.knowledge_score = result.knowledge_score
    state.applied_score = result.applied_score
    state.evidence_count = result.evidence_count
    state.self_level = result.self_level
    # A self-assessment is not evidence of competency: it must not make old evidence look
    # recent (the profile suggests reviews from this date) nor change anything but self_level.
    state.last_evidence_at = aggregate.last_evidence_at
    state.aggregate = aggregate.to_json(proficiency_params())
    state.updated_at = utcnow()


def rebuild_profiles(session: Session, user_ids: Iterable[int] | None = None) -> int:
    """Recompute every stored profile from evidence (all learners, or some); returns how many.

    The caller commits. The result equals what incremental updates produced.
    """
    query = select(Evidence.user_id, Evidence.competency_id).distinct()
    if user_ids is not None:
        user_ids = list(user_ids)
        query = query.where(Evidence.user_id.in_(user_ids))
        session.execute(delete(CompetencyState).where(CompetencyState.user_id.in_(user_ids)))
    else:
        session.execute(delete(CompetencyState))
    pairs: dict[int, set[int]] = defaultdict(set)
    for user_id, competency_id in session.execute(query):
        pairs[user_id].add(competency_id)
    for user_id, competency_ids in pairs.items():
        recompute_states(session, user_id, competency_ids)
    return len(pairs)


# --- Reading the framework and a learner's profile ------------------------------------------

#: Age of a competency's latest evidence that suggests a review (PROFILE_REVIEW_AFTER_DAYS).
DEFAULT_REVIEW_AFTER_DAYS = 60
#: The key of self-assessment evidence rows.
SELF_ASSESSMENT_KEY = "self"


def review_after() -> timedelta:
    """How old a competency's latest evidence may get before a review is suggested."""
    days = current_app.config.get("PROFILE_REVIEW_AFTER_DAYS", DEFAULT_REVIEW_AFTER_DAYS)
    return timedelta(days=int(days))


def framework_title() -> str | None:
    """The framework's title, from framework.yaml in the content folder (None if unreadable).

    The database keeps the framework's scale and competencies but not its
    title; the file is parsed again only when it changes.
    """
    path = Path(current_app.config["CONTENT_DIR"]) / "framework.yaml"
    try:
        modified = path.stat().st_mtime_ns
    except OSError:
        return None
    return _read_framework_title(str(path), modified)


@lru_cache(maxsize=4)
def _read_framework_title(path: str, modified: int) -> str | None:
    try:
        with open(path, encoding="utf-8") as file:
            data = yaml.safe_load(file)
    except (OSError, yaml.YAMLError):
        return None
    title = data.get("title") if isinstance(data, dict) else None
    return title.strip() if isinstance(title, str) and title.strip() else None


def scale_entries(session: Session) -> dict[int, ScaleEntry]:
    """The proficiency scale, level -> label and meaning."""
    return {
        row.level: ScaleEntry(row.level, row.label, row.description)
        for row in session.scalars(select(ScaleLevel).order_by(ScaleLevel.level))
    }


def _themes(session: Session) -> list[ThemeInfo]:
    rows = session.execute(
        select(Theme.slug, Theme.title).where(Theme.retired_at.is_(None)).order_by(Theme.position)
    )
    return [ThemeInfo(slug, title) for slug, title in rows]


def _competencies(session: Session) -> list[CompetencyInfo]:
    rows = session.scalars(
        select(Competency).where(Competency.retired_at.is_(None)).order_by(Competency.position)
    )
    return [
        CompetencyInfo(row.code, row.title, row.description, row.kind, row.theme_slug)
        for row in rows
    ]


def _modules(session: Session) -> list[ModuleInfo]:
    """The non-retired modules, in course order."""
    rows = session.execute(
        select(Module.id, Module.slug, Module.title, Module.competency_codes, Theme.position)
        .join(Theme, Theme.id == Module.theme_id)
        .where(Module.retired_at.is_(None))
        .order_by(Theme.position, Module.position)
    )
    return [
        ModuleInfo(id_, slug, title, tuple(codes or ()), (theme_position, index))
        for index, (id_, slug, title, codes, theme_position) in enumerate(rows)
    ]


@dataclass(frozen=True)
class FrameworkView:
    """The framework page: title, scale, and competencies by theme with their modules."""

    title: str | None
    scale: list[ScaleEntry]
    themes: list[tuple[ThemeInfo, list[tuple[CompetencyInfo, list[ModuleInfo]]]]]


def framework_overview(session: Session) -> FrameworkView:
    """The framework as the framework page shows it (four queries)."""
    themes = _themes(session)
    modules = _modules(session)
    by_theme: dict[str, list[tuple[CompetencyInfo, list[ModuleInfo]]]] = {
        theme.slug: [] for theme in themes
    }
    extra: list[ThemeInfo] = []
    for competency in _competencies(session):
        developing = [m for m in modules if competency.code in m.competency_codes]
        if competency.theme_slug not in by_theme:
            by_theme[competency.theme_slug] = []
            extra.append(ThemeInfo(competency.theme_slug, competency.theme_slug))
        by_theme[competency.theme_slug].append((competency, developing))
    return FrameworkView(
        title=framework_title(),
        scale=list(scale_entries(session).values()),
        themes=[(t, by_theme[t.slug]) for t in (*themes, *extra) if by_theme[t.slug]],
    )


def profile_rows(session: Session, user_id: int) -> list[CompetencyStatus]:
    """Every non-retired competency on the learner's stored profile, in framework order.

    A competency without evidence is at level 0. One query.
    """
    rows = session.execute(
        select(Competency, CompetencyState)
        .outerjoin(
            CompetencyState,
            and_(
                CompetencyState.competency_id == Competency.id,
                CompetencyState.user_id == user_id,
            ),
        )
        .where(Competency.retired_at.is_(None))
        .order_by(Competency.position)
    )
    result = []
    for competency, state in rows:
        status = CompetencyStatus(competency.code, competency.title, competency.theme_slug)
        if state is not None:
            status = CompetencyStatus(
                code=competency.code,
                title=competency.title,
                theme_slug=competency.theme_slug,
                level=state.level,
                measured_level=state.measured_level,
                self_level=state.self_level,
                score=state.score,
                evidence_count=state.evidence_count,
                last_evidence_at=state.last_evidence_at,
            )
        result.append(status)
    return result


@dataclass(frozen=True)
class ProfileView:
    """A learner's profile page: levels by theme, gaps, and what to do next."""

    rows: list[CompetencyStatus]
    groups: list[tuple[ThemeInfo, list[CompetencyStatus]]]
    scale: dict[int, ScaleEntry]
    gaps: list[CompetencyStatus]
    recommendations: list[Recommendation]
    reviews: list[ReviewSuggestion]

    @property
    def has_self_assessment(self) -> bool:
        """Whether the learner has positioned themself on at least one competency."""
        return any(row.self_level is not None for row in self.rows)


def learner_profile(session: Session, user_id: int, now: datetime | None = None) -> ProfileView:
    """Everything the profile page shows, in a fixed number of queries (no N+1)."""
    rows = profile_rows(session, user_id)
    modules = _modules(session)
    with_practice = set(
        session.scalars(select(Practice.module_id).where(Practice.retired_at.is_(None)))
    )
    with_quiz = set(
        session.scalars(
            select(Module.id).where(Module.retired_at.is_(None), Module.question_count > 0)
        )
    )
    progress = {
        module_id: ModuleProgressInfo(reading is not None, passed is not None, practice or "none")
        for module_id, reading, passed, practice in session.execute(
            select(
                ModuleProgress.module_id,
                ModuleProgress.reading_completed_at,
                ModuleProgress.quiz_passed_at,
                ModuleProgress.practice_status,
            ).where(ModuleProgress.user_id == user_id)
        )
    }
    completed = [
        m.id
        for m in modules
        if is_module_completed(
            progress.get(m.id), has_quiz=m.id in with_quiz, has_practice=m.id in with_practice
        )
    ]
    passed = [
        m for m in modules if m.id in with_quiz and (p := progress.get(m.id)) and p.quiz_passed
    ]
    return ProfileView(
        rows=rows,
        groups=group_by_theme(rows, _themes(session)),
        scale=scale_entries(session),
        gaps=largest_gaps(rows),
        recommendations=recommend_modules(rows, modules, completed),
        reviews=review_suggestions(rows, passed, now or utcnow(), review_after()),
    )


# --- Self-assessment ------------------------------------------------------------------------


@dataclass(frozen=True)
class SelfAssessmentView:
    """The self-assessment page: competencies by theme, the scale, the latest answers."""

    groups: list[tuple[ThemeInfo, list[CompetencyInfo]]]
    scale: dict[int, ScaleEntry]
    current: dict[str, int | None]
    """Competency code -> the latest self-assessed level (None: never assessed)."""

    @property
    def competencies(self) -> list[CompetencyInfo]:
        """Every competency, in the order of the page."""
        return [competency for _, competencies in self.groups for competency in competencies]


def self_assessment_view(session: Session, user_id: int) -> SelfAssessmentView:
    """What the self-assessment form needs (four queries)."""
    by_theme: dict[str, list[CompetencyInfo]] = defaultdict(list)
    for competency in _competencies(session):
        by_theme[competency.theme_slug].append(competency)
    themes = _themes(session)
    known = {theme.slug for theme in themes}
    themes += [ThemeInfo(slug, slug) for slug in by_theme if slug not in known]
    return SelfAssessmentView(
        groups=[(theme, by_theme[theme.slug]) for theme in themes if by_theme.get(theme.slug)],
        scale=scale_entries(session),
        current={row.code: row.self_level for row in profile_rows(session, user_id)},
    )


class SelfAssessmentError(ValueError):
    """A self-assessment with unknown competencies or levels; ``fields`` says which."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("invalid self-assessment")
        self.fields = fields


def save_self_assessment(
    session: Session,
    user_id: int,
    levels: Mapping[str, int | None],
    now: datetime | None = None,
) -> list[str]:
    """Record the learner's self-assessment: competency code -> level 1..4 (None: not sure).

    Appends one SELF evidence row per competency whose level changed, so the
    history is kept; "not sure" records nothing. Validates everything before
    recording anything (SelfAssessmentError). Commits; returns the codes changed.
    """
    active = {
        code
        for (code,) in session.execute(
            select(Competency.code).where(Competency.retired_at.is_(None))
        )
    }
    errors: dict[str, str] = {}
    for code, level in levels.items():
        if code not in active:
            errors[code] = "Unknown competency."
        elif level is not None and (
            isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 4
        ):
            errors[code] = "The level must be a whole number from 1 to 4."
    if errors:
        raise SelfAssessmentError(errors)
    current = {row.code: row.self_level for row in profile_rows(session, user_id)}
    changed: dict[str, int] = {
        code: level
        for code, level in sorted(levels.items())
        if level is not None and level != current.get(code)
    }
    when = now or utcnow()
    record_evidence(
        session,
        user_id,
        [
            NewEvidence(
                competency_code=code,
                source=EvidenceSource.SELF,
                score=level / 4,
                occurred_at=when,
                key=SELF_ASSESSMENT_KEY,
                level=level,
            )
            for code, level in changed.items()
        ],
    )
    session.commit()
    return list(changed)


# --- Evidence behind a level ----------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceEntry:
    """One evidence row as the evidence page and the API show it."""

    id: int
    competency: str
    source: str
    occurred_at: datetime
    score: float
    weight: float
    level: int | None
    key: str | None
    module_slug: str | None
    module_title: str | None
    attempt_id: int | None
    reviewer_name: str | None
    note: str
    share: float | None = None
    """The row's share in the knowledge (quiz) or applied (practice) score, 0..1."""

    @property
    def question_key(self) -> str | None:
        """The question's id in its module, for a quiz answer."""
        if self.source != EvidenceSource.QUIZ or not self.key or "/" not in self.key:
            return None
        return self.key.partition("/")[2]


@dataclass(frozen=True)
class CompetencyEvidence:
    """The evidence page: a competency, its level explained, and its evidence, newest first."""

    competency: CompetencyInfo
    result: CompetencyLevel
    scale: dict[int, ScaleEntry]
    entries: list[EvidenceEntry]


def _evidence_query(user_id: int) -> Any:
    reviewer, recorder = aliased(User), aliased(User)
    return (
        select(
            Evidence,
            Competency.code,
            Module.slug,
            Module.title,
            Answer.attempt_id,
            reviewer.name,
            recorder.name,
        )
        .join(Competency, Competency.id == Evidence.competency_id)
        .outerjoin(Module, Module.id == Evidence.module_id)
        .outerjoin(Answer, Answer.id == Evidence.answer_id)
        .outerjoin(PracticeReview, PracticeReview.id == Evidence.review_id)
        .outerjoin(reviewer, reviewer.id == PracticeReview.reviewer_id)
        .outerjoin(recorder, recorder.id == Evidence.recorded_by_id)
        .where(Evidence.user_id == user_id)
        .order_by(Evidence.occurred_at.desc(), Evidence.id.desc())
    )


_KEYED_BY_MODULE = (EvidenceSource.LESSON, EvidenceSource.QUIZ, EvidenceSource.PRACTICE)


def _entry(row: Any, share: float | None = None) -> EvidenceEntry:
    evidence, code, slug, title, attempt_id, reviewer_name, recorder_name = row
    if slug is None and evidence.key and evidence.source in _KEYED_BY_MODULE:
        # Keys start with the module: "module-slug/question-id" or "module-slug".
        slug = evidence.key.partition("/")[0] or None
    return EvidenceEntry(
        id=evidence.id,
        competency=code,
        source=str(evidence.source),
        occurred_at=evidence.occurred_at,
        score=evidence.score,
        weight=evidence.weight,
        level=evidence.level,
        key=evidence.key,
        module_slug=slug,
        module_title=title,
        attempt_id=attempt_id,
        reviewer_name=reviewer_name or recorder_name,
        note=evidence.note or "",
        share=share,
    )


def competency_evidence(session: Session, user_id: int, code: str) -> CompetencyEvidence | None:
    """A competency's evidence for one learner, with the level recomputed and explained.

    None when no competency has this code. One query for the evidence, whatever its size.
    """
    competency = session.scalar(select(Competency).where(Competency.code == code))
    if competency is None:
        return None
    rows = list(
        session.execute(_evidence_query(user_id).where(Evidence.competency_id == competency.id))
    )
    items = {row[0].id: _as_item(code, row[0]) for row in rows}
    params = proficiency_params()
    shares: dict[int, float] = {}
    for source in (EvidenceSource.QUIZ, EvidenceSource.PRACTICE):
        group = [(row_id, item) for row_id, item in items.items() if item.source == source]
        by_item = {id(item): row_id for row_id, item in group}
        for item, share in evidence_shares([item for _, item in group], params):
            shares[by_item[id(item)]] = share
    return CompetencyEvidence(
        competency=CompetencyInfo(
            competency.code,
            competency.title,
            competency.description,
            competency.kind,
            competency.theme_slug,
        ),
        result=compute_level(code, items.values(), params),
        scale=scale_entries(session),
        entries=[_entry(row, shares.get(row[0].id)) for row in rows],
    )


def evidence_page(
    session: Session,
    user_id: int,
    *,
    code: str | None = None,
    limit: int = 50,
    after: tuple[datetime, int] | None = None,
) -> tuple[list[EvidenceEntry], tuple[datetime, int] | None]:
    """A page of the learner's evidence, newest first, and the position after it (or None).

    ``after`` is the (occurred_at, id) of the last row of the previous page
    (keyset pagination: stable while evidence is being added).
    """
    query = _evidence_query(user_id)
    if code is not None:
        query = query.where(Competency.code == code)
    if after is not None:
        occurred_at, last_id = after
        query = query.where(
            or_(
                Evidence.occurred_at < occurred_at,
                and_(Evidence.occurred_at == occurred_at, Evidence.id < last_id),
            )
        )
    rows = list(session.execute(query.limit(limit + 1)))
    entries = [_entry(row) for row in rows[:limit]]
    following = (entries[-1].occurred_at, entries[-1].id) if len(rows) > limit else None
    return entries, following


def competency_exists(session: Session, code: str) -> bool:
    """Whether a competency (retired or not) has this code."""
    return session.scalar(select(Competency.id).where(Competency.code == code)) is not None
