"""Benchmark: every journey page's weight, readability without JS and first paint on slow 3G.

Serves the application with gunicorn (production configuration, 127.0.0.1) on a
scratch database holding the course, a cohort of --learners generated learners
and one learner, trainer and org admin whose journeys have something to show (a
submitted attempt, an open attempt, practical work to review, a certificate).
Then, in headless Chromium driven by Playwright, for every page of the three
journeys it measures:

- the bytes transferred to show it from an empty cache: the document with its
  CSS, JS, fonts and images (CDP Network.loadingFinished encodedDataLength,
  after the network is idle); the target is under 150 KB;
- that it is readable with JavaScript off (javaScriptEnabled=False): the same
  <h1>, and at least 90% of the main text shown with JavaScript on;
- its first contentful paint under throttled "slow 3G" (CDP
  Network.emulateNetworkConditions: 400 ms latency, 400 kbit/s down and up).

    PYTHONPATH=. .venv/bin/python -m bench.page_weight [--database sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import gzip
import random
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bench.cohort_dashboard import generate_cohort, make_app
from bench.harness import (
    BenchError,
    app_environment,
    engine_name,
    gunicorn,
    migrate_and_load,
    print_table,
    say,
    scratch_database,
)
from bench.population import PASSWORD, add_learners, analyze
from bench.quiz_submit import MODULE, some_response
from bench.throughput import schema_note
from lms.certification import services as certification
from lms.content.urls import module_url, section_url
from lms.extensions import db
from lms.learning.progress import module_progress
from lms.models import (
    CohortMembership,
    CohortRole,
    Competency,
    IssueMode,
    Module,
    Organisation,
    RenewalBasis,
    Role,
    Section,
    User,
)
from lms.models.base import utcnow
from lms.practice import services as practice
from lms.quiz import services as quiz

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu"]
BUDGET_KB = 150
#: "Slow 3G" as the issue defines it: 400 ms latency, about 400 kbit/s each way.
SLOW_3G = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400 * 1000 / 8,
    "uploadThroughput": 400 * 1000 / 8,
}
READABLE_SHARE = 0.9  # of the main text with JavaScript on
TEXT_TYPES = {"document", "stylesheet", "script"}  # what a proxy would compress


@dataclass(frozen=True)
class JourneyPage:
    """A page to measure, and who looks at it (None: anonymous)."""

    journey: str
    name: str
    path: str
    who: str | None


@dataclass(frozen=True)
class PageMeasure:
    """What was measured on one page."""

    page: JourneyPage
    status: int
    kilobytes: float
    gzip_kilobytes: float
    requests: int
    by_type: dict[str, float]
    readable: bool
    fcp_ms: float | None


def build_journeys(learners: int) -> tuple[list[JourneyPage], dict[str, str]]:
    """The data behind every page (in an app context); the pages and each role's e-mail."""
    org = Organisation(slug="mesure", name="Structure de mesure")
    db.session.add(org)
    db.session.flush()
    cohort = generate_cohort("Promotion mesurée", org, learners, seed=77)
    learner, trainer, admin = add_learners("journey", 3, org.id)
    people = db.session.scalars(select(User).where(User.id.in_([trainer.id, admin.id])))
    for person in people:
        person.role = Role.TRAINER if person.id == trainer.id else Role.ORG_ADMIN
    db.session.add_all(
        [
            CohortMembership(cohort_id=cohort.id, user_id=learner.id, role=CohortRole.LEARNER),
            CohortMembership(cohort_id=cohort.id, user_id=trainer.id, role=CohortRole.TRAINER),
        ]
    )
    db.session.commit()

    session = db.session()
    module = quiz.find_module(session, MODULE)
    assert module is not None
    sections = list(
        session.scalars(
            select(Section.slug).where(Section.module_id == module.id).order_by(Section.position)
        )
    )
    # a submitted attempt (result page) on the first module ...
    questions = quiz.live_questions(session, module.id)
    rng = random.Random(3)
    answers = {str(q.definition["id"]): some_response(q.definition, rng) for q in questions}
    outcome = quiz.submit_new_attempt(session, learner.id, module, "journey-1", answers, utcnow())
    submitted_id = outcome.attempt.id
    # ... and an open attempt (attempt page) on the second
    second = session.scalar(
        select(Module)
        .where(Module.retired_at.is_(None), Module.id != module.id)
        .order_by(Module.position)
    )
    assert second is not None
    open_id = quiz.start_attempt(session, learner.id, second, "journey-2", utcnow()).id
    # practical work submitted for review
    assignment = next(
        (found for slug in session.scalars(select(Module.slug).order_by(Module.position))
         if (found := practice.find_practice(session, slug)) is not None),
        None,
    )  # fmt: skip
    if assignment is None:
        raise BenchError("the course has no practical work to review")
    submission = practice.save_work(
        session,
        learner.id,
        assignment,
        text_md="## Nos activités\n\nAccueil de jour, formation, **chantier d'insertion**.",
        submit=True,
    )
    # a certification programme (quiz of the first module passed) and a certificate
    admin_user = session.get_one(User, admin.id)
    programme = certification.save_programme(
        session,
        actor=admin_user,
        organisation_id=org.id,
        programme=None,
        data=certification.ProgrammeInput(
            name="Parcours découverte",
            description="Atteste la découverte des modèles socio-économiques.",
            validity_months=24,
            issue_mode=IssueMode.APPROVAL,
            renewal_window_days=60,
            renewal_basis=RenewalBasis.EXPIRY,
            active=True,
            competency_levels={},
            module_requirements={module.id: (True, False)},
        ),
    )
    module_progress(session, learner.id, module.id).quiz_passed_at = utcnow()
    session.commit()
    certificate = certification.issue_certificate(
        session, programme=programme, user_id=learner.id, actor=admin_user
    )
    competency = session.scalar(select(Competency.code).order_by(Competency.id))
    assert competency is not None
    analyze()

    quiz_base = f"{module_url(MODULE)}/quiz"
    pages = [
        JourneyPage("learner", "home", "/", "learner"),
        JourneyPage("learner", "catalogue", "/modules", "learner"),
        JourneyPage("learner", "module page", module_url(MODULE), "learner"),
        JourneyPage("learner", "section page", section_url(MODULE, sections[0]), "learner"),
        JourneyPage("learner", "quiz page", quiz_base, "learner"),
        JourneyPage(
            "learner",
            "attempt page",
            f"{module_url(second.slug)}/quiz/attempts/{open_id}",
            "learner",
        ),
        JourneyPage("learner", "result page", f"{quiz_base}/attempts/{submitted_id}", "learner"),
        JourneyPage("learner", "profile", "/profile", "learner"),
        JourneyPage("learner", "framework", "/framework", "learner"),
        JourneyPage("trainer", "cohorts", "/cohorts", "trainer"),
        JourneyPage("trainer", "cohort dashboard", f"/cohorts/{cohort.id}", "trainer"),
        JourneyPage("trainer", "review queue", "/review", "trainer"),
        JourneyPage("trainer", "review page", f"/review/{submission.id}", "trainer"),
        JourneyPage(
            "org admin",
            "certification programme",
            f"/orgs/{org.slug}/certification/programmes/{programme.id}",
            "admin",
        ),
        JourneyPage(
            "org admin", "certificate verification", f"/certificates/{certificate.public_id}", None
        ),
    ]
    emails = {"learner": learner.email, "trainer": trainer.email, "admin": admin.email}
    return pages, emails


