"""Export learning records (xAPI statements) for a learner, a cohort or a period.

Who sees what follows lms.access: a learner their own statements; a trainer those of the
learners of the cohorts they train; an org admin those of their organisation's people and
cohorts; an admin everyone's. Pages are ordered by (timestamp, id) with an opaque keyset
cursor, so a page never skips or repeats a statement while new ones are recorded.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from lms.access import can_access_cohort, trains_learner, visible_cohort_ids
from lms.models import Cohort, CohortMembership, CohortRole, Role, User, XapiStatement


class ExportRefused(Exception):
    """The viewer may not read these statements (`status` 403) or the cohort is unknown (404)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


class BadCursor(ValueError):
    """The cursor was not produced by this API."""


@dataclass(frozen=True)
class StatementFilter:
    """What to export: a learner, a cohort, a period (all optional)."""

    user_id: int | None = None
    cohort_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class StatementPage:
    """Statements in time order and the cursor of the next page (None at the end)."""

    statements: list[dict[str, Any]]
    next_cursor: str | None


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def encode_cursor(occurred_at: datetime, statement_id: str) -> str:
    """An opaque cursor after this statement."""
    raw = json.dumps([occurred_at.isoformat(), statement_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """The (timestamp, id) a cursor points after; BadCursor if it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        moment, statement_id = json.loads(raw)
        when = _aware(datetime.fromisoformat(moment))
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as error:
        raise BadCursor(cursor) from error
    if when is None or not isinstance(statement_id, str):
        raise BadCursor(cursor)
    return when, statement_id


def _learners_of(cohort_ids: Select[Any]) -> Select[Any]:
    return select(CohortMembership.user_id).where(
        CohortMembership.cohort_id.in_(cohort_ids),
        CohortMembership.role == CohortRole.LEARNER,
        CohortMembership.removed_at.is_(None),
    )


def scoped_query(session: Session, viewer: User, wanted: StatementFilter) -> Select[Any]:
    """The SELECT of the statements `viewer` may export, narrowed by `wanted`.

    Raises ExportRefused for a learner or cohort outside the viewer's reach.
    """
    query = select(XapiStatement)
    if wanted.cohort_id is not None:
        cohort = session.get(Cohort, wanted.cohort_id)
        if cohort is None:
            raise ExportRefused(404, "No such cohort.")
        if not can_access_cohort(viewer, cohort):
            raise ExportRefused(403, "You do not follow this cohort.")
        query = query.where(
            XapiStatement.user_id.in_(_learners_of(select(Cohort.id).where(Cohort.id == cohort.id)))
        )
    if wanted.user_id is not None:
        if wanted.user_id != viewer.id and not trains_learner(viewer, wanted.user_id):
            raise ExportRefused(403, "You may not read this learner's records.")
        query = query.where(XapiStatement.user_id == wanted.user_id)
    if wanted.user_id is None and wanted.cohort_id is None and viewer.role != Role.ADMIN:
        query = query.where(_reach(viewer))
    if wanted.since is not None:
        query = query.where(XapiStatement.occurred_at >= _aware(wanted.since))
    if wanted.until is not None:
        query = query.where(XapiStatement.occurred_at < _aware(wanted.until))
    return query


def _reach(viewer: User) -> Any:
    """Whose statements a non-admin may read without naming a learner or a cohort."""
    own = XapiStatement.user_id == viewer.id
    if viewer.role == Role.LEARNER:
        return own
    reach = [own, XapiStatement.user_id.in_(_learners_of(visible_cohort_ids(viewer)))]
    if viewer.role == Role.ORG_ADMIN and viewer.organisation_id is not None:
        members = select(User.id).where(User.organisation_id == viewer.organisation_id)
        reach.append(XapiStatement.user_id.in_(members))
    return or_(*reach)


def statements_page(
    session: Session, viewer: User, wanted: StatementFilter, limit: int, cursor: str | None
) -> StatementPage:
    """One page of statements, oldest first."""
    query = scoped_query(session, viewer, wanted)
    if cursor:
        after_time, after_id = decode_cursor(cursor)
        query = query.where(
            or_(
                XapiStatement.occurred_at > after_time,
                and_(XapiStatement.occurred_at == after_time, XapiStatement.id > after_id),
            )
        )
    rows = list(
        session.scalars(
            query.order_by(XapiStatement.occurred_at, XapiStatement.id).limit(limit + 1)
        )
    )
    following = None
    if len(rows) > limit:
        rows = rows[:limit]
        following = encode_cursor(rows[-1].occurred_at, rows[-1].id)
    return StatementPage([row.statement for row in rows], following)


def iter_statements(
    session: Session, viewer: User, wanted: StatementFilter, chunk: int = 500
) -> Iterator[dict[str, Any]]:
    """Every statement the viewer may export (for downloads), read page by page."""
    cursor = None
    while True:
        page = statements_page(session, viewer, wanted, chunk, cursor)
        yield from page.statements
        if page.next_cursor is None:
            return
        cursor = page.next_cursor
