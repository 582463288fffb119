"""Benchmark: recomputing one learner's profile from 1,000 evidence rows.

Builds a scratch database (SQLite in a temporary folder, or --database-url),
loads the real course (13 competencies), and records --rows evidence rows for
one learner through `record_evidence` (quiz answers, lessons, practical work,
ratings, self-assessments spread over two years). Then it times
`recompute_states` over all of the learner's competencies (median of --runs)
and counts its SQL queries, and does the same for the page that reads the
profile (`learner_profile`) and for `rebuild_profiles`:

    PYTHONPATH=. .venv/bin/python bench/profile_rebuild.py [--rows 1000]

The numbers for the project's reference run are in docs/profile.md.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import Engine, event, select

from config import TestConfig
from lms import create_app
from lms.auth.services import create_user
from lms.competency.services import (
    NewEvidence,
    learner_profile,
    rebuild_profiles,
    recompute_states,
    record_evidence,
)
from lms.content.services import load_content
from lms.extensions import db
from lms.models import Competency, Evidence, EvidenceSource

ROOT = Path(__file__).resolve().parent.parent
START = datetime(2024, 1, 8, 9, 0, tzinfo=UTC)


def make_app(database_url: str) -> Flask:
    """The application on the benchmark's database."""

    class BenchConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        TESTING = False

    return create_app(BenchConfig)


def generated_evidence(codes: list[str], rows: int, seed: int = 7) -> list[NewEvidence]:
    """`rows` plausible evidence rows over two years, mostly quiz answers."""
    rng = random.Random(seed)
    items = []
    for n in range(rows):
        code = rng.choice(codes)
        when = START + timedelta(minutes=n * 1051)  # about two years for 1,000 rows
        kind = rng.random()
        if kind < 0.80:
            items.append(
                NewEvidence(
                    code,
                    EvidenceSource.QUIZ,
                    rng.choice([0.0, 0.5, 1.0, 1.0]),
                    when,
                    weight=rng.choice([1.0, 1.0, 2.0]),
                    key=f"module-{rng.randint(1, 12)}/question-{rng.randint(1, 15)}",
                )
            )
        elif kind < 0.90:
            items.append(NewEvidence(code, EvidenceSource.LESSON, 1.0, when, key="module"))
        elif kind < 0.96:
            key = f"module-{rng.randint(1, 12)}"
            score = round(rng.uniform(0.4, 1.0), 2)
            items.append(NewEvidence(code, EvidenceSource.PRACTICE, score, when, key=key))
        elif kind < 0.98:
            level = rng.randint(1, 4)
            items.append(NewEvidence(code, EvidenceSource.RATING, level / 4, when, level=level))
        else:
            level = rng.randint(1, 4)
            items.append(
                NewEvidence(code, EvidenceSource.SELF, level / 4, when, key="self", level=level)
            )
    return items


@contextmanager
def counting_queries(engine: Engine) -> Iterator[list[str]]:
    """Collect the SQL statements run on `engine` inside the block."""
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def measure(action: Callable[[], Any], runs: int) -> tuple[float, int]:
    """Median seconds over `runs`, and the SQL queries of one run."""
    timings, queries = [], 0
    for _ in range(runs):
        db.session.expire_all()
        with counting_queries(db.engine) as statements:
            started = time.perf_counter()
            action()
            timings.append(time.perf_counter() - started)
        db.session.rollback()  # each run starts from the same stored profile
        queries = len(statements)
    return statistics.median(timings), queries


def main() -> None:
    """Build the data, time the recomputation, print the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", help="default: SQLite in a temporary folder")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        app = make_app(url)
        with app.app_context():
            db.drop_all()
            db.create_all()
            load_content(ROOT / "content")
            learner = create_user("bench@bench.test", "Bench", "bench-password-1")
            db.session.commit()
            codes = list(db.session.scalars(select(Competency.code)))
            items = generated_evidence(codes, args.rows)
            for start in range(0, len(items), 100):  # as evidence arrives, in batches
                record_evidence(db.session, learner.id, items[start : start + 100])
            db.session.commit()
            competency_ids = set(db.session.scalars(select(Competency.id)))
            stored = db.session.query(Evidence).filter_by(user_id=learner.id).count()
            engine = url.split(":")[0]
            print(f"{stored} evidence rows, {len(codes)} competencies, one learner ({engine})")

            learner_id = learner.id  # read once: the runs expire every loaded object

            def recompute() -> None:
                recompute_states(db.session, learner_id, competency_ids)
                db.session.flush()  # the UPDATEs count too

            def rebuild() -> None:
                rebuild_profiles(db.session, [learner_id])
                db.session.flush()

            for name, action in (
                ("recompute_states", recompute),
                ("rebuild_profiles", rebuild),
                ("learner_profile", lambda: learner_profile(db.session, learner_id)),
            ):
                seconds, queries = measure(action, args.runs)
                print(f"{name:18} {seconds * 1000:8.1f} ms  {queries:3d} SQL queries")
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


if __name__ == "__main__":
    main()
