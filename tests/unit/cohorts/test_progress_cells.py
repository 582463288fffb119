"""The progress matrix's cells and when a list needs the learners' totals (pure pieces)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from lms.cohorts.dashboards import ProgressCell, needs_totals, progress_cell
from lms.cohorts.rules import FollowedModule, LearnerQuery, ModuleFacts

TODAY = date(2025, 3, 20)


def module(*, due_on: date | None = None, practice: bool = True) -> FollowedModule:
    return FollowedModule(
        id=1,
        slug="m1",
        title="Module 1",
        section_count=4,
        has_quiz=True,
        has_practice=practice,
        due_on=due_on,
    )


def facts(**values: object) -> ModuleFacts:
    return ModuleFacts(module_id=1, last_activity_at=datetime(2025, 3, 1, tzinfo=UTC), **values)  # type: ignore[arg-type]


def test_a_module_never_opened_is_an_empty_cell():
    cell = progress_cell(module(), None, TODAY)
    assert cell == ProgressCell(0, 4, 0, None, False, True, "none", False, False)
    assert cell.state == "empty"
    assert progress_cell(module(practice=False), None, TODAY).practice_status == ""


def test_a_cell_shows_sections_score_and_work_and_its_state_follows_the_rules():
    started = progress_cell(module(), facts(sections_read=2, practice_status="draft"), TODAY)
    assert (started.sections_read, started.quiz_best, started.state) == (2, None, "started")
    done = facts(
        sections_read=9,  # never more than the module has
        reading_completed=True,
        quiz_attempts=1,
        quiz_best_score=0.825,
        quiz_passed=True,
    )
    cell = progress_cell(module(due_on=date(2025, 3, 1)), done, TODAY)
    assert (cell.sections_read, cell.quiz_best, cell.quiz_passed) == (4, 83, True)
    assert cell.completed and not cell.overdue and cell.state == "done"


def test_a_module_past_its_due_date_and_not_completed_is_overdue():
    late = progress_cell(module(due_on=date(2025, 3, 19)), facts(sections_read=1), TODAY)
    assert late.overdue and late.state == "overdue"
    on_the_day = progress_cell(module(due_on=TODAY), facts(sections_read=1), TODAY)
    assert not on_the_day.overdue


def test_equal_cells_are_equal_so_a_page_writes_each_once():
    assert progress_cell(module(), None, TODAY) == progress_cell(module(), None, TODAY)
    assert len({progress_cell(module(), None, TODAY) for _ in range(3)}) == 1


def test_only_filters_and_sorts_on_totals_need_them():
    assert not needs_totals(LearnerQuery())
    assert not needs_totals(LearnerQuery(sort="email", descending=True, q="ana"))
    assert not needs_totals(LearnerQuery(sort="joined"))
    assert not needs_totals(LearnerQuery(sort="c:TST-01"))
    assert needs_totals(LearnerQuery(sort="activity"))
    assert needs_totals(LearnerQuery(sort="progress"))
    for status in ("at_risk", "inactive", "quiz_failed", "overdue", "to_review"):
        assert needs_totals(LearnerQuery(status=status))
