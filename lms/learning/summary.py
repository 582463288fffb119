"""Each learner's progress over every module in one row (LearnerSummary), kept as they work.

A cohort's dashboard shows 50 learners x 12 modules: reading their 600
ModuleProgress rows and deriving each cell per request cost more than the rest
of the page. So every service that changes a learner's ModuleProgress rows calls
`refresh_learner_summary` before it commits, in the same transaction:

* reading (lms.courses.services.mark_section_read);
* quizzes (lms.quiz.services, after the attempt's progress update);
* practical work (lms.practice.services: saved, submitted, reviewed).

Any other use case that opens a module or is a learner's first activity of the day
goes through `lms.learning.progress.module_progress`, which marks the learner: the
marked summaries are refreshed before the session commits (a lesson visit, a quiz
started). The summary keeps activity to the day, so browsing lessons writes it at
most once a day.

The summary holds the facts, not what they mean for a cohort: completion, due
dates and risk are derived by the dashboard with the current course, so a content
load (a module retired, added, its sections changed) needs no rebuild.
`rebuild_learner_summaries` (``flask cohorts rebuild-summaries``) recomputes every
row from ModuleProgress, for an existing database; it gives the same rows as the
maintained ones (tested).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from lms.cohorts.rules import percent
from lms.learning.progress import SUMMARIES_TO_REFRESH
from lms.models import LearnerSummary, ModuleProgress
from lms.models.base import utcnow

#: Learners refreshed per batch by the rebuild (bounded IN lists and memory).
REBUILD_BATCH = 500

#: Practice statuses as ModuleProgress stores them.
TO_REVIEW = "submitted"


def pack_cells(rows: Iterable[Any]) -> str:
    """The `cells` column for a learner's ModuleProgress rows (any objects with their fields).

    JSON keyed by module id, sorted, without spaces: equal facts give equal strings,
    which the dashboard uses as a cache key for the written cells.
    """
    cells = {
        str(row.module_id): [
            row.sections_completed or 0,
            1 if row.reading_completed_at is not None else 0,
            row.quiz_attempts or 0,
            row.quiz_failures or 0,
            percent(row.quiz_best_score),
            1 if row.quiz_passed_at is not None else 0,
            row.practice_status or "none",
        ]
        for row in rows
    }
    return json.dumps(cells, sort_keys=True, separators=(",", ":"))


def pack_activity(rows: Iterable[Any]) -> str:
    """The `activity` column: each module's last activity, in whole seconds (UTC)."""
    activity = {str(row.module_id): int(row.last_activity_at.timestamp()) for row in rows}
    return json.dumps(activity, sort_keys=True, separators=(",", ":"))


def summary_values(rows: list[Any]) -> dict[str, Any]:
    """Every column of a learner's summary but `user_id` and `updated_at`, from their rows."""
    times = [row.last_activity_at for row in rows if row.last_activity_at is not None]
    return {
        "cells": pack_cells(rows),
        "activity": pack_activity(row for row in rows if row.last_activity_at is not None),
        "last_activity_at": max(times) if times else None,
        "modules_started": len(rows),
        "sections_read": sum(row.sections_completed or 0 for row in rows),
        "quizzes_passed": sum(1 for row in rows if row.quiz_passed_at is not None),
        "quiz_failures": sum(row.quiz_failures or 0 for row in rows),
        "practice_to_review": sum(1 for row in rows if row.practice_status == TO_REVIEW),
    }


#: The facts a summary holds (every column but user_id and updated_at).
SUMMARY_FACTS = (
    "cells",
    "activity",
    "last_activity_at",
    "modules_started",
    "sections_read",
    "quizzes_passed",
    "quiz_failures",
    "practice_to_review",
)


def refresh_learner_summary(session: Session, user_ids: Iterable[int]) -> None:
    """Recompute the summaries of these learners from their ModuleProgress rows.

    Call it after the last change to ModuleProgress of the transaction, before
    committing (the caller commits). Pending changes are flushed first. At most
    four statements whatever the number of learners: lock the summaries, create
    the missing ones, read the progress rows, update the summaries that changed.

    The summaries are locked before the progress is read (on PostgreSQL): two
    transactions changing the same learner's progress at once refresh one after
    the other, and the second reads what the first committed.
    """
    ids = sorted(set(user_ids))
    if not ids:
        return
    session.info.get(SUMMARIES_TO_REFRESH, set()).difference_update(ids)
    session.flush()
    current = _locked(session, ids)
    missing = [user_id for user_id in ids if user_id not in current]
    if missing:
        _insert_empty(session, missing)
        current.update(_locked(session, missing))
    progress: dict[int, list[Any]] = defaultdict(list)
    for row in session.execute(
        select(
            ModuleProgress.user_id,
            ModuleProgress.module_id,
            ModuleProgress.sections_completed,
            ModuleProgress.reading_completed_at,
            ModuleProgress.quiz_attempts,
            ModuleProgress.quiz_failures,
            ModuleProgress.quiz_best_score,
            ModuleProgress.quiz_passed_at,
            ModuleProgress.practice_status,
            ModuleProgress.last_activity_at,
        ).where(ModuleProgress.user_id.in_(ids))
    ):
        progress[row.user_id].append(row)
    now = utcnow()
    changes = []
    for user_id in ids:
        values = summary_values(progress.get(user_id, []))
        old = current[user_id]
        if any(values[name] != old[name] for name in SUMMARY_FACTS):
            changes.append({"user_id": user_id, "updated_at": now, **values})
    if changes:
        session.execute(update(LearnerSummary), changes)


def _locked(session: Session, ids: list[int]) -> dict[int, dict[str, Any]]:
    """The current summaries of these learners, locked until the transaction ends."""
    columns = [getattr(LearnerSummary, name) for name in SUMMARY_FACTS]
    rows = session.execute(
        select(LearnerSummary.user_id, *columns)
        .where(LearnerSummary.user_id.in_(ids))
        .with_for_update()
    )
    return {row.user_id: dict(row._mapping) for row in rows}


def _insert_empty(session: Session, ids: list[int]) -> None:
    """Create empty summaries for these learners; one created meanwhile is left alone."""
    now = utcnow()
    empty = summary_values([])
    rows = [{"user_id": user_id, "updated_at": now, **empty} for user_id in ids]
    statement: Any
    if session.get_bind().dialect.name == "postgresql":
        statement = postgresql_insert(LearnerSummary).values(rows)
    else:
        statement = sqlite_insert(LearnerSummary).values(rows)
    session.execute(statement.on_conflict_do_nothing(index_elements=["user_id"]))


@event.listens_for(Session, "before_commit")
def _refresh_marked_summaries(session: Session) -> None:
    """Refresh, before any commit, the summaries `module_progress` marked (a module opened
    by starting its quiz or its practical work, or the first activity of a day) that the
    use case did not refresh itself."""
    marked = session.info.pop(SUMMARIES_TO_REFRESH, None)
    if marked:
        refresh_learner_summary(session, marked)


def rebuild_learner_summaries(session: Session, batch: int = REBUILD_BATCH) -> int:
    """Recompute every learner's summary from ModuleProgress (existing databases, after a
    migration or a manual change); commits each batch. Returns how many learners it read.

    Learners with progress or a summary are refreshed; a summary whose learner has no
    progress left becomes empty.
    """
    ids = sorted(
        set(session.scalars(select(ModuleProgress.user_id).distinct()))
        | set(session.scalars(select(LearnerSummary.user_id)))
    )
    for start in range(0, len(ids), batch):
        refresh_learner_summary(session, ids[start : start + batch])
        session.commit()
    return len(ids)
