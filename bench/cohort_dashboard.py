"""Benchmark: a trainer's cohort dashboard and CSV exports with 1,000 learners.

Builds a generated organisation on a scratch database (SQLite in a temporary
folder, or --database-url), loads the real course, and fills one cohort with
N learners, each with progress in the 12 modules (ModuleProgress, and the
LearnerSummary the dashboard reads), two quiz attempts per module, and a level
for every competency (CompetencyState). A
second, small cohort (--small learners) is generated alongside, so the query
counts of both can be compared: they must be equal, whatever the size.

Then, signed in as the cohort's trainer through the real sign-in form, it
times each page (median of --runs), counts its SQL queries and weighs it
(uncompressed, and gzipped as a compressing server would send it):

    PYTHONPATH=. .venv/bin/python bench/cohort_dashboard.py [--learners 1000]

--profile prints where the time of the large cohort's dashboard goes (cProfile).

The numbers for the project's reference run are in docs/cohorts.md.
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import pstats
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import Engine, event, insert, select, text

from config import TestConfig
from lms import create_app
from lms.auth.services import create_user
from lms.content.services import load_content
from lms.extensions import db
from lms.learning.summary import REBUILD_BATCH, refresh_learner_summary
from lms.models import (
    Attempt,
    AttemptStatus,
    Cohort,
    CohortMembership,
    CohortRole,
    Competency,
    CompetencyState,
    Module,
    ModuleProgress,
    Organisation,
    Role,
    User,
)
from lms.models.base import utcnow

ROOT = Path(__file__).resolve().parent.parent
TRAINER_EMAIL = "formatrice@bench.test"
TRAINER_PASSWORD = "bench-formatrice-1"


def make_app(database_url: str) -> Flask:
    """The application on the benchmark's database, without CSRF or rate limits."""

    class BenchConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        WTF_CSRF_ENABLED = False
        RATELIMIT_ENABLED = False
        TESTING = False

    return create_app(BenchConfig)


def generate_cohort(name: str, org: Organisation, learners: int, seed: int) -> Cohort:
    """A cohort of `learners` generated learners with progress, attempts and levels."""
    rng = random.Random(seed)
    session = db.session
    cohort = Cohort(organisation=org, name=name, join_code=f"BENCH-{seed}")
    session.add(cohort)
    session.flush()
    now = utcnow()
    users = [
        {
            "email": f"learner{seed}-{n}@bench.test",
            "name": f"Apprenant·e {seed}-{n:04d}",
            "role": Role.LEARNER,
            "organisation_id": org.id,
            "locale": "fr",
            "active": True,
            "created_at": now,
        }
        for n in range(learners)
    ]
    session.execute(insert(User), users)
    user_ids = list(
        session.scalars(
            select(User.id).where(User.email.like(f"learner{seed}-%")).order_by(User.id)
        )
    )
    session.execute(
        insert(CohortMembership),
        [
            {
                "cohort_id": cohort.id,
                "user_id": uid,
                "role": CohortRole.LEARNER,
                "joined_at": now - timedelta(days=60),
            }
            for uid in user_ids
        ],
    )
    modules = session.execute(select(Module.id, Module.section_count, Module.pass_mark)).all()
    progress, attempts = [], []
    for uid in user_ids:
        for module_id, sections, pass_mark in modules:
            read = rng.randint(0, sections)
            scores = [round(rng.random(), 4) for _ in range(2)]
            passed = [score >= pass_mark for score in scores]
            last = now - timedelta(days=rng.randint(0, 40), minutes=rng.randint(0, 600))
            progress.append(
                {
                    "user_id": uid,
                    "module_id": module_id,
                    "sections_completed": read,
                    "started_at": last - timedelta(days=5),
                    "last_activity_at": last,
                    "reading_completed_at": last if read == sections else None,
                    "quiz_attempts": 2,
                    "quiz_failures": passed.count(False),
                    "quiz_best_score": max(scores),
                    "quiz_passed_at": last if any(passed) else None,
                    "practice_status": rng.choice(
                        ["none", "draft", "submitted", "accepted", "needs_revision"]
                    ),
                }
            )
            for number, (score, ok) in enumerate(zip(scores, passed, strict=True), start=1):
                attempts.append(
                    {
                        "user_id": uid,
                        "module_id": module_id,
                        "idempotency_key": f"bench-{number}",
                        "number": number,
                        "status": AttemptStatus.SUBMITTED,
                        "seed": "bench",
                        "draft": {},
                        "started_at": last - timedelta(hours=1),
                        "submitted_at": last,
                        "score": score,
                        "passed": ok,
                        "pass_mark": pass_mark,
                    }
                )
    session.execute(insert(ModuleProgress), progress)
    session.execute(insert(Attempt), attempts)
    # The learners' progress summaries, as the services keep them (the dashboard reads them).
    for start in range(0, len(user_ids), REBUILD_BATCH):
        refresh_learner_summary(session, user_ids[start : start + REBUILD_BATCH])
    competency_ids = list(session.scalars(select(Competency.id)))
    session.execute(
        insert(CompetencyState),
        [
            {
                "user_id": uid,
                "competency_id": cid,
                "level": rng.choice([0, 1, 1, 2, 2, 2, 3, 4]),
                "measured_level": 0,
                "evidence_count": 3,
                "updated_at": now,
            }
            for uid in user_ids
            for cid in competency_ids
        ],
    )
    return cohort


