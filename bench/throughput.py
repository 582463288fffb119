"""Benchmark: throughput and latency of three pages under gunicorn, as ratios to Flask's limit.

On a scratch database (SQLite, or a PostgreSQL database it creates and drops),
migrated with `flask db upgrade`, loaded with `flask content load` and filled by
bench/population.py (10,000 learners in 100 cohorts, one of 1,000), it serves
the application with gunicorn (2 sync workers, production configuration) on
127.0.0.1 and measures with wrk (p50/p99 from `--latency`):

- the lesson page: GET a section page, signed in (session cookies of
  --sessions learners, the five sections of a module, in rotation);
- the quiz submission: POST /api/v1/modules/<slug>/attempts with a bearer token
  (--tokens learners in rotation) and a new idempotency key per request, answering
  every question of the module (graded, stored with its evidence and the profile
  update);
- the cohort dashboard: GET /cohorts/<id>, a page of 50 learners of the
  1,000-learner cohort with their 12 modules, signed in as its trainer;

and, in the same run and with the same gunicorn settings, the minimal Flask
app bench/hello_app.py. Each figure is also given as a share of the hello app's
throughput. The machine's speed drifts during a run, so every line is measured in
--rounds rounds (3), hello again in each just before the pages; a page's share is
the median over the rounds of its req/s over that round's hello. Before serving,
it counts each page's SQL queries at two sizes (in process, with the Flask test
client): they must not grow with the rows shown.

    PYTHONPATH=. .venv/bin/python -m bench.throughput [--database sqlite|postgresql|both]
        [--duration 10] [--threads 2] [--connections 8] [--learners 10000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import func, select, update

from bench.cohort_dashboard import counting_queries, make_app
from bench.harness import (
    USER_AGENT,
    BenchError,
    Client,
    Server,
    WrkRequest,
    WrkResult,
    app_environment,
    engine_name,
    gunicorn,
    migrate_and_load,
    print_table,
    run_wrk,
    say,
    scratch_database,
)
from bench.population import (
    PASSWORD,
    Account,
    Population,
    add_learners,
    add_trainer,
    api_tokens,
    generate_population,
)
from bench.quiz_submit import MODULE, some_response
from lms.content.urls import section_url
from lms.extensions import db
from lms.models import Attempt, Module, Question, Section
from lms.models.base import utcnow
from lms.quiz.services import live_questions

APP = "lms:create_app()"
HELLO = "bench.hello_app:app"
#: Throughput targets, as shares of the hello app's throughput on SQLite (issue #8).
HELLO_LINE = "hello"
TARGETS = {"lesson page": 0.25, "quiz submission": 0.08, "cohort dashboard": 0.05}


@dataclass(frozen=True)
class Settings:
    """How long and how hard to run wrk, and how much data to generate."""

    duration: float = 5.0
    threads: int = 2
    connections: int = 8
    learners: int = 10_000
    cohorts: int = 100
    big_cohort: int = 1_000
    sessions: int = 20
    tokens: int = 200
    rounds: int = 3


@dataclass(frozen=True)
class Scenario:
    """One measured page: its wrk requests and what was measured."""

    name: str
    requests: list[WrkRequest]
    result: WrkResult | None = None


@dataclass(frozen=True)
class Fixture:
    """What the scenarios need from the generated database."""

    population: Population
    learners: list[Account]
    trainer: Account
    tokens: list[str]
    section_paths: list[str]
    answers: dict[str, Any]
    question_count: int
    sessions: int


@dataclass(frozen=True)
class QueryCount:
    """SQL queries of one page at two sizes."""

    page: str
    small_label: str
    small: int
    large_label: str
    large: int


@dataclass(frozen=True)
class EngineRun:
    """The results on one database: every round's wrk result per line ("hello" and each page).

    The machine's speed drifts while a benchmark runs (other work on the host, CPU
    frequency), so the hello app is measured again in each round just before the pages, and
    a page's share is the median over the rounds of its throughput over that round's hello.
    """

    engine: str
    rounds: list[dict[str, WrkResult]]
    queries: list[QueryCount]
    attempts_stored: int
    tracebacks: int
    schema_gaps: list[str]

    def share(self, name: str) -> float:
        """The median over the rounds of this line's req/s over the same round's hello."""
        return statistics.median(r[name].rps / r[HELLO_LINE].rps for r in self.rounds)

    def result(self, name: str) -> WrkResult:
        """The round that gave the median share (for hello: the median req/s)."""
        key = (
            (lambda r: r[name].rps)
            if name == HELLO_LINE
            else (lambda r: r[name].rps / r[HELLO_LINE].rps)
        )
        ordered = sorted(self.rounds, key=key)
        return ordered[(len(ordered) - 1) // 2][name]

    def completed(self, name: str) -> int:
        """Requests wrk completed on this line over every round."""
        return sum(r[name].requests for r in self.rounds)


def answers_for(definitions: list[dict[str, Any]], seed: int = 7) -> dict[str, Any]:
    """A valid answer to every question (right about half the time)."""
    rng = random.Random(seed)
    return {str(d["id"]): some_response(d, rng) for d in definitions}


def build_fixture(app: Flask, settings: Settings) -> Fixture:
    """Generate the population and the benchmark's accounts on the app's database."""
    with app.app_context():
        population = generate_population(settings.learners, settings.cohorts, settings.big_cohort)
        learners = add_learners(
            "bench", max(settings.sessions, settings.tokens), population.organisation_id
        )
        trainer = add_trainer(population.organisation_id, [population.big_cohort_id])
        tokens = api_tokens(learners[: settings.tokens])
        module = db.session.scalar(select(Module).where(Module.slug == MODULE))
        if module is None:
            raise BenchError(f"the course has no module {MODULE}")
        sections = db.session.scalars(
            select(Section.slug).where(Section.module_id == module.id).order_by(Section.position)
        )
        paths = [section_url(MODULE, slug) for slug in sections]
        questions = live_questions(db.session(), module.id)
        answers = answers_for([q.definition for q in questions])
        return Fixture(
            population, learners, trainer, tokens, paths, answers, len(questions), settings.sessions
        )


def count_queries(app: Flask, fixture: Fixture) -> list[QueryCount]:
    """Each page's SQL queries at two sizes, through the test client (in process).

    The lesson page and the quiz submission are counted on the benchmark's module
    as it is, then with some of its sections and questions retired (in the scratch
    database, and put back afterwards): two of its sections, and the fewest
    questions that still cover all its competencies, so that only the number of
    rows differs. The dashboard is counted at two page sizes. Every request is
    made once before it is counted (a first view or a first answer writes more).
    """
    learner, token = fixture.learners[0], fixture.tokens[0]
    cohort = fixture.population.big_cohort_id
    client = app.test_client()
    client.post("/login", data={"email": learner.email, "password": PASSWORD})
    with app.app_context():
        engine = db.engine

    def get(path: str) -> int:
        client.get(path)
        with counting_queries(engine) as statements:
            response = client.get(path)
        if response.status_code != 200:
            raise BenchError(f"GET {path}: {response.status_code}")
        return len(statements)

    def submit(answers: dict[str, Any]) -> int:
        counts = []
        for _ in range(2):
            key = f"count-{random.random()}"
            with counting_queries(engine) as statements:
                response = client.post(
                    f"/api/v1/modules/{MODULE}/attempts",
                    json={"answers": answers, "idempotency_key": key},
                    headers={"Authorization": f"Bearer {token}"},
                )
            if response.status_code != 201:
                raise BenchError(f"quiz submission: {response.status_code} {response.data[:300]!r}")
            counts.append(len(statements))
        return counts[-1]

    lesson_path = fixture.section_paths[0]
    full_lesson, full_quiz = get(lesson_path), submit(fixture.answers)
    with app.app_context():
        retired = cut_down_module(MODULE)
        kept = live_questions(db.session(), retired.module_id)
        kept_answers = {
            key: value for key, value in fixture.answers.items() if key in {q.key for q in kept}
        }
    try:
        small_lesson, small_quiz = get(lesson_path), submit(kept_answers)
    finally:
        with app.app_context():
            restore(retired)
    counts = [
        QueryCount("lesson page", f"{retired.sections_left} sections", small_lesson,
                   f"{len(fixture.section_paths)} sections", full_lesson),
        QueryCount("quiz submission", f"{len(kept)} questions", small_quiz,
                   f"{fixture.question_count} questions", full_quiz),
    ]  # fmt: skip
    client = app.test_client()
    client.post("/login", data={"email": fixture.trainer.email, "password": PASSWORD})
    counts.append(
        QueryCount(
            "cohort dashboard",
            "25 learners",
            get(f"/cohorts/{cohort}?per_page=25"),
            "100 learners",
            get(f"/cohorts/{cohort}?per_page=100"),
        )
    )
    return counts


@dataclass(frozen=True)
class Retired:
    """What cut_down_module retired, to put it back."""

    module_id: int
    section_ids: list[int]
    question_ids: list[int]
    sections_left: int


def cut_down_module(slug: str, sections_left: int = 2) -> Retired:
    """Retire all but `sections_left` sections, and the questions not needed to cover
    every competency of the module (scratch database only); commits."""
    module = db.session.scalar(select(Module).where(Module.slug == slug))
    assert module is not None
    sections = list(
        db.session.scalars(
            select(Section).where(Section.module_id == module.id).order_by(Section.position)
        )
    )
    questions = live_questions(db.session(), module.id)
    needed: set[str] = set()
    for question in questions:
        needed |= {c["code"] for c in question.definition.get("competencies", [])}
    keep: list[Question] = []
    covered: set[str] = set()
    for question in sorted(questions, key=lambda q: -len(q.definition.get("competencies", []))):
        codes = {c["code"] for c in question.definition.get("competencies", [])}
        if codes - covered or len(keep) < 2:
            keep.append(question)
            covered |= codes
        if covered == needed and len(keep) >= 2:
            break
    now = utcnow()
    retired_sections = sections[sections_left:]
    retired_questions = [q for q in questions if q not in keep]
    for section in retired_sections:
        section.retired_at = now
    for question in retired_questions:
        question.retired_at = now
    db.session.commit()
    return Retired(
        module.id,
        [s.id for s in retired_sections],
        [q.id for q in retired_questions],
        min(sections_left, len(sections)),
    )


def restore(retired: Retired) -> None:
    """Put back what cut_down_module retired; commits."""
    db.session.execute(
        update(Section).where(Section.id.in_(retired.section_ids)).values(retired_at=None)
    )
    db.session.execute(
        update(Question).where(Question.id.in_(retired.question_ids)).values(retired_at=None)
    )
    db.session.commit()


def session_cookie(server: Server, account: Account) -> str:
    """Sign in through the form; the session cookie's value."""
    client = Client(server.base_url)
    client.sign_in(account.email, account.password)
    # Open a page, as the browser does after signing in: the session then holds its CSRF
    # token, so replaying this cookie does not make every request issue a new one.
    client.get("/modules")
    return client.cookies["session"]