@contextmanager
def chromium() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise BenchError(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def signed_in_states(browser: Any, base_url: str, emails: dict[str, str]) -> dict[str, Any]:
    """Each role's cookies, signed in through the real form in the browser."""
    states: dict[str, Any] = {}
    for who, email in emails.items():
        context = browser.new_context(base_url=base_url)
        page = context.new_page()
        page.goto("/login")
        page.fill("#email", email)
        page.fill("#password", PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state("load")
        if "/login" in page.url:
            raise BenchError(f"the browser could not sign in as {email}")
        states[who] = context.storage_state()
        context.close()
    return states


@dataclass(frozen=True)
class Transfer:
    """A cold load of a page: what came over the network."""

    status: int
    size: int  # bytes, headers included
    requests: int
    by_type: dict[str, float]  # KB by CDP resource type
    gzip_saving: int  # bytes a compressing proxy would save on the text resources


def transferred(browser: Any, base_url: str, state: Any, path: str) -> Transfer:
    """What a cold load of `path` transfers (CDP: encodedDataLength at loadingFinished)."""
    context = browser.new_context(base_url=base_url, storage_state=state)
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        kinds: dict[str, str] = {}
        sizes: dict[str, int] = {}
        cdp.on("Network.responseReceived", lambda e: kinds.__setitem__(e["requestId"], e["type"]))
        cdp.on(
            "Network.loadingFinished",
            lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]),
        )
        responses: list[Any] = []
        page.on("response", lambda response: responses.append(response))
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        response = page.goto(path, wait_until="networkidle")
        by_type: dict[str, float] = {}
        for request_id, size in sizes.items():
            kind = kinds.get(request_id, "Other")
            by_type[kind] = by_type.get(kind, 0) + size / 1024
        saving = 0
        for item in responses:
            kind = item.request.resource_type
            encoding = item.headers.get("content-encoding")
            if kind in TEXT_TYPES and not encoding and item.status == 200:
                body = item.body()
                saving += max(0, len(body) - len(gzip.compress(body, 6)))
        return Transfer(
            response.status if response else 0, sum(sizes.values()), len(sizes), by_type, saving
        )
    finally:
        context.close()


def main_text(
    browser: Any, base_url: str, state: Any, path: str, javascript: bool
) -> tuple[str, str]:
    """The <h1> and the text of <main>, with JavaScript on or off."""
    context = browser.new_context(
        base_url=base_url, storage_state=state, java_script_enabled=javascript
    )
    try:
        page = context.new_page()
        page.goto(path, wait_until="load")
        heading = page.locator("h1").first.inner_text() if page.locator("h1").count() else ""
        body = page.locator("main").first.inner_text() if page.locator("main").count() else ""
        return heading.strip(), " ".join(body.split())
    finally:
        context.close()


