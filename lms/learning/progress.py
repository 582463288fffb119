"""Access to a learner's per-module progress summary, shared by reading, quizzes and practice."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.models import ModuleProgress
from lms.models.base import utcnow

ACTIVITY_RESOLUTION = timedelta(minutes=1)
#: Learners whose summary (lms.learning.summary) must be refreshed before the session commits.
SUMMARIES_TO_REFRESH = "escales.summaries_to_refresh"


def module_progress(session: Session, user_id: int, module_id: int) -> ModuleProgress:
    """The learner's progress row for a module, created on first use (safe under concurrency).

    Marks activity now (to the minute); the caller commits. A new row, or the first
    activity of a new day, marks the learner's summary to be refreshed before the commit
    (the summary shows modules opened and activity to the day).
    """
    query = select(ModuleProgress).where(
        ModuleProgress.user_id == user_id, ModuleProgress.module_id == module_id
    )
    row = session.scalar(query)
    created = row is None
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
    last = row.last_activity_at
    if created or last is None or last.date() != now.date():
        session.info.setdefault(SUMMARIES_TO_REFRESH, set()).add(user_id)
    if last is None or now - last >= ACTIVITY_RESOLUTION:
        row.last_activity_at = now
    return row
