"""Helpers of the cohort tests: a small world of organisations, cohorts and people, and
ways to give learners progress through the real services."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event, select

from lms.courses.services import mark_section_read
from lms.extensions import db
from lms.learning.progress import module_progress
from lms.learning.summary import refresh_learner_summary
from lms.models import (
    Cohort,
    CohortRole,
    Module,
    ModuleProgress,
    Organisation,
    Practice,
    PracticeSubmission,
    Role,
    User,
)
from lms.models.base import utcnow
from lms.practice.services import save_work
from lms.quiz.services import submit_new_attempt
from tests.factories import enrol, make_cohort, make_org, make_user

RIGHT = {"trois-piliers": "a", "budget-suffit": False}
WRONG = {"trois-piliers": "b", "budget-suffit": True}


@dataclass
class World:
    """Two organisations; in the first, cohort A (trained by `trainer`) and cohort B
    (trained by `other_trainer`); an org admin in each organisation; learners of A."""

    org: Organisation
    other_org: Organisation
    cohort: Cohort
    other_cohort: Cohort
    trainer: User
    other_trainer: User
    org_admin: User
    foreign_admin: User
    admin: User
    learners: list[User]


def make_world(learners: int = 2) -> World:
    """The usual cast (the fixture course must be loaded for progress)."""
    org = make_org(slug="reseau", name="Réseau")
    other_org = make_org(slug="ailleurs", name="Ailleurs")
    cohort = make_cohort(org, name="Promo A", join_code="CODE-A")
    other_cohort = make_cohort(org, name="Promo B", join_code="CODE-B")
    trainer = make_user(Role.TRAINER, org, email="trainer@example.org", name="Tina Trainer")
    other_trainer = make_user(Role.TRAINER, org, email="other@example.org", name="Otto Other")
    enrol(cohort, trainer, CohortRole.TRAINER)
    enrol(other_cohort, other_trainer, CohortRole.TRAINER)
    people = [
        make_user(Role.LEARNER, org, email=f"learner{n}@example.org", name=f"Learner {n:02d}")
        for n in range(1, learners + 1)
    ]
    for person in people:
        enrol(cohort, person)
    return World(
        org=org,
        other_org=other_org,
        cohort=cohort,
        other_cohort=other_cohort,
        trainer=trainer,
        other_trainer=other_trainer,
        org_admin=make_user(Role.ORG_ADMIN, org, email="orgadmin@example.org"),
        foreign_admin=make_user(Role.ORG_ADMIN, other_org, email="foreign@example.org"),
        admin=make_user(Role.ADMIN, None, email="admin@example.org"),
        learners=people,
    )


def module(slug: str = "premier-module") -> Module:
    """A module of the fixture course."""
    found = db.session.scalar(select(Module).where(Module.slug == slug))
    assert found is not None, slug
    return found


def read_all(user: User, slug: str = "premier-module") -> None:
    """Read every section of a module through the course service."""
    for section in module(slug).sections:
        mark_section_read(db.session(), user.id, slug, section.slug)


def take_quiz(
    user: User, right: bool = True, key: str | None = None, at: datetime | None = None
) -> None:
    """Submit an attempt at the first module's quiz through the quiz service (the module
    makes learners wait 30 minutes between attempts: give `at` for a retake)."""
    submit_new_attempt(
        db.session(),
        user.id,
        module(),
        key or f"test-{utcnow().timestamp()}",
        RIGHT if right else WRONG,
        at or utcnow(),
    )


def submit_work(user: User, text: str = "Mes **activités**.") -> PracticeSubmission:
    """Submit practical work for the first module through the practice service."""
    practice = db.session.scalar(select(Practice).where(Practice.module_id == module().id))
    assert practice is not None
    return save_work(db.session(), user.id, practice, text_md=text, submit=True)


def set_progress(user: User, slug: str = "premier-module", **fields: Any) -> ModuleProgress:
    """Write a learner's summary row directly (for dashboards: many learners, exact values)."""
    row = module_progress(db.session(), user.id, module(slug).id)
    for name, value in fields.items():
        setattr(row, name, value)
    # As the services do: the learner's summary follows their progress rows.
    refresh_learner_summary(db.session(), [user.id])
    db.session.commit()
    return row


def days_ago(days: float) -> datetime:
    """A moment `days` days before now."""
    return utcnow() - timedelta(days=days)


@contextmanager
def count_queries() -> Iterator[list[str]]:
    """The SQL statements run while the block runs."""
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