def first_paint_slow_3g(browser: Any, base_url: str, state: Any, path: str) -> float | None:
    """First contentful paint (ms from navigation start) of a cold load on slow 3G."""
    context = browser.new_context(base_url=base_url, storage_state=state)
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Network.emulateNetworkConditions", SLOW_3G)
        page.goto(path, wait_until="load", timeout=120_000)
        value = page.evaluate(
            """() => new Promise(resolve => {
                const seen = performance.getEntriesByName('first-contentful-paint');
                if (seen.length) { resolve(seen[0].startTime); return; }
                new PerformanceObserver(list => {
                    const fcp = list.getEntriesByName('first-contentful-paint');
                    if (fcp.length) resolve(fcp[0].startTime);
                }).observe({type: 'paint', buffered: true});
                setTimeout(() => resolve(null), 5000);
            })"""
        )
        return float(value) if value is not None else None
    finally:
        context.close()


def measure_pages(
    base_url: str, pages: list[JourneyPage], emails: dict[str, str]
) -> list[PageMeasure]:
    """Every measurement of every page."""
    results = []
    with chromium() as browser:
        states = signed_in_states(browser, base_url, emails)
        anonymous: dict[str, Any] = {"cookies": [], "origins": []}
        for item in pages:
            say(f"page weight: {item.journey} / {item.name}")
            state = states[item.who] if item.who else anonymous
            cold = transferred(browser, base_url, state, item.path)
            on = main_text(browser, base_url, state, item.path, javascript=True)
            off = main_text(browser, base_url, state, item.path, javascript=False)
            readable = (
                bool(off[1]) and off[0] == on[0] and len(off[1]) >= READABLE_SHARE * len(on[1])
            )
            fcp = first_paint_slow_3g(browser, base_url, state, item.path)
            results.append(
                PageMeasure(
                    item,
                    cold.status,
                    cold.size / 1024,
                    (cold.size - cold.gzip_saving) / 1024,
                    cold.requests,
                    cold.by_type,
                    readable,
                    fcp,
                )
            )
    return results


def run(engine: str, learners: int) -> tuple[list[PageMeasure], list[str]]:
    """Prepare a database, serve it, measure every page."""
    with (
        scratch_database(engine, "escales_bench_pages") as url,
        tempfile.TemporaryDirectory() as instance,
    ):
        env = app_environment(url, Path(instance))
        say(f"page weight: preparing the {engine_name(url)} database")
        gaps = migrate_and_load(env)
        app = make_app(url)
        app.config["UPLOAD_DIR"] = str(Path(instance) / "uploads")
        with app.app_context():
            pages, emails = build_journeys(learners)
            db.session.remove()
            db.engine.dispose()
        with gunicorn("lms:create_app()", env, ready_path="/healthz") as server:
            results = measure_pages(server.base_url, pages, emails)
            if server.tracebacks():
                raise BenchError(f"the server logged errors: see {server.log}")
        return results, gaps


def print_results(results: list[PageMeasure], engine: str, gaps: list[str]) -> None:
    """The page-weight table."""
    rows = []
    for measure in results:
        kinds = measure.by_type
        other = sum(
            v
            for k, v in kinds.items()
            if k not in {"Document", "Stylesheet", "Script", "Font", "Image"}
        )
        rows.append(
            [
                f"{measure.page.journey}: {measure.page.name}",
                measure.status,
                measure.kilobytes,
                measure.gzip_kilobytes,
                measure.requests,
                kinds.get("Document", 0.0),
                kinds.get("Stylesheet", 0.0),
                kinds.get("Script", 0.0),
                kinds.get("Font", 0.0),
                kinds.get("Image", 0.0) + other,
                "yes" if measure.kilobytes < BUDGET_KB else "NO",
                "yes" if measure.readable else "NO",
                measure.fcp_ms,
            ]
        )
    notes = [
        f"KB transferred from an empty cache (headers included), budget < {BUDGET_KB} KB; "
        "img+: images, icons and other; the app compresses HTML, CSS and JS (brotli or gzip, "
        "as the browser accepts); KB gz: the same if a proxy also gzipped what came uncompressed",
        "no JS: same <h1> and >= 90% of the main text with javaScriptEnabled=False",
        "FCP: first contentful paint, slow 3G (400 ms latency, 400 kbit/s), cold cache, "
        f"Chromium headless; server: gunicorn 2 workers on {engine}",
    ]
    if gaps:
        notes.append(schema_note(engine, gaps))
    print_table(
        "Page weight, JavaScript off, first paint on slow 3G (Chromium)",
        [
            "page",
            "status",
            "KB",
            "KB gz",
            "requests",
            "html",
            "css",
            "js",
            "fonts",
            "img+",
            "< 150 KB",
            "no JS",
            "FCP ms",
        ],
        rows,
        notes,
    )


def main() -> None:
    """Measure every journey page and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--learners", type=int, default=100, help="learners of the measured cohort")
    args = parser.parse_args()
    results, gaps = run(args.database, args.learners)
    print_results(results, args.database, gaps)


if __name__ == "__main__":
    main()
