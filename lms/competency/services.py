"""Recording evidence and keeping each learner's profile (CompetencyState rows) up to date.

Evidence is appended, never changed. After each append, the affected
competencies are recomputed from *all* their evidence with the pure rule in
lms.competency.proficiency, so the stored profile always equals a full rebuild
(evidence may arrive out of order: occurred_at, not arrival, orders it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lms.competency.proficiency import (
    DEFAULT_PARAMS,
    CompetencyLevel,
    EvidenceItem,
    ProficiencyParams,
    compute_level,
)
from lms.models import Competency, CompetencyState, Evidence, EvidenceSource
from lms.models.base import utcnow


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


def _competency_ids(session: Session, codes: Iterable[str]) -> dict[str, int]:
    codes = set(codes)
    if not codes:
        return {}
    rows = session.execute(select(Competency.code, Competency.id).where(Competency.code.in_(codes)))
    return {code: id_ for code, id_ in rows}


def record_evidence(session: Session, user_id: int, items: Sequence[NewEvidence]) -> None:
    """Append evidence rows and update the learner's profile for those competencies.

    Unknown competency codes are ignored (content may name a retired one). The caller commits.
    """
    ids = _competency_ids(session, (item.competency_code for item in items))
    touched: set[int] = set()
    for item in items:
        competency_id = ids.get(item.competency_code)
        if competency_id is None:
            continue
        session.add(
            Evidence(
                user_id=user_id,
                competency_id=competency_id,
                source=item.source,
                score=item.score,
                weight=item.weight,
                level=item.level,
                key=item.key,
                occurred_at=item.occurred_at,
                module_id=item.module_id,
                answer_id=item.answer_id,
                review_id=item.review_id,
                recorded_by_id=item.recorded_by_id,
                note=item.note,
            )
        )
        touched.add(competency_id)
    session.flush()
    recompute_states(session, user_id, touched)


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
    evidence: dict[int, list[Evidence]] = defaultdict(list)
    for row in session.scalars(
        select(Evidence).where(
            Evidence.user_id == user_id, Evidence.competency_id.in_(competency_ids)
        )
    ):
        evidence[row.competency_id].append(row)
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
        rows = evidence.get(competency_id, [])
        code = codes[competency_id]
        result = compute_level(code, [_as_item(code, row) for row in rows], params)
        state = states.get(competency_id)
        if state is None:
            state = CompetencyState(user_id=user_id, competency_id=competency_id)
            session.add(state)
        _apply(state, result, rows)


def _apply(state: CompetencyState, result: CompetencyLevel, rows: Sequence[Evidence]) -> None:
    state.level = result.level
    state.measured_level = result.measured_level
    state.score = result.score
    state.knowledge_score = result.knowledge_score
    state.applied_score = result.applied_score
    state.evidence_count = result.evidence_count
    state.self_level = result.self_level
    state.last_evidence_at = max((row.occurred_at for row in rows), default=None)
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
