"""The learner summary (lms.learning.summary): kept as learners work, equal to a rebuild,
and what the cohort dashboard reads instead of the learners' progress rows."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select, update

from lms.courses.services import open_section
from lms.extensions import db
from lms.learning.summary import (
    SUMMARY_FACTS,
    rebuild_learner_summaries,
    refresh_learner_summary,
)
from lms.models import LearnerSummary, ModuleProgress, ReviewDecision
from lms.models.base import utcnow
from lms.practice.services import record_review
from tests.integration.cohorts.helpers import (
    count_queries,
    make_world,
    module,
    read_all,
    set_progress,
    submit_work,
    take_quiz,
)


def _summaries() -> dict[int, tuple]:
    db.session.expire_all()
    return {
        row.user_id: tuple(getattr(row, name) for name in SUMMARY_FACTS)
        for row in db.session.scalars(select(LearnerSummary))
    }


def _cells(user) -> dict:
    summary = db.session.get(LearnerSummary, user.id, populate_existing=True)
    assert summary is not None
    return json.loads(summary.cells)


def _rebuilt_equals_maintained() -> None:
    maintained = _summaries()
    db.session.execute(db.delete(LearnerSummary))
    db.session.commit()
    rebuild_learner_summaries(db.session(), batch=1)
    assert _summaries() == maintained


def test_reading_and_practical_work_keep_the_summary_equal_to_a_rebuild(course, app):
    world = make_world(learners=3)
    ana, bob, _cleo = world.learners
    first = module()
    read_all(ana)
    assert _cells(ana)[str(first.id)][:2] == [len(first.sections), 1]
    submission = submit_work(bob)
    assert _cells(bob)[str(first.id)][6] == "submitted"
    assert db.session.get(LearnerSummary, bob.id).practice_to_review == 1
    record_review(db.session(), submission, world.trainer, [4], ReviewDecision.ACCEPTED, "Bien.")
    assert _cells(bob)[str(first.id)][6] == "accepted"
    assert db.session.get(LearnerSummary, bob.id).practice_to_review == 0
    _rebuilt_equals_maintained()


def test_a_quiz_submission_updates_the_summary(course, app):
    """The quiz service refreshes the summary after the attempt's progress update."""
    world = make_world(learners=1)
    (ana,) = world.learners
    read_all(ana)
    take_quiz(ana, right=False)
    take_quiz(ana, right=True, at=utcnow() + timedelta(hours=1))
    attempts, failures, best, passed = _cells(ana)[str(module().id)][2:6]
    assert (attempts, failures, best, passed) == (2, 1, 100, 1)
    assert db.session.get(LearnerSummary, ana.id).quizzes_passed == 1
    _rebuilt_equals_maintained()


def test_a_retake_updates_its_module_in_the_summary_without_reading_the_others(course, app):
    """From the learner's second submission on, the quiz updates its module's cell and the
    totals from the summary itself: two statements on the summary, no progress rows
    read; the other modules' cells stay as they were, and a rebuild gives the same."""
    world = make_world(learners=1)
    (ana,) = world.learners
    first, second = module(), module("second-module")
    read_all(ana, "second-module")
    submit_work(ana)
    take_quiz(ana, right=False)  # the module's first attempt: a full refresh
    other_cell = _cells(ana)[str(second.id)]
    with count_queries() as statements:
        take_quiz(ana, right=True, at=utcnow() + timedelta(hours=1))
    summary_statements = [s for s in statements if "learner_summary" in s]
    assert len(summary_statements) == 2
    progress_reads = [
        s for s in statements if s.lstrip().startswith("SELECT") and "FROM module_progress" in s
    ]
    # Only the submitted module's row (locked by the submission), not all the learner's.
    assert progress_reads and all("module_progress.module_id = " in s for s in progress_reads)
    cells = _cells(ana)
    assert cells[str(first.id)][2:7] == [2, 1, 100, 1, "submitted"]
    assert cells[str(second.id)] == other_cell == [len(second.sections), 1, 0, 0, None, 0, "none"]
    summary = db.session.get(LearnerSummary, ana.id, populate_existing=True)
    assert (summary.modules_started, summary.quizzes_passed, summary.quiz_failures) == (2, 1, 1)
    assert (summary.sections_read, summary.practice_to_review) == (len(second.sections), 1)
    _rebuilt_equals_maintained()


def test_a_lesson_visit_writes_the_summary_once_a_day(course, app):
    world = make_world(learners=1)
    (ana,) = world.learners
    first = module()
    section = first.sections[0]
    open_section(db.session(), ana.id, first.slug, section.slug)
    assert str(first.id) in _cells(ana)  # the module shows as opened
    written = db.session.get(LearnerSummary, ana.id).updated_at
    open_section(db.session(), ana.id, first.slug, first.sections[1].slug)
    open_section(db.session(), ana.id, first.slug, section.slug)
    assert db.session.get(LearnerSummary, ana.id, populate_existing=True).updated_at == written
    # The next day's first visit writes the day's activity.
    yesterday = utcnow() - timedelta(days=1)
    db.session.execute(
        update(ModuleProgress)
        .where(ModuleProgress.user_id == ana.id)
        .values(last_activity_at=yesterday)
    )
    refresh_learner_summary(db.session(), [ana.id])
    db.session.commit()
    open_section(db.session(), ana.id, first.slug, section.slug)
    summary = db.session.get(LearnerSummary, ana.id, populate_existing=True)
    assert summary.last_activity_at > yesterday + timedelta(hours=12)
    _rebuilt_equals_maintained()


def test_the_matrix_reads_summaries_not_progress_rows(course, client, auth):
    world = make_world(learners=3)
    ana, bob, _cleo = world.learners
    read_all(ana)
    set_progress(bob, sections_completed=1, practice_status="submitted")
    auth.login(world.trainer.email)
    client.get(f"/cohorts/{world.cohort.id}")  # warm the process's caches
    with count_queries() as statements:
        page = client.get(f"/cohorts/{world.cohort.id}").get_data(as_text=True)
    assert "2/2" in page and "1/2" in page
    assert not [s for s in statements if "module_progress" in s]
    assert not [s for s in statements if "GROUP BY" in s.upper()]


def test_a_learner_without_summary_shows_as_not_started(course, client, auth):
    """A database not rebuilt yet (or a learner who never started) shows empty cells."""
    world = make_world(learners=1)
    (ana,) = world.learners
    auth.login(world.trainer.email)
    page = client.get(f"/cohorts/{world.cohort.id}").get_data(as_text=True)
    assert "cell-empty" in page and ana.email in page


def test_a_module_opened_by_starting_its_quiz_shows_in_the_summary(course, app):
    from lms.quiz.services import start_attempt

    world = make_world(learners=1)
    (ana,) = world.learners
    first = module()
    start_attempt(db.session(), ana.id, first, "start-only", utcnow())
    db.session.commit()
    assert str(first.id) in _cells(ana)  # no submission yet: the module shows as opened
    assert db.session.get(LearnerSummary, ana.id).last_activity_at is not None
    _rebuilt_equals_maintained()
