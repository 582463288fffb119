"""CSV reports of a cohort: progress matrix, competency levels, quiz attempts.

The files open directly in Excel with accents intact: UTF-8 with a byte-order
mark, semicolons between columns (the list separator of a French Excel), CRLF
line ends, scores as whole percentages (no decimal separator to misread),
dates as YYYY-MM-DD. A cell a spreadsheet would read as a formula (a name
starting with "=", "+", "-" or "@") is written with a leading apostrophe.

The progress and competency reports are built from the very objects the
dashboards show (lms.cohorts.dashboards), so they hold the same numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, tzinfo
from functools import cache
from typing import Any

from flask_babel import get_timezone
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.cohorts import wording
from lms.cohorts.dashboards import Heatmap, ProgressMatrix, active_learner_ids
from lms.cohorts.rules import percent
from lms.csvsafe import safe_cell
from lms.models import Attempt, AttemptStatus, Cohort, Module, Theme, User

BOM = "\ufeff"
DELIMITER = ";"


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A CSV file in UTF-8 with a byte-order mark, semicolon-separated, CRLF line ends."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue().encode("utf-8")


def local_date(moment: datetime | None, zone: tzinfo) -> str:
    """A timestamp as the date it was in time zone `zone` (YYYY-MM-DD)."""
    return moment.astimezone(zone).date().isoformat() if moment else ""


def local_time(moment: datetime | None, zone: tzinfo) -> str:
    """A timestamp in time zone `zone` (YYYY-MM-DD HH:MM)."""
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else ""


def progress_csv(matrix: ProgressMatrix) -> bytes:
    """The progress matrix: one line per learner, three columns per module."""
    header = [
        _("Name"),
        _("E-mail"),
        _("Joined on"),
        _("Last activity"),
        _("Modules completed (of %(total)d)", total=len(matrix.modules)),
        _("At risk"),
    ]
    for number, module in enumerate(matrix.modules, start=1):
        title = f"{number}. {module.title}"
        header += [
            _(
                "%(module)s — sections read (of %(total)d)",
                module=title,
                total=module.section_count,
            ),
            _("%(module)s — best quiz score (%%)", module=title),
            _("%(module)s — practical work", module=title),
        ]
    zone = get_timezone() or UTC
    labels = wording.practice_statuses()
    reason = cache(wording.reason)  # learners share reasons: translate each one once
    rows = []
    for line in matrix.lines:
        learner = line.learner
        row: list[Any] = [
            learner.name,
            learner.email,
            local_date(learner.joined_at, zone),
            local_date(learner.last_activity_at, zone),
            sum(1 for cell in line.cells if cell.completed),
            "; ".join(reason(item) for item in line.reasons),
        ]
        for cell in line.cells:
            row += [
                cell.sections_read,
                cell.quiz_best if cell.quiz_best is not None else "",
                labels.get(cell.practice_status, cell.practice_status),
            ]
        rows.append(row)
    return to_csv(header, rows)


def competencies_csv(heatmap: Heatmap) -> bytes:
    """The competency levels: one line per learner, one column per competency (level 0-4)."""
    header = [_("Name"), _("E-mail")] + [f"{c.code} — {c.title}" for c in heatmap.competencies]
    rows = [[line.learner.name, line.learner.email, *line.levels] for line in heatmap.lines]
    return to_csv(header, rows)


def attempts_csv(session: Session, cohort: Cohort) -> bytes:
    """Every submitted quiz attempt of the cohort's active learners; one query."""
    query = (
        select(
            User.name,
            User.email,
            Module.title,
            Attempt.number,
            Attempt.started_at,
            Attempt.submitted_at,
            Attempt.score,
            Attempt.passed,
        )
        .join(User, User.id == Attempt.user_id)
        .join(Module, Module.id == Attempt.module_id)
        .join(Theme, Theme.id == Module.theme_id)
        .where(
            Attempt.user_id.in_(active_learner_ids(cohort.id)),
            Attempt.status == AttemptStatus.SUBMITTED,
        )
        .order_by(User.name, User.id, Theme.position, Module.position, Attempt.number)
    )
    header = [
        _("Name"),
        _("E-mail"),
        _("Module"),
        _("Attempt"),
        _("Started"),
        _("Submitted"),
        _("Score (%)"),
        _("Passed"),
    ]
    zone = get_timezone() or UTC
    yes, no = _("Yes"), _("No")
    rows = (
        [
            row.name,
            row.email,
            row.title,
            row.number,
            local_time(row.started_at, zone),
            local_time(row.submitted_at, zone),
            percent(row.score) if row.score is not None else "",
            yes if row.passed else no,
        ]
        for row in session.execute(query)
    )
    return to_csv(header, rows)
