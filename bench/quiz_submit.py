"""Benchmark: submitting and grading a 10-question quiz attempt.

Builds a scratch database (SQLite in a temporary folder, or --database-url),
loads the real course, keeps the first --questions questions of one module, and
has --learners learners submit --attempts attempts each (200 submissions by
default). Each submission is timed from the call to the commit: grading every
question, storing the answers with their snapshots, the ModuleProgress update,
one evidence row per answer and competency, and the recomputation of the
learner's profile. The learners' evidence grows as they retake the quiz, as it
does in real use. Prints mean, p50, p95, p99 and max in milliseconds, the CPU
time of this process per submission (steadier than the wall time on a busy
machine; with SQLite it includes the database's work, with PostgreSQL not the
server's), and the SQL statements per submission:

    PYTHONPATH=. .venv/bin/python bench/quiz_submit.py [--api] [--database-url URL]

--database-url must name a scratch database: its tables are dropped first.

--api times the whole HTTP request instead (POST /api/v1/modules/<slug>/attempts
through the Flask test client: JSON parsing, token check, validation, response).
The numbers of the project's reference run are in docs/quizzes.md.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import Engine, event, select

from config import TestConfig
from lms import create_app
from lms.auth.services import create_api_token, create_user
from lms.content.services import load_content
from lms.extensions import db
from lms.models import Module, User
from lms.models.base import utcnow
from lms.quiz import services
from lms.quiz.grading import public_view

ROOT = Path(__file__).resolve().parent.parent
MODULE = "modele-au-service-de-quoi"


def make_app(database_url: str) -> Flask:
    """The application on the benchmark's database (no rate limit)."""

    class BenchConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        TESTING = False
        RATELIMIT_ENABLED = False

    return create_app(BenchConfig)


def some_response(definition: dict[str, Any], rng: random.Random) -> Any:
    """A plausible response: right about half the time, sometimes partly right or blank."""
    if rng.random() < 0.05:
        return None
    right = rng.random() < 0.5
    qtype = definition["type"]
    view = public_view(definition, seed=str(rng.random()))
    if qtype == "single":
        correct = next(c["id"] for c in definition["choices"] if c["correct"])
        return correct if right else rng.choice([c["id"] for c in view["choices"]])
    if qtype == "multiple":
        ids = [c["id"] for c in view["choices"]]
        return rng.sample(ids, rng.randint(1, len(ids)))
    if qtype == "true_false":
        return definition["answer"] if right else rng.random() < 0.5
    if qtype == "short":
        return definition["accepted"][0] if right else "je ne sais pas"
    if qtype == "numeric":
        answer = definition["answer"]
        return str(answer).replace(".", ",") if right else answer + 10
    if qtype == "ordering":
        return [item["id"] for item in view["items"]]
    if qtype == "matching":
        rights = [option["id"] for option in view["right"]]
        return {left["id"]: rng.choice(rights) for left in view["left"]}
    raise ValueError(qtype)


def prepare(app: Flask, questions: int, learners: int) -> tuple[list[int], list[dict[str, Any]]]:
    """Load the course, keep `questions` questions of the module, create the learners."""
    with app.app_context():
        db.drop_all()  # a scratch database: start from empty tables every run
        db.create_all()
        load_content(ROOT / "content")
        module = db.session.scalar(select(Module).where(Module.slug == MODULE))
        assert module is not None
        module.max_attempts, module.retake_wait_minutes = None, 0
        rows = services.live_questions(db.session(), module.id)
        if len(rows) < questions:
            raise SystemExit(f"{MODULE} has only {len(rows)} questions")
        for extra in rows[questions:]:
            extra.retired_at = utcnow()  # only in this scratch database
        users = [
            create_user(f"bench{n}@example.org", f"Bench {n}", "bench-password-1")
            for n in range(learners)
        ]
        db.session.commit()
        user_ids = [user.id for user in users]
        definitions = [q.definition for q in rows[:questions]]
        return user_ids, definitions


class QueryCounter:
    """Counts the SQL statements run on an engine."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *args: Any) -> None:
        self.count += 1


def run_service(app: Flask, user_ids: list[int], definitions: list[dict[str, Any]], attempts: int):
    """Time services.submit_attempt (an attempt started beforehand, untimed)."""
    rng = random.Random(7)
    timings, cpu, queries = [], [], []
    with app.app_context():
        counter = QueryCounter(db.engine)
        for round_ in range(attempts):
            for user_id in user_ids:
                session = db.session()
                module = services.find_module(session, MODULE)
                assert module is not None
                attempt = services.start_attempt(session, user_id, module, f"k{round_}", utcnow())
                responses = {str(d["id"]): some_response(d, rng) for d in definitions}
                before = counter.count
                started, cpu_started = time.perf_counter(), time.process_time()
                outcome = services.submit_attempt(
                    session, user_id, module, attempt.id, responses, utcnow()
                )
                timings.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - cpu_started) * 1000)
                queries.append(counter.count - before)
                assert outcome.graded_now
                db.session.remove()
    return timings, cpu, queries


def run_api(app: Flask, user_ids: list[int], definitions: list[dict[str, Any]], attempts: int):
    """Time POST /api/v1/modules/<slug>/attempts through the test client."""
    rng = random.Random(7)
    client = app.test_client()
    with app.app_context():
        headers = {}
        for user_id in user_ids:
            token = create_api_token(db.session.get_one(User, user_id), "bench")
            headers[user_id] = {"Authorization": f"Bearer {token}"}
        db.session.commit()
        counter = QueryCounter(db.engine)
    timings, cpu, queries = [], [], []
    for round_ in range(attempts):
        for user_id in user_ids:
            answers = {str(d["id"]): some_response(d, rng) for d in definitions}
            body = {"answers": answers, "idempotency_key": f"k{round_}"}
            before = counter.count
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.post(
                f"/api/v1/modules/{MODULE}/attempts", json=body, headers=headers[user_id]
            )
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
            queries.append(counter.count - before)
            assert response.status_code == 201, response.json
    return timings, cpu, queries


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: SQLite in a temporary folder")
    parser.add_argument("--learners", type=int, default=50)
    parser.add_argument("--attempts", type=int, default=4, help="attempts per learner")
    parser.add_argument("--questions", type=int, default=10)
    parser.add_argument("--api", action="store_true", help="time the HTTP request instead")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite'}"
        app = make_app(url)
        user_ids, definitions = prepare(app, args.questions, args.learners)
        run = run_api if args.api else run_service
        timings, cpu, queries = run(app, user_ids, definitions, args.attempts)
        with app.app_context():
            db.engine.dispose()
    what = "POST /api/v1/modules/<slug>/attempts" if args.api else "services.submit_attempt"
    print(
        f"{what}: {len(timings)} submissions of {args.questions} questions on {url.split(':')[0]}"
    )
    print(
        f"  mean {statistics.mean(timings):.1f} ms, p50 {percentile(timings, 0.5):.1f} ms, "
        f"p95 {percentile(timings, 0.95):.1f} ms, p99 {percentile(timings, 0.99):.1f} ms, "
        f"max {max(timings):.1f} ms"
    )
    print(
        f"  CPU of this process: mean {statistics.mean(cpu):.1f} ms, "
        f"p50 {percentile(cpu, 0.5):.1f} ms"
    )
    print(
        f"  SQL statements per submission: {statistics.median(queries):.0f} (median), "
        f"{min(queries)} to {max(queries)}"
    )


if __name__ == "__main__":
    main()
