"""Load test: 200 simulated learners read a module and take its quiz at the same time.

Serves the application with gunicorn (2 sync workers, production configuration,
login and API rate limits raised through LOGIN_RATE_LIMIT / API_RATE_LIMIT) on
127.0.0.1, on a scratch database (SQLite, or a PostgreSQL database it creates and
drops), and runs one thread per learner, all at once. Half the learners use the
web pages, half the API:

- web: sign in with the form, open each section and mark it read (form with its
  CSRF token), start the quiz, answer it, submit the same attempt twice at the
  same moment (two concurrent POSTs), then start and submit a second attempt;
- API: get a token (POST /api/v1/auth/token), read the module, mark each section
  read, get the quiz, submit the same idempotency key twice at the same moment,
  then submit a second attempt with a new key.

Afterwards it checks, on the database: no 5xx; every learner has exactly the two
attempts they submitted (no loss, no duplicate, none left open) with every
answer; every section read; and every stored profile equals a full rebuild from
the evidence (CompetencyState rows before and after
lms.competency.services.rebuild_profiles); and every learner's progress summary (the
cohort dashboard's) equals one recomputed from their progress rows. HTTP is the standard library's
http.client; every request has a timeout and the whole run a deadline.

    PYTHONPATH=. .venv/bin/python -m bench.load_test [--database sqlite|postgresql|both]
        [--learners 200] [--deadline 600]
"""

from __future__ import annotations

import argparse
import random
import re
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench.cohort_dashboard import make_app
from bench.harness import (
    BenchError,
    Client,
    Reply,
    Server,
    app_environment,
    csrf_token_in,
    gunicorn,
    migrate_and_load,
    percentile,
    print_table,
    say,
    scratch_database,
)
from bench.population import PASSWORD, Account, add_learners
from bench.quiz_submit import MODULE, some_response
from lms.competency.services import PROFILE_COLUMNS, rebuild_profiles
from lms.content.urls import module_url, section_url
from lms.extensions import db
from lms.learning.summary import SUMMARY_FACTS, refresh_learner_summary
from lms.models import (
    Answer,
    Attempt,
    AttemptStatus,
    CompetencyState,
    LearnerSummary,
    Module,
    Organisation,
    Section,
    SectionProgress,
)
from lms.quiz.services import live_questions

#: The CompetencyState columns a rebuild must reproduce (ids and updated_at aside).
STATE_COLUMNS = PROFILE_COLUMNS


START_KEY = re.compile(
    r'name="idempotency_key"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="idempotency_key"'
)


class DeadlineReached(RuntimeError):
    """The run's deadline passed: the learner stops where it is."""


