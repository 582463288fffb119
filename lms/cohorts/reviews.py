"""Reviewing practical work: the queue of submissions waiting for a trainer, and a review.

The review itself is recorded by lms.practice.services.record_review (rubric
levels checked, score, status, module progress, PRACTICE evidence); this module
finds what a trainer may review and adds the audit record in the same
transaction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from lms import access
from lms.audit import record_audit
from lms.models import (
    Cohort,
    CohortMembership,
    CohortRole,
    Module,
    PracticeReview,
    PracticeSubmission,
    ReviewDecision,
    Role,
    SubmissionStatus,
    User,
)
from lms.pagination import Page
from lms.practice.services import record_review


def reviewable_learner_ids(user: User, cohort_id: int | None = None) -> Select[Any]:
    """The learners whose work `user` reviews: active learners of the cohorts they follow
    (or of one of them), and for an org admin the people of their organisation."""
    cohorts = access.visible_cohort_ids(user)
    if cohort_id is not None:
        cohorts = select(Cohort.id).where(Cohort.id == cohort_id, Cohort.id.in_(cohorts))
    in_cohorts = select(CohortMembership.user_id).where(
        CohortMembership.cohort_id.in_(cohorts),
        CohortMembership.role == CohortRole.LEARNER,
        CohortMembership.removed_at.is_(None),
    )
    if cohort_id is None and user.role == Role.ORG_ADMIN and user.organisation_id is not None:
        of_org = select(User.id).where(User.organisation_id == user.organisation_id)
        return select(User.id).where(User.id.in_(in_cohorts) | User.id.in_(of_org))
    if cohort_id is None and user.role == Role.ADMIN:
        return select(User.id)
    return in_cohorts


@dataclass(frozen=True)
class QueueItem:
    """A submitted version waiting for review."""

    submission_id: int
    learner_id: int
    learner_name: str
    module_title: str
    version: int
    submitted_at: datetime
    cohorts: list[str]


def review_queue(
    session: Session,
    user: User,
    *,
    cohort_id: int | None,
    module_id: int | None,
    number: int,
    size: int,
) -> Page:
    """Submitted work `user` may review, oldest first (first come, first served); three queries."""
    query = (
        select(
            PracticeSubmission.id,
            PracticeSubmission.user_id,
            User.name,
            Module.title,
            PracticeSubmission.version,
            PracticeSubmission.submitted_at,
        )
        .join(User, User.id == PracticeSubmission.user_id)
        .join(Module, Module.id == PracticeSubmission.module_id)
        .where(
            PracticeSubmission.status == SubmissionStatus.SUBMITTED,
            PracticeSubmission.user_id.in_(reviewable_learner_ids(user, cohort_id)),
        )
    )
    if module_id is not None:
        query = query.where(PracticeSubmission.module_id == module_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // size))
    number = min(max(1, number), pages)
    rows = session.execute(
        query.order_by(PracticeSubmission.submitted_at, PracticeSubmission.id)
        .limit(size)
        .offset((number - 1) * size)
    ).all()
    learner_ids = {row.user_id for row in rows}
    cohorts: dict[int, list[str]] = defaultdict(list)
    if learner_ids:
        for learner_id, name in session.execute(
            select(CohortMembership.user_id, Cohort.name)
            .join(Cohort, Cohort.id == CohortMembership.cohort_id)
            .where(
                CohortMembership.user_id.in_(learner_ids),
                CohortMembership.role == CohortRole.LEARNER,
                CohortMembership.removed_at.is_(None),
                Cohort.id.in_(access.visible_cohort_ids(user)),
            )
            .order_by(Cohort.name)
        ):
            cohorts[learner_id].append(name)
    items = [
        QueueItem(
            submission_id=row.id,
            learner_id=row.user_id,
            learner_name=row.name,
            module_title=row.title,
            version=row.version,
            submitted_at=row.submitted_at,
            cohorts=cohorts[row.user_id],
        )
        for row in rows
    ]
    return Page(items=items, number=number, size=size, total=total)


def queue_filters(
    session: Session, user: User
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The cohorts and modules a trainer can filter the queue by."""
    cohorts = [
        (row.id, row.name)
        for row in session.execute(
            select(Cohort.id, Cohort.name)
            .where(Cohort.id.in_(access.visible_cohort_ids(user)))
            .order_by(Cohort.name)
        )
    ]
    modules = [
        (row.id, row.title)
        for row in session.execute(
            select(Module.id, Module.title)
            .where(Module.retired_at.is_(None))
            .order_by(Module.theme_id, Module.position)
        )
    ]
    return cohorts, modules


def submission_for_review(session: Session, submission_id: int) -> PracticeSubmission | None:
    """A submission with its practice, module, files and reviews loaded (two queries)."""
    return session.scalar(
        select(PracticeSubmission)
        .where(PracticeSubmission.id == submission_id)
        .options(
            selectinload(PracticeSubmission.practice),
            selectinload(PracticeSubmission.module),
            selectinload(PracticeSubmission.attachments),
            selectinload(PracticeSubmission.reviews),
        )
    )


def review(
    session: Session,
    submission: PracticeSubmission,
    reviewer: User,
    *,
    levels: list[int],
    decision: ReviewDecision,
    feedback_md: str,
    organisation_id: int | None,
) -> PracticeReview:
    """Record the review (lms.practice.services.record_review) with its audit event; commits once.

    PracticeError when the work is not awaiting review or the levels do not fit the rubric;
    nothing is recorded then.
    """
    record_audit(
        session,
        actor=reviewer,
        action="practice.reviewed",
        target_type="user",
        target_id=submission.user_id,
        organisation_id=organisation_id,
        details={
            "submission_id": submission.id,
            "module": submission.module.slug,
            "version": submission.version,
            "decision": str(decision),
            "levels": list(levels),
        },
    )
    try:
        return record_review(session, submission, reviewer, levels, decision, feedback_md)
    except Exception:
        session.rollback()
        raise