@contextmanager
def counting_queries(engine: Engine) -> Iterator[list[str]]:
    """Collect the SQL statements run on `engine` while the block runs."""
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def measure(
    client: Any, engine: Engine, path: str, runs: int
) -> tuple[float, float, int, int, int]:
    """Median time (ms), fastest CPU time (ms), SQL queries, bytes and gzipped bytes of
    GET `path`, after one warm-up request.

    The CPU time of the fastest run is the steadiest figure on a busy machine (other
    processes stretch the elapsed time, not the CPU time this process needs).
    Each request runs in its own application context (a fresh session), as in production.
    """
    client.get(path)
    times, cpu, queries, size = [], [], 0, 0
    for _ in range(runs):
        with counting_queries(engine) as statements:
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        queries, size = len(statements), len(response.data)
    packed = len(gzip.compress(response.data, 6))
    return statistics.median(times), min(cpu), queries, size, packed


def profile(client: Any, path: str, runs: int) -> None:
    """Print the functions where GET `path` spends its time (cProfile, `runs` requests)."""
    client.get(path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        client.get(path)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(30)


def main() -> None:
    """Generate the data, measure, print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--small", type=int, default=50, help="learners of the comparison cohort")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--database-url", help="an EMPTY database to fill (default: scratch SQLite)"
    )
    parser.add_argument(
        "--profile", action="store_true", help="profile the large cohort's dashboard too"
    )
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="escales-bench-")
    url = args.database_url or f"sqlite:///{folder}/bench.sqlite"
    app = make_app(url)
    with app.app_context():
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        load_content(ROOT / "content")
        org = Organisation(slug="bench", name="Réseau généré")
        db.session.add(org)
        db.session.flush()
        big = generate_cohort("Grande promotion", org, args.learners, seed=1)
        small = generate_cohort("Petite promotion", org, args.small, seed=2)
        trainer = create_user(
            TRAINER_EMAIL, "Formatrice", TRAINER_PASSWORD, role=Role.TRAINER, organisation=org
        )
        for cohort in (big, small):
            db.session.add(CohortMembership(cohort=cohort, user=trainer, role=CohortRole.TRAINER))
        db.session.commit()
        # Fresh planner statistics, as autovacuum keeps them on a live database: without
        # them, PostgreSQL plans for empty tables just after a bulk load.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
        ids = {"big": big.id, "small": small.id}
        engine = db.engine
        print(f"Generated in {time.perf_counter() - started:.1f} s on {url.split(':')[0]}.")

    client = app.test_client()
    response = client.post("/login", data={"email": TRAINER_EMAIL, "password": TRAINER_PASSWORD})
    assert response.status_code == 302, "sign-in failed"
    pages = [
        ("dashboard (page of 50)", "/cohorts/{id}"),
        ("dashboard, at risk, by activity", "/cohorts/{id}?status=at_risk&sort=-activity"),
        ("competency heatmap (page of 50)", "/cohorts/{id}/competencies"),
        ("progress CSV export", "/cohorts/{id}/export/progress.csv"),
        ("competencies CSV export", "/cohorts/{id}/export/competencies.csv"),
        ("attempts CSV export", "/cohorts/{id}/export/attempts.csv"),
    ]
    sizes = {"big": args.learners, "small": args.small}
    print(
        f"{'page':34} {'learners':>8} {'median ms':>10} {'min CPU ms':>10} {'queries':>8}"
        f" {'KB':>8} {'gzip KB':>8}"
    )
    for label, pattern in pages:
        for key in ("small", "big"):
            ms, cpu, queries, size, packed = measure(
                client, engine, pattern.format(id=ids[key]), args.runs
            )
            print(
                f"{label:34} {sizes[key]:>8} {ms:>10.1f} {cpu:>10.1f} {queries:>8}"
                f" {size / 1024:>8.0f} {packed / 1024:>8.0f}"
            )
    if args.profile:
        profile(client, f"/cohorts/{ids['big']}", args.runs)


if __name__ == "__main__":
    main()
