"""API endpoints of the cohorts area: the cohorts I follow, their progress and competencies.

Lists are paginated with `limit` and an opaque `cursor` (the `next_cursor` of
the previous page). Learners come in a stable order (by account id), so a
client can walk a cohort of any size. The figures are those of the HTML
dashboards (lms.cohorts.dashboards).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypeVar

from flask import request
from pydantic import BaseModel, Field
from sqlalchemy import func, select

from lms import access
from lms.api import bp
from lms.api.core import ApiError, ErrorResponse, current_api_user, documented, token_required
from lms.cohorts import dashboards
from lms.cohorts.dashboards import LearnerRow
from lms.extensions import db
from lms.models import Cohort, CohortMembership, CohortRole, Organisation, Role
from lms.models.base import utcnow

STAFF = (Role.TRAINER, Role.ORG_ADMIN)


class PageQuery(BaseModel):
    """Pagination: how many items, and where the previous page ended."""

    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = Field(
        default=None, max_length=20, description="next_cursor of the previous page."
    )


class CohortOut(BaseModel):
    """A cohort I follow."""

    id: int
    name: str
    organisation: str = Field(description="The organisation's slug.")
    starts_on: date | None
    ends_on: date | None
    join_open: bool
    learners: int = Field(description="Active learners.")


class CohortList(BaseModel):
    """A page of cohorts, by id."""

    items: list[CohortOut]
    next_cursor: str | None


class LearnerOut(BaseModel):
    """A learner of the cohort."""

    id: int
    name: str
    email: str
    joined_at: datetime
    last_activity_at: datetime
    at_risk: list[str] = Field(
        description="Reasons: inactive, quiz_failed, overdue (one per module concerned).",
        examples=[["inactive", "overdue"]],
    )


class ModuleProgressOut(BaseModel):
    """A learner's progress in one module."""

    module: str = Field(description="The module's slug.")
    sections_read: int
    sections_total: int
    quiz_attempts: int
    quiz_best_score: int | None = Field(description="Best score in whole percent.")
    quiz_passed: bool
    practice_status: str | None = Field(
        description="none, draft, submitted, accepted, needs_revision; null without practical work."
    )
    completed: bool
    overdue: bool


class ProgressItem(BaseModel):
    """A learner and their progress in every module the cohort follows."""

    learner: LearnerOut
    modules: list[ModuleProgressOut]


class ModuleOut(BaseModel):
    """A module the cohort follows."""

    slug: str
    title: str
    due_on: date | None


class ProgressPage(BaseModel):
    """A page of the progress matrix."""

    modules: list[ModuleOut]
    items: list[ProgressItem]
    next_cursor: str | None


class CompetencyOut(BaseModel):
    """A competency the cohort's modules develop, and how the cohort spreads over its levels."""

    code: str
    title: str
    distribution: list[int] = Field(
        description="Learners at level 0, 1, 2, 3, 4.", min_length=5, max_length=5
    )


class LevelsItem(BaseModel):
    """A learner's level (0-4) for each competency."""

    learner: LearnerOut
    levels: dict[str, int] = Field(examples=[{"MSE-01": 2, "MSE-02": 3}])


class CompetencyPage(BaseModel):
    """A page of the competency heatmap."""

    competencies: list[CompetencyOut]
    items: list[LevelsItem]
    next_cursor: str | None


MAX_ID = 2**31 - 1  # ids are 32-bit integers in the database


def _after(cursor: str | None) -> int:
    """The id a page starts after, from its cursor (0 for the first page)."""
    if cursor is None:
        return 0
    try:
        after = int(cursor)
    except ValueError:
        after = -1
    if not 0 <= after <= MAX_ID:
        raise ApiError(422, "validation_error", "The cursor is invalid.", {"cursor": "invalid"})
    return after


Line = TypeVar("Line", dashboards.ProgressLine, dashboards.HeatmapLine)


def _cut(lines: list[Line], limit: int) -> tuple[list[Line], str | None]:
    """A page of `limit` lines out of `limit + 1` read, and the cursor of the next page."""
    if len(lines) > limit:
        return lines[:limit], str(lines[limit - 1].learner.user_id)
    return lines, None


