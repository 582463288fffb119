"""Generated data for the benchmarks: an organisation of 10,000 learners in 100 cohorts.

Builds on the cohort generator of bench/cohort_dashboard.py (`generate_cohort`:
learners, memberships, progress in the 12 modules with each learner's progress
summary, two quiz attempts per module and a level for every competency, all
inserted in bulk) and adds what a page
reads beside it: the SectionProgress rows behind each learner's progress, and
the accounts the benchmarks sign in with (learners with a password, a trainer
of the big cohort, API tokens).

Everything runs in an application context on the benchmark's database (the
app of `cohort_dashboard.make_app`), and inserts with `insert()` in batches.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, select, text
from werkzeug.security import generate_password_hash

from bench.cohort_dashboard import generate_cohort
from config import Config
from lms.auth.services import create_api_token
from lms.extensions import db
from lms.models import (
    CohortMembership,
    CohortRole,
    Module,
    ModuleProgress,
    Organisation,
    Role,
    Section,
    SectionProgress,
    User,
)
from lms.models.base import utcnow

#: The password of every account the benchmarks sign in with.
PASSWORD = "bench-password-1"
TRAINER_EMAIL = "trainer@bench.test"
BATCH = 20_000  # rows per INSERT statement batch


@dataclass(frozen=True)
class Population:
    """What generate_population made: ids the benchmarks need."""

    organisation_id: int
    organisation_slug: str
    cohort_ids: list[int]
    big_cohort_id: int
    learners: int
    section_rows: int


def cohort_sizes(learners: int, cohorts: int, big: int) -> list[int]:
    """One cohort of `big` learners, the others sharing the rest as evenly as possible."""
    if cohorts < 1 or big > learners:
        raise ValueError("need at least one cohort, and no more learners in it than in all")
    rest, others = learners - big, cohorts - 1
    if others == 0:
        return [learners]
    share, extra = divmod(rest, others)
    if share == 0:
        raise ValueError(f"{learners} learners cannot fill {cohorts} cohorts beside one of {big}")
    return [big] + [share + (1 if n < extra else 0) for n in range(others)]


def generate_population(
    learners: int = 10_000, cohorts: int = 100, big: int = 1_000, seed: int = 1
) -> Population:
    """An organisation whose `learners` learners are spread over `cohorts` cohorts; commits.

    The first cohort has `big` learners (the dashboard benchmark reads a page of it).
    """
    org = Organisation(slug="bench", name="Réseau généré")
    db.session.add(org)
    db.session.flush()
    cohort_ids = []
    for number, size in enumerate(cohort_sizes(learners, cohorts, big), start=1):
        cohort = generate_cohort(f"Promotion {number:03d}", org, size, seed=seed * 1000 + number)
        cohort_ids.append(cohort.id)
    section_rows = add_section_progress(random.Random(seed))
    db.session.commit()
    analyze()
    return Population(org.id, org.slug, cohort_ids, cohort_ids[0], learners, section_rows)


def add_section_progress(rng: random.Random) -> int:
    """The SectionProgress rows behind every ModuleProgress that has none yet.

    A learner who read k sections of a module read its first k (in order),
    which is what `sections_completed` counts. Returns the number of rows.
    """
    sections: dict[int, list[int]] = {}
    for module_id, section_id in db.session.execute(
        select(Section.module_id, Section.id).order_by(Section.module_id, Section.position)
    ):
        sections.setdefault(module_id, []).append(section_id)
    rows = db.session.execute(
        select(
            ModuleProgress.user_id,
            ModuleProgress.module_id,
            ModuleProgress.sections_completed,
            ModuleProgress.started_at,
        ).where(
            ~select(SectionProgress.id)
            .join(Section, Section.id == SectionProgress.section_id)
            .where(
                SectionProgress.user_id == ModuleProgress.user_id,
                Section.module_id == ModuleProgress.module_id,
            )
            .exists()
        )
    ).all()

    def generated() -> Iterator[dict[str, Any]]:
        for user_id, module_id, read, started in rows:
            for position, section_id in enumerate(sections.get(module_id, [])[:read]):
                seen = started + timedelta(hours=position, minutes=rng.randint(0, 50))
                yield {
                    "user_id": user_id,
                    "section_id": section_id,
                    "first_viewed_at": seen,
                    "completed_at": seen + timedelta(minutes=rng.randint(3, 20)),
                }

    return insert_in_batches(SectionProgress, generated())


def insert_in_batches(model: Any, rows: Iterator[dict[str, Any]]) -> int:
    """Bulk-insert `rows` in batches of BATCH; returns how many."""
    count, batch = 0, []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            db.session.execute(insert(model), batch)
            count, batch = count + len(batch), []
    if batch:
        db.session.execute(insert(model), batch)
        count += len(batch)
    return count


def analyze() -> None:
    """Fresh planner statistics, as a live database has (PostgreSQL and SQLite)."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))


@dataclass(frozen=True)
class Account:
    """An account the benchmarks sign in with."""

    id: int
    email: str
    password: str = PASSWORD


def add_learners(prefix: str, count: int, organisation_id: int | None) -> list[Account]:
    """`count` learners who can sign in with PASSWORD; commits.

    They share one password hash, computed once with the production method
    (scrypt by default), so signing in costs what it costs in production while
    creating 200 accounts takes no time.
    """
    password_hash = generate_password_hash(PASSWORD, method=Config.PASSWORD_HASH_METHOD)
    now = utcnow()
    emails = [f"{prefix}-{n:04d}@bench.test" for n in range(count)]
    db.session.execute(
        insert(User),
        [
            {
                "email": email,
                "name": f"Apprenant·e {prefix} {n:04d}",
                "password_hash": password_hash,
                "role": Role.LEARNER,
                "organisation_id": organisation_id,
                "locale": "fr",
                "active": True,
                "created_at": now,
            }
            for n, email in enumerate(emails)
        ],
    )
    db.session.commit()
    ids = dict(db.session.execute(select(User.email, User.id).where(User.email.in_(emails))).all())
    return [Account(ids[email], email) for email in emails]


def add_trainer(organisation_id: int, cohort_ids: Sequence[int]) -> Account:
    """A trainer of the given cohorts who can sign in with PASSWORD; commits."""
    trainer = User(
        email=TRAINER_EMAIL,
        name="Formatrice générée",
        password_hash=generate_password_hash(PASSWORD, method=Config.PASSWORD_HASH_METHOD),
        role=Role.TRAINER,
        organisation_id=organisation_id,
    )
    db.session.add(trainer)
    db.session.flush()
    db.session.execute(
        insert(CohortMembership),
        [
            {
                "cohort_id": cid,
                "user_id": trainer.id,
                "role": CohortRole.TRAINER,
                "joined_at": utcnow(),
            }
            for cid in cohort_ids
        ],
    )
    db.session.commit()
    return Account(trainer.id, trainer.email)


def api_tokens(accounts: Sequence[Account]) -> list[str]:
    """One bearer token for each account (commits each)."""
    return [create_api_token(db.session.get_one(User, a.id), "bench") for a in accounts]


def module_slugs_by_size() -> tuple[list[str], dict[str, int], dict[str, int]]:
    """Live module slugs, with their number of sections and of live questions."""
    from lms.quiz.services import live_questions

    modules = list(db.session.scalars(select(Module).where(Module.retired_at.is_(None))))
    sections = {m.slug: m.section_count for m in modules}
    questions = {m.slug: len(live_questions(db.session(), m.id)) for m in modules}
    return [m.slug for m in modules], sections, questions