def scenarios_for(server: Server, fixture: Fixture) -> list[Scenario]:
    """The three measured pages, signed in on the running server."""
    sessions = [session_cookie(server, a) for a in fixture.learners[: fixture.sessions]]
    lesson = [
        WrkRequest(path, headers={"Cookie": f"session={cookie}", "User-Agent": USER_AGENT})
        for cookie in sessions
        for path in fixture.section_paths
    ]
    head = json.dumps({"answers": fixture.answers, "idempotency_key": "KEY"}, ensure_ascii=False)
    body_head, body_tail = head.split("KEY")
    quiz = [
        WrkRequest(
            f"/api/v1/modules/{MODULE}/attempts",
            method="POST",
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
            },
            body_head=body_head,
            body_tail=body_tail,
        )
        for token in fixture.tokens
    ]
    trainer = session_cookie(server, fixture.trainer)
    dashboard = [
        WrkRequest(
            f"/cohorts/{fixture.population.big_cohort_id}",
            headers={"Cookie": f"session={trainer}", "User-Agent": USER_AGENT},
        )
    ]
    return [
        Scenario("lesson page", lesson),
        Scenario("quiz submission", quiz),
        Scenario("cohort dashboard", dashboard),
    ]


def warm_up(server: Server, requests: list[WrkRequest]) -> None:
    """A few requests first, so both workers have compiled their templates."""
    client = Client(server.base_url)
    for item in requests[:4]:
        body = None
        if item.body_head is not None and item.body_tail is not None:
            body = (item.body_head + f"warm-up-{random.random()}" + item.body_tail).encode()
        reply = client.request(item.method, item.path, body, item.headers)
        if reply.status >= 400:
            raise BenchError(f"{item.method} {item.path}: {reply.status} {reply.text[:300]}")