def _cohort(cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        raise ApiError(404, "not_found", "No such cohort.")
    if not access.can_access_cohort(current_api_user(), cohort):
        raise ApiError(403, "forbidden", "You do not follow this cohort.")
    return cohort


def _learner(row: LearnerRow, reasons: list[str]) -> LearnerOut:
    return LearnerOut(
        id=row.user_id,
        name=row.name,
        email=row.email,
        joined_at=row.joined_at,
        last_activity_at=row.last_activity_at,
        at_risk=reasons,
    )


@bp.get("/cohorts")
@token_required(*STAFF)
@documented(tags=["cohorts"], query=PageQuery, responses={200: CohortList})
def list_cohorts() -> tuple[dict[str, Any], int]:
    """The cohorts I may follow: those I train, all my organisation's for an org admin."""
    query: PageQuery = request.context.query  # type: ignore[attr-defined]
    user = current_api_user()
    learners = (
        select(func.count())
        .where(
            CohortMembership.cohort_id == Cohort.id,
            CohortMembership.role == CohortRole.LEARNER,
            CohortMembership.removed_at.is_(None),
        )
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Cohort, Organisation.slug, learners)
        .join(Organisation, Organisation.id == Cohort.organisation_id)
        .where(Cohort.id.in_(access.visible_cohort_ids(user)), Cohort.id > _after(query.cursor))
        .order_by(Cohort.id)
        .limit(query.limit + 1)
    ).all()
    items = [
        CohortOut(
            id=cohort.id,
            name=cohort.name,
            organisation=slug,
            starts_on=cohort.starts_on,
            ends_on=cohort.ends_on,
            join_open=cohort.join_open,
            learners=count,
        )
        for cohort, slug, count in rows[: query.limit]
    ]
    following = str(items[-1].id) if len(rows) > query.limit else None
    return CohortList(items=items, next_cursor=following).model_dump(mode="json"), 200


@bp.get("/cohorts/<int:cohort_id>/progress")
@token_required(*STAFF)
@documented(tags=["cohorts"], query=PageQuery, responses={200: ProgressPage, 404: ErrorResponse})
def cohort_progress(cohort_id: int) -> tuple[dict[str, Any], int]:
    """The progress matrix of a cohort I follow: learners (by id) x modules."""
    query: PageQuery = request.context.query  # type: ignore[attr-defined]
    cohort = _cohort(cohort_id)
    matrix = dashboards.progress_after(
        db.session(), cohort, utcnow(), after_id=_after(query.cursor), limit=query.limit + 1
    )
    lines, following = _cut(matrix.lines, query.limit)
    items = [
        ProgressItem(
            learner=_learner(line.learner, [str(r.kind) for r in line.reasons]),
            modules=[
                ModuleProgressOut(
                    module=module.slug,
                    sections_read=cell.sections_read,
                    sections_total=cell.sections_total,
                    quiz_attempts=cell.quiz_attempts,
                    quiz_best_score=cell.quiz_best,
                    quiz_passed=cell.quiz_passed,
                    practice_status=cell.practice_status or None,
                    completed=cell.completed,
                    overdue=cell.overdue,
                )
                for module, cell in zip(matrix.modules, line.cells, strict=True)
            ],
        )
        for line in lines
    ]
    modules = [ModuleOut(slug=m.slug, title=m.title, due_on=m.due_on) for m in matrix.modules]
    return ProgressPage(modules=modules, items=items, next_cursor=following).model_dump(
        mode="json"
    ), 200


@bp.get("/cohorts/<int:cohort_id>/competencies")
@token_required(*STAFF)
@documented(tags=["cohorts"], query=PageQuery, responses={200: CompetencyPage, 404: ErrorResponse})
def cohort_competencies(cohort_id: int) -> tuple[dict[str, Any], int]:
    """The competency levels of a cohort I follow: learners (by id) x competencies."""
    query: PageQuery = request.context.query  # type: ignore[attr-defined]
    cohort = _cohort(cohort_id)
    heatmap = dashboards.heatmap_after(
        db.session(), cohort, utcnow(), after_id=_after(query.cursor), limit=query.limit + 1
    )
    lines, following = _cut(heatmap.lines, query.limit)
    competencies = [
        CompetencyOut(code=c.code, title=c.title, distribution=list(d.counts))
        for c, d in zip(heatmap.competencies, heatmap.distributions, strict=True)
    ]
    items = [
        LevelsItem(
            learner=_learner(line.learner, []),
            levels={
                c.code: level for c, level in zip(heatmap.competencies, line.levels, strict=True)
            },
        )
        for line in lines
    ]
    return CompetencyPage(competencies=competencies, items=items, next_cursor=following).model_dump(
        mode="json"
    ), 200