@dataclass
class Recorder:
    """Every request's step, status and duration (thread-safe)."""

    deadline: float
    rows: list[tuple[str, int, float]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def call(self, step: str, send: Callable[..., Reply], *args: Any) -> Reply:
        """`send(*args)` unless the deadline passed; recorded (status 0: a network error)."""
        if time.monotonic() > self.deadline:
            raise DeadlineReached(step)
        started = time.perf_counter()
        try:
            reply = send(*args)
        except OSError as error:
            with self.lock:
                self.rows.append((step, 0, time.perf_counter() - started))
            raise BenchError(f"{step}: {error}") from error
        with self.lock:
            self.rows.append((step, reply.status, reply.seconds))
        return reply

    def fail(self, message: str) -> None:
        with self.lock:
            self.failures.append(message)


@dataclass(frozen=True)
class Course:
    """What the learners need to know about the module."""

    sections: list[str]
    definitions: list[dict[str, Any]]


@dataclass
class Outcome:
    """What one learner did, to check against the database."""

    account: Account
    mode: str
    submitted: int = 0  # attempts the learner submitted (a double submission counts once)
    double_statuses: list[int] = field(default_factory=list)
    done: bool = False


def expect(reply: Reply, *statuses: int) -> Reply:
    """The reply, or BenchError when its status is not one of `statuses`."""
    if reply.status not in statuses:
        raise BenchError(f"unexpected {reply.status}: {reply.text[:200]}")
    return reply


def at_once(*actions: Callable[[], Reply]) -> list[Reply]:
    """Run the actions in threads released together; their replies, in order."""
    barrier = threading.Barrier(len(actions))
    replies: list[Reply | BaseException | None] = [None] * len(actions)

    def run(index: int, action: Callable[[], Reply]) -> None:
        try:
            barrier.wait(timeout=30)
            replies[index] = action()
        except BaseException as error:  # reported below, in the learner's thread
            replies[index] = error

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    for reply in replies:
        if isinstance(reply, BaseException):
            raise reply
        if reply is None:
            raise BenchError("a concurrent request did not finish")
    return replies  # type: ignore[return-value]


# --- The web learner ---------------------------------------------------------------------------


class QuizFormReader(HTMLParser):
    """The fields of the attempt form (#quiz-form), filled as a learner in a hurry would.

    Radio buttons and checkboxes: the first option of each group; text fields: a
    word or a number; selects: a different option for each select of a group
    (so ordering questions get distinct positions).
    """

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self.chosen: set[str] = set()
        self.select: str | None = None
        self.options: list[str] = []
        self.groups: dict[tuple[str, ...], int] = defaultdict(int)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "form" and found.get("id") == "quiz-form":
            self.inside = True
        if not self.inside:
            return
        name = found.get("name", "")
        if tag == "input" and name:
            kind = found.get("type", "text")
            if kind == "hidden":
                self.fields.append((name, found.get("value", "")))
            elif kind in {"radio", "checkbox"} and name not in self.chosen:
                self.chosen.add(name)
                self.fields.append((name, found.get("value", "")))
            elif kind == "text":
                self.fields.append(
                    (name, "1" if found.get("inputmode") == "decimal" else "réponse")
                )
        elif tag == "select":
            self.select, self.options = name, []
        elif tag == "option" and self.select is not None and found.get("value"):
            self.options.append(found["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select is not None:
            if self.options:
                group = tuple(self.options)
                self.fields.append((self.select, group[self.groups[group] % len(group)]))
                self.groups[group] += 1
            self.select = None


def quiz_form_fields(html: str) -> list[tuple[str, str]]:
    """The filled-in fields of an attempt page's form."""
    reader = QuizFormReader()
    reader.feed(html)
    return reader.fields


def web_learner(server: Server, course: Course, outcome: Outcome, record: Recorder) -> None:
    """Sign in, read, take the quiz twice (the first submission sent twice at once)."""
    client = Client(server.base_url, timeout=120)
    token = csrf_token_in(record.call("login page", client.get, "/login").text)
    form = {"csrf_token": token, "email": outcome.account.email, "password": PASSWORD}
    expect(record.call("login (form)", client.post_form, "/login", form), 302)
    expect(record.call("module page", client.get, module_url(MODULE)), 200)
    for slug in course.sections:
        page = expect(record.call("section page", client.get, section_url(MODULE, slug)), 200)
        data = {"csrf_token": csrf_token_in(page.text), "then": "next"}
        read = f"{section_url(MODULE, slug)}/read"
        expect(record.call("mark read (form)", client.post_form, read, data), 302)
    for number in (1, 2):
        intro = expect(record.call("quiz page", client.get, f"{module_url(MODULE)}/quiz"), 200)
        start = {"csrf_token": csrf_token_in(intro.text), "idempotency_key": _start_key(intro.text)}
        started = expect(
            record.call(
                "start attempt (form)",
                client.post_form,
                f"{module_url(MODULE)}/quiz/attempts",
                start,
            ),
            303,
        )
        attempt_path = started.headers["location"]
        page = expect(record.call("attempt page", client.get, attempt_path), 200)
        fields = [*quiz_form_fields(page.text), ("action", "submit")]

        def submit(p: str = attempt_path, f: list[tuple[str, str]] = fields) -> Reply:
            return record.call("submit attempt (form)", client.post_form, p, f)

        replies = at_once(submit, submit) if number == 1 else [submit()]
        for reply in replies:
            expect(reply, 303)
        if number == 1:
            outcome.double_statuses = [r.status for r in replies]
        outcome.submitted += 1
        expect(record.call("result page", client.get, attempt_path), 200)
    outcome.done = True


def _start_key(html: str) -> str:
    """The idempotency key of the quiz page's Start form."""
    found = START_KEY.search(html)
    if found is None:
        raise BenchError("no Start form on the quiz page")
    return found.group(1) or found.group(2)


# --- The API learner ---------------------------------------------------------------------------


def api_learner(
    server: Server, course: Course, outcome: Outcome, record: Recorder, seed: int
) -> None:
    """Token, read, quiz: the same key twice at once, then a second attempt."""
    client = Client(server.base_url, timeout=120)
    credentials = {"email": outcome.account.email, "password": PASSWORD, "name": "load test"}
    token = expect(
        record.call("token (API)", client.post_json, "/api/v1/auth/token", credentials), 200
    ).json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    base = f"/api/v1/modules/{MODULE}"
    expect(record.call("module (API)", client.get, base, auth), 200)
    for slug in course.sections:
        expect(
            record.call(
                "mark read (API)",
                client.request,
                "POST",
                f"{base}/sections/{slug}/read",
                b"",
                auth,
            ),
            200,
        )
    expect(record.call("quiz (API)", client.get, f"{base}/quiz", auth), 200)
    rng = random.Random(seed)
    for number in (1, 2):
        body = {
            "answers": {str(d["id"]): some_response(d, rng) for d in course.definitions},
            "idempotency_key": f"load-{outcome.account.id}-{number}",
        }

        def submit(b: dict[str, Any] = body) -> Reply:
            return record.call(
                "submit attempt (API)", client.post_json, f"{base}/attempts", b, auth
            )

        replies = at_once(submit, submit) if number == 1 else [submit()]
        for reply in replies:
            expect(reply, 200, 201)
        if number == 1:
            outcome.double_statuses = sorted(r.status for r in replies)
        outcome.submitted += 1
    outcome.done = True


# --- The run -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadResult:
    """One engine's run: request statistics and checks."""

    engine: str
    learners: int
    seconds: float
    rows: list[tuple[str, int, float]]
    checks: list[tuple[str, str, str, bool]]
    failures: list[str]
    tracebacks: int
    schema_gaps: list[str]


def prepare(url: str, learners: int) -> tuple[list[Account], Course]:
    """The learners (who can sign in) and the module they take."""
    app = make_app(url)
    with app.app_context():
        org = Organisation(slug="charge", name="Structure du test de charge")
        db.session.add(org)
        db.session.commit()
        accounts = add_learners("load", learners, org.id)
        module = db.session.scalar(select(Module).where(Module.slug == MODULE))
        if module is None:
            raise BenchError(f"the course has no module {MODULE}")
        sections = list(
            db.session.scalars(
                select(Section.slug)
                .where(Section.module_id == module.id)
                .order_by(Section.position)
            )
        )
        definitions = [q.definition for q in live_questions(db.session(), module.id)]
        db.session.remove()
        db.engine.dispose()
    return accounts, Course(sections, definitions)


def run_learners(
    server: Server, accounts: list[Account], course: Course, deadline: float
) -> tuple[list[Outcome], Recorder]:
    """One thread per learner, all started together; waits for them (bounded by the deadline)."""
    record = Recorder(deadline=time.monotonic() + deadline)
    outcomes = [Outcome(a, "web" if n % 2 == 0 else "api") for n, a in enumerate(accounts)]

    def learner(n: int, outcome: Outcome) -> None:
        try:
            if outcome.mode == "web":
                web_learner(server, course, outcome, record)
            else:
                api_learner(server, course, outcome, record, seed=n)
        except (BenchError, DeadlineReached, KeyError, ValueError) as error:
            record.fail(f"{outcome.account.email} ({outcome.mode}): {error}")

    threads = [
        threading.Thread(target=learner, args=(n, o), daemon=True) for n, o in enumerate(outcomes)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(1.0, record.deadline - time.monotonic() + 150))
    if any(thread.is_alive() for thread in threads):
        record.fail("some learners were still waiting for the server after the deadline")
    return outcomes, record


def check_database(
    url: str, outcomes: list[Outcome], course: Course
) -> list[tuple[str, str, str, bool]]:
    """Attempts, answers, readings and profiles against what the learners did."""
    app = make_app(url)
    checks = []
    with app.app_context():
        session = db.session()
        user_ids = [o.account.id for o in outcomes]
        by_user: dict[int, list[Attempt]] = defaultdict(list)
        for attempt in session.scalars(select(Attempt).where(Attempt.user_id.in_(user_ids))):
            by_user[attempt.user_id].append(attempt)
        wrong = [
            o.account.email
            for o in outcomes
            if sum(a.status == AttemptStatus.SUBMITTED for a in by_user[o.account.id])
            != o.submitted
            or len(by_user[o.account.id]) != o.submitted
        ]
        expected = sum(o.submitted for o in outcomes)
        stored = sum(len(v) for v in by_user.values())
        checks.append(
            ("attempts stored = attempts submitted", f"{expected}", f"{stored}", not wrong)
        )
        numbers_ok = all(
            sorted(a.number for a in attempts) == list(range(1, len(attempts) + 1))
            for attempts in by_user.values()
        )
        checks.append(
            ("attempt numbers 1..n per learner", "yes", "yes" if numbers_ok else "no", numbers_ok)
        )
        answers = session.execute(
            select(Answer.attempt_id, func.count(Answer.id))
            .join(Attempt, Attempt.id == Answer.attempt_id)
            .where(Attempt.user_id.in_(user_ids))
            .group_by(Answer.attempt_id)
        ).all()
        full = sum(1 for _id, count in answers if count == len(course.definitions))
        checks.append(
            (
                f"attempts with all {len(course.definitions)} answers",
                f"{stored}",
                f"{full}",
                full == stored,
            )
        )
        api_pairs = [o.double_statuses for o in outcomes if o.mode == "api" and o.double_statuses]
        good_pairs = sum(1 for pair in api_pairs if pair == [200, 201])
        checks.append(
            (
                "same key twice at once: one 201, one 200 (API)",
                f"{len(api_pairs)}",
                f"{good_pairs}",
                good_pairs == len(api_pairs),
            )
        )
        section_ids = list(
            session.scalars(select(Section.id).join(Module).where(Module.slug == MODULE))
        )
        read = session.scalar(
            select(func.count(SectionProgress.id)).where(
                SectionProgress.user_id.in_(user_ids),
                SectionProgress.section_id.in_(section_ids),
                SectionProgress.completed_at.is_not(None),
            )
        )
        readers = sum(1 for o in outcomes if o.done)
        checks.append(
            (
                "sections read",
                f"{readers * len(section_ids)}",
                f"{read}",
                read == readers * len(section_ids),
            )
        )
        before = _states(user_ids)
        rebuild_profiles(session, user_ids)
        session.flush()
        after = _states(user_ids)
        session.rollback()
        differing = sum(
            1 for key in before.keys() | after.keys() if before.get(key) != after.get(key)
        )
        checks.append(
            (
                "profile rows equal to a full rebuild",
                f"{len(after)}",
                f"{len(after) - differing}",
                differing == 0,
            )
        )
        maintained = _summaries(user_ids)
        refresh_learner_summary(session, user_ids)
        session.flush()
        recomputed = _summaries(user_ids)
        session.rollback()
        same = sum(1 for key in recomputed if maintained.get(key) == recomputed[key])
        checks.append(
            (
                "progress summaries equal to a recomputation",
                f"{len(recomputed)}",
                f"{same}",
                same == len(recomputed) == len(user_ids),
            )
        )
        finished = sum(1 for o in outcomes if o.done)
        checks.append(
            ("learners who finished", f"{len(outcomes)}", f"{finished}", finished == len(outcomes))
        )
        db.session.remove()
        db.engine.dispose()
    return checks


def _summaries(user_ids: list[int]) -> dict[int, tuple[Any, ...]]:
    """The learners' progress summaries, without their write time."""
    db.session.expire_all()
    rows = db.session.scalars(select(LearnerSummary).where(LearnerSummary.user_id.in_(user_ids)))
    return {row.user_id: tuple(getattr(row, name) for name in SUMMARY_FACTS) for row in rows}


def _states(user_ids: list[int]) -> dict[tuple[int, int], tuple[Any, ...]]:
    db.session.expire_all()
    rows = db.session.scalars(select(CompetencyState).where(CompetencyState.user_id.in_(user_ids)))
    return {
        (row.user_id, row.competency_id): tuple(
            round(v, 9) if isinstance(v, float) else v
            for v in (getattr(row, c) for c in STATE_COLUMNS)
        )
        for row in rows
    }


def run(engine: str, learners: int, deadline: float) -> LoadResult:
    """Prepare, load, check, on one database engine."""
    with (
        scratch_database(engine, "escales_bench_load") as url,
        tempfile.TemporaryDirectory() as instance,
    ):
        env = app_environment(url, Path(instance))
        say(f"load test: preparing the {engine} database")
        gaps = migrate_and_load(env)
        accounts, course = prepare(url, learners)
        with gunicorn("lms:create_app()", env, ready_path="/healthz") as server:
            say(f"load test: {learners} learners on {engine}")
            started = time.monotonic()
            outcomes, record = run_learners(server, accounts, course, deadline)
            seconds = time.monotonic() - started
            tracebacks = server.tracebacks()
        say("load test: checking the database")
        checks = check_database(url, outcomes, course)
        return LoadResult(
            engine, learners, seconds, record.rows, checks, record.failures, tracebacks, gaps
        )


def print_results(result: LoadResult) -> None:
    """The requests table and the checks table of one run."""
    steps: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for step, status, seconds in result.rows:
        steps[step].append((status, seconds))
    rows = []
    for step, calls in steps.items():
        times = [seconds * 1000 for _status, seconds in calls]
        rows.append(
            [
                step,
                len(calls),
                sum(1 for s, _ in calls if 200 <= s < 300),
                sum(1 for s, _ in calls if 300 <= s < 400),
                sum(1 for s, _ in calls if 400 <= s < 500),
                sum(1 for s, _ in calls if s >= 500),
                sum(1 for s, _ in calls if s == 0),
                percentile(times, 0.5),
                percentile(times, 0.99),
            ]
        )
    total = len(result.rows)
    fives = sum(1 for _step, status, _s in result.rows if status >= 500)
    print_table(
        f"Load test: {result.learners} learners at once on {result.engine} "
        f"({total:,} requests in {result.seconds:.0f} s)",
        ["step", "requests", "2xx", "3xx", "4xx", "5xx", "net err", "p50 ms", "p99 ms"],
        rows,
        [
            "gunicorn 2 sync workers on 127.0.0.1; every learner's requests wait for one another, "
            "the learners run all at once",
            f"server tracebacks logged: {result.tracebacks}",
        ],
    )
    checks = [("no 5xx response", "0", f"{fives}", fives == 0), *result.checks]
    notes = [f"failure: {failure}" for failure in result.failures[:10]]
    if len(result.failures) > 10:
        notes.append(f"... and {len(result.failures) - 10} more failures")
    if result.schema_gaps:
        from bench.throughput import schema_note

        notes.append(schema_note(result.engine, result.schema_gaps))
    print_table(
        f"Load test checks ({result.engine})",
        ["check", "expected", "found", "ok"],
        [[name, want, got, "yes" if ok else "NO"] for name, want, got, ok in checks],
        notes,
    )


def passed(result: LoadResult) -> bool:
    """Every check passed and no learner failed."""
    fives = sum(1 for _step, status, _s in result.rows if status >= 500)
    return fives == 0 and not result.failures and all(ok for *_rest, ok in result.checks)


def main() -> None:
    """Run on each database asked for; exit 1 when a check failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--deadline", type=float, default=600, help="seconds before learners stop")
    args = parser.parse_args()
    engines = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    results = [run(engine, args.learners, args.deadline) for engine in engines]
    for result in results:
        print_results(result)
    raise SystemExit(0 if all(passed(r) for r in results) else 1)


if __name__ == "__main__":
    main()