def run_engine(engine: str, settings: Settings) -> EngineRun:
    """Prepare a database of this engine, measure everything, drop the database."""
    with scratch_database(engine) as url, tempfile.TemporaryDirectory() as instance:
        env = app_environment(url, Path(instance))
        say(f"{engine}: migrating and loading the course")
        gaps = migrate_and_load(env)
        say(f"{engine}: generating {settings.learners:,} learners in {settings.cohorts} cohorts")
        app = make_app(url)
        fixture = build_fixture(app, settings)
        queries = count_queries(app, fixture)
        with app.app_context():
            attempts_before = db.session.scalar(select(func.count(Attempt.id))) or 0
            db.session.remove()
            db.engine.dispose()

        rounds: list[dict[str, WrkResult]] = []
        # Both servers stay up for every round; the one not measured is idle.
        with (
            gunicorn(HELLO, env) as hello_server,
            gunicorn(APP, env, ready_path="/healthz") as server,
        ):
            warm_up(hello_server, [WrkRequest("/")] * 4)
            scenarios = scenarios_for(server, fixture)
            for number in range(1, settings.rounds + 1):
                say(f"{engine}: round {number} of {settings.rounds}: hello app")
                measured = {HELLO_LINE: _wrk(hello_server, [WrkRequest("/")], settings)}
                for scenario in scenarios:
                    say(f"{engine}: round {number}: {scenario.name}, {settings.duration:.0f} s")
                    warm_up(server, scenario.requests)
                    measured[scenario.name] = _wrk(server, scenario.requests, settings)
                rounds.append(measured)
            tracebacks = server.tracebacks()
        with app.app_context():
            stored = (db.session.scalar(select(func.count(Attempt.id))) or 0) - attempts_before
            db.session.remove()
            db.engine.dispose()
        return EngineRun(engine_name(url), rounds, queries, stored, tracebacks, gaps)


