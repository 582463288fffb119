"""Access to a learner's per-module progress summary, shared by reading, quizzes and practice."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.models import ModuleProgress
from lms.models.base import utcnow

ACTIVITY_RESOLUTION = timedelta(minutes=1)


def module_progress(session: Session, user_id: int, module_id: int) -> ModuleProgress:
    """The learner's progress row for a module, created on first use (safe under concurrency).

    Marks activity now (to the minute); the caller commits.
    """
    query = select(ModuleProgress).where(
        ModuleProgress.user_id == user_id, ModuleProgress.module_id == module_id
    )
    row = session.scalar(query)
    if row is None:
        try:
            with session.begin_nested():
                row = ModuleProgress(user_id=user_id, module_id=module_id)
                session.add(row)
        except IntegrityError:
            # Another request created it between our read and our insert.
            row = session.scalar(query)
            assert row is not None
    now = utcnow()
    # Activity is kept to the minute: a page view within the same minute writes nothing,
    # so reading a lesson does not turn every request into a database write.
    if row.last_activity_at is None or now - row.last_activity_at >= ACTIVITY_RESOLUTION:
        row.last_activity_at = now
    return row
