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
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, event, select, update
from sqlalchemy.orm import Session

from lms.cohorts.rules import percent
from lms.learning.progress import SUMMARIES_TO_REFRESH
from lms.models import LearnerSummary, ModuleProgress
from lms.models.base import insert_missing, utcnow
from lms.models.driver import DriverStatement

#: Learners refreshed per batch by the rebuild (bounded IN lists and memory).
REBUILD_BATCH = 500

#: Practice statuses as ModuleProgress stores them.
TO_REVIEW = "submitted"


def module_cell(row: Any) -> list[Any]:
    """One module's cell of the `cells` column, from its ModuleProgress row (or any object
    with its fields): [sections read, reading completed (0/1), quiz attempts, quiz
    failures, best quiz score in whole percent or None, quiz passed (0/1), practice status]."""
    return [
        row.sections_completed or 0,
        1 if row.reading_completed_at is not None else 0,
        row.quiz_attempts or 0,
        row.quiz_failures or 0,
        percent(row.quiz_best_score),
        1 if row.quiz_passed_at is not None else 0,
        row.practice_status or "none",
    ]


def _packed(mapping: dict[str, Any]) -> str:
    # Sorted, without spaces: equal facts give equal strings, which the dashboard uses
    # as a cache key for the written cells.
    return json.dumps(mapping, sort_keys=True, separators=(",", ":"))


def _seconds(moment: datetime) -> int:
    # The `activity` column: each module's last activity, in whole seconds (UTC).
    return int(moment.timestamp())


def summary_values(rows: list[Any]) -> dict[str, Any]:
    """Every column of a learner's summary but `user_id` and `updated_at`, from their rows."""
    times = [row.last_activity_at for row in rows if row.last_activity_at is not None]
    return _values(
        {str(row.module_id): module_cell(row) for row in rows},
        {
            str(row.module_id): _seconds(row.last_activity_at)
            for row in rows
            if row.last_activity_at is not None
        },
        max(times) if times else None,
    )


def _values(
    cells: dict[str, list[Any]], activity: dict[str, int], last_activity_at: datetime | None
) -> dict[str, Any]:
    """The summary's columns from its cells (`module_cell` by module id) and activity (by
    module id); the totals are sums over the cells."""
    return {
        "cells": _packed(cells),
        "activity": _packed(activity),
        "last_activity_at": last_activity_at,
        "modules_started": len(cells),
        "sections_read": sum(cell[0] for cell in cells.values()),
        "quizzes_passed": sum(cell[5] for cell in cells.values()),
        "quiz_failures": sum(cell[3] for cell in cells.values()),
        "practice_to_review": sum(1 for cell in cells.values() if cell[6] == TO_REVIEW),
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


_SUMMARY = cast(Table, LearnerSummary.__table__)
# A quiz submission's statements, built once (a hot path): see update_module_in_summary.
# They run on the driver's cursor (lms.models.driver).
_LOCK_SUMMARY = DriverStatement(
    select(*(_SUMMARY.c[name] for name in SUMMARY_FACTS))
    .where(_SUMMARY.c.user_id == bindparam("s_user_id"))
    .with_for_update()
)
_UPDATE_SUMMARY = DriverStatement(
    update(_SUMMARY)
    .where(_SUMMARY.c.user_id == bindparam("s_user_id"))
    .values({name: bindparam(f"new_{name}") for name in (*SUMMARY_FACTS, "updated_at")})
)


@dataclass(frozen=True)
class ProgressRowValues:
    """A ModuleProgress row's values, as `module_cell` and `update_module_in_summary` read
    them (not the dashboard's lms.cohorts.rules.ModuleFacts, which it derives from cells)."""

    module_id: int
    sections_completed: int | None
    reading_completed_at: datetime | None
    quiz_attempts: int | None
    quiz_failures: int | None
    quiz_best_score: float | None
    quiz_passed_at: datetime | None
    practice_status: str | None
    last_activity_at: datetime | None


def update_module_in_summary(session: Session, user_id: int, row: Any) -> None:
    """After a change to one of the learner's ModuleProgress rows (`row`: its new values,
    any object with its fields), update their summary from what it holds: that module's
    cell and activity, and the totals. Two statements, without reading the learner's
    other rows (a quiz submission's path); the caller commits.

    The other modules' cells are as the summary holds them, kept in the same transaction
    as their rows. Their activity is as last refreshed (to the day, like the lesson
    visits that change it). A learner marked by `module_progress`, or without a summary
    yet, gets a full `refresh_learner_summary` instead.
    """
    marked = session.info.get(SUMMARIES_TO_REFRESH)
    connection = session.connection()
    current = None
    if not marked or user_id not in marked:
        current = _LOCK_SUMMARY.first(connection, {"s_user_id": user_id})
    if current is None:
        refresh_learner_summary(session, [user_id])
        return
    old = dict(zip(SUMMARY_FACTS, current, strict=True))
    key = str(row.module_id)
    cells = json.loads(old["cells"])
    cells[key] = module_cell(row)
    activity = json.loads(old["activity"])
    last = old["last_activity_at"]
    if row.last_activity_at is not None:
        activity[key] = _seconds(row.last_activity_at)
        last = row.last_activity_at if last is None else max(last, row.last_activity_at)
    values = _values(cells, activity, last)
    if any(values[name] != old[name] for name in SUMMARY_FACTS):
        _UPDATE_SUMMARY.execute(
            connection,
            {
                "s_user_id": user_id,
                "new_updated_at": utcnow(),
                **{f"new_{name}": values[name] for name in SUMMARY_FACTS},
            },
        )


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
    insert_missing(session.connection(), _SUMMARY, rows, ["user_id"])


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