def _wrk(server: Server, requests: list[WrkRequest], settings: Settings) -> WrkResult:
    return run_wrk(
        server.base_url,
        requests,
        duration=settings.duration,
        threads=settings.threads,
        connections=settings.connections,
    )


def print_results(runs: list[EngineRun], settings: Settings) -> None:
    """The throughput table (every engine side by side) and the query-count table."""
    rows: list[list[Any]] = []
    for name in [HELLO_LINE, *TARGETS]:
        row: list[Any] = ["hello (minimal Flask)" if name == HELLO_LINE else name]
        for run in runs:
            result = run.result(name)
            row += [
                result.rps,
                result.p50_ms,
                result.p99_ms,
                result.non_2xx_3xx + result.socket_errors,
            ]
            row.append(f"{run.share(name):.1%}")
        target = TARGETS.get(name)
        if target is None:
            row += ["", ""]
        else:
            sqlite = next((r for r in runs if r.engine == "sqlite"), None)
            share = sqlite.share(name) if sqlite else None
            row += [
                f">= {target:.0%}",
                "-" if share is None else ("yes" if share >= target else "NO"),
            ]
        rows.append(row)
    headers = ["page"]
    for run in runs:
        tag = "SQLite" if run.engine == "sqlite" else "PG"
        headers += [f"{tag} req/s", "p50 ms", "p99 ms", "errors", "of hello"]
    headers += ["target", "met"]
    notes = [
        f"gunicorn 2 sync workers on 127.0.0.1; wrk {settings.threads} threads, "
        f"{settings.connections} connections, {settings.duration:.0f} s per line and round",
        f"{settings.rounds} rounds, hello measured again in each: req/s and latencies of the "
        "round with the median share, share = median over rounds of page / hello",
        f"data: {settings.learners:,} learners in {settings.cohorts} cohorts "
        f"(dashboard: page of 50 of the {settings.big_cohort:,}-learner cohort)",
        "errors: non-2xx/3xx responses plus connect/timeout socket errors reported by wrk",
    ]
    for run in runs:
        notes.append(
            f"{run.engine}: wrk completed {run.completed('quiz submission'):,} quiz submissions, "
            f"{run.attempts_stored:,} attempts stored (warm-ups included); "
            f"server tracebacks logged: {run.tracebacks}"
        )
        if run.schema_gaps:
            notes.append(schema_note(run.engine, run.schema_gaps))
    print_table("Throughput and latency (gunicorn, wrk)", headers, rows, notes)

    query_rows = []
    for index, count in enumerate(runs[0].queries):
        row = [count.page, count.small_label, count.large_label]
        for run in runs:
            other = run.queries[index]
            row += [other.small, other.large]
        growing = [run.engine for run in runs if grows(run.queries[index])]
        row.append(f"NO on {', '.join(growing)}" if growing else "yes")
        query_rows.append(row)
    query_headers = ["page", "small", "large"]
    for run in runs:
        tag = "SQLite" if run.engine == "sqlite" else "PG"
        query_headers += [f"{tag} small", f"{tag} large"]
    query_headers.append("constant")
    print_table(
        "SQL queries per request at two sizes",
        query_headers,
        query_rows,
        [
            "in process (Flask test client), each request made once before it is counted; "
            "constant: at most one more query at the larger size (an UPDATE of a profile "
            "row depends on the answers, not on their number)"
        ],
    )


def grows(count: QueryCount) -> bool:
    """More than one more query for more rows: the count follows the rows."""
    return count.large > count.small + 1


def schema_note(engine: str, gaps: list[str]) -> str:
    """Say that the schema came from the models because the migrations were behind."""
    return (
        f"{engine}: the migrations were behind the models ({len(gaps)} gaps, e.g. "
        f"{', '.join(gaps[:3])}): schema created from the models"
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options shared with `python -m bench`."""
    parser.add_argument(
        "--duration", type=float, default=Settings.duration, help="seconds per wrk run"
    )
    parser.add_argument("--threads", type=int, default=Settings.threads, help="wrk threads")
    parser.add_argument(
        "--connections", type=int, default=Settings.connections, help="wrk connections"
    )
    parser.add_argument("--learners", type=int, default=Settings.learners)
    parser.add_argument("--cohorts", type=int, default=Settings.cohorts)
    parser.add_argument(
        "--rounds", type=int, default=Settings.rounds, help="measure every line this many times"
    )


def settings_from(args: argparse.Namespace) -> Settings:
    """Settings from parsed options."""
    return Settings(
        duration=args.duration,
        threads=args.threads,
        connections=args.connections,
        learners=args.learners,
        cohorts=args.cohorts,
        rounds=max(1, args.rounds),
        big_cohort=min(Settings.big_cohort, args.learners // 2),  # --quick: smaller
    )


def engines(choice: str) -> list[str]:
    """The engines named by --database."""
    return ["sqlite", "postgresql"] if choice == "both" else [choice]


def main() -> None:
    """Measure on each database asked for, then print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="sqlite")
    add_arguments(parser)
    args = parser.parse_args()
    settings = settings_from(args)
    runs = [run_engine(engine, settings) for engine in engines(args.database)]
    print_results(runs, settings)


if __name__ == "__main__":
    main()
