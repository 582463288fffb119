"""Browser tests: the app served on 127.0.0.1 in a thread, driven by Debian's Chromium.

With CI=true a missing Chromium is an error, not a skip. The server has its
own database (a SQLite file, or TEST_DATABASE_URL), emptied after each test.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from config import TestConfig
from lms import create_app
from lms.extensions import db
from tests.conftest import IS_CI, ON_POSTGRES, empty_database

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium_or_skip() -> None:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        if IS_CI:
            pytest.fail(f"Chromium is required in CI and was not found at {CHROMIUM}")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")


@pytest.fixture(scope="session")
def browser_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """A separate application for the live server, on a database threads can share."""
    folder = tmp_path_factory.mktemp("browser")

    class BrowserConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = (
            TestConfig.SQLALCHEMY_DATABASE_URI
            if ON_POSTGRES
            else f"sqlite:///{folder / 'browser.sqlite'}"
        )
        UPLOAD_DIR = str(folder / "uploads")

    application = create_app(BrowserConfig)
    with application.app_context():
        db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(browser_app: Flask) -> Iterator[str]:
    """Serve `browser_app` on a free port of 127.0.0.1; yields the base URL."""
    server = make_server("127.0.0.1", 0, browser_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def browser_db(browser_app: Flask) -> Iterator[Flask]:
    """An app context on the live server's database, emptied after the test."""
    with browser_app.app_context():
        yield browser_app
        empty_database()


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """One headless Chromium for the session."""
    _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server: str) -> Iterator[object]:
    """A fresh browser page (own cookies), with the live server as base URL."""
    context = chromium.new_context(base_url=live_server, locale="fr-FR")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page, email: str, password: str) -> None:
    """Sign in through the real form."""
    page.goto("/login")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


# --- Journeys: languages, viewports, screenshots on failure, axe-core -----------------------

LANGUAGES = {"fr": "fr-FR", "en": "en-GB"}
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results"
AXE_JS = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_INSTALL = "npm ci --prefix tests/browser --no-audit --no-fund"
# Impacts that fail a page; "moderate" and "minor" findings are left to review by hand.
AXE_FAILING_IMPACTS = ("serious", "critical")
AXE_ALL_IMPACTS = ("minor", "moderate", "serious", "critical")


@pytest.fixture(params=sorted(LANGUAGES))
def language(request: pytest.FixtureRequest) -> str:
    """The interface language of a journey: each journey runs in French and in English."""
    return str(request.param)


@pytest.fixture(params=sorted(VIEWPORTS))
def viewport(request: pytest.FixtureRequest) -> str:
    """The screen of a journey: a desktop and a phone."""
    return str(request.param)


def new_context(chromium, live_server: str, language: str = "fr", viewport: str = "desktop"):
    """A browser context (own cookies) speaking `language` on the `viewport` screen."""
    context = chromium.new_context(
        base_url=live_server, locale=LANGUAGES[language], **VIEWPORTS[viewport]
    )
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def journey_page(chromium, live_server: str, language: str, viewport: str) -> Iterator[object]:
    """A fresh page in the journey's language and on its screen."""
    context = new_context(chromium, live_server, language, viewport)
    yield context.new_page()
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    """When a browser test fails, save a screenshot of every open page to test-results/."""
    outcome = yield
    report = outcome.get_result()
    browser = getattr(item, "funcargs", {}).get("chromium")
    if report.when != "call" or not report.failed or browser is None:
        return
    RESULTS_DIR.mkdir(exist_ok=True)
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in item.nodeid.split("::", 1)[-1])
    pages = [p for context in browser.contexts for p in context.pages]
    saved = []
    for number, open_page in enumerate(pages, start=1):
        path = RESULTS_DIR / f"{stem}-{number}.png"
        try:
            open_page.screenshot(path=str(path), full_page=True)
        except Exception as error:  # a crashed page must not hide the test's own failure
            saved.append(f"{open_page.url}: no screenshot ({error})")
        else:
            saved.append(f"{open_page.url} -> {path}")
    report.sections.append(("screenshots", "\n".join(saved) or "no open page"))


# The outermost elements sticking out of the page on the right (empty when nothing does).
TOO_WIDE_JS = """() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth + 1) return [];
  const out = [...document.body.querySelectorAll('*')].filter(el => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.right > root.clientWidth + 1;
  });
  return out.filter(el => !out.includes(el.parentElement)).slice(0, 5).map(el =>
    el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    [...el.classList].map(c => '.' + c).join('') +
    ' (' + Math.round(el.getBoundingClientRect().right) + 'px)');
}"""


# Charts (SVG not hidden from assistive technologies) without a text alternative: each
# must be an image (role="img") named by aria-labelledby (its <title>/<desc>) or aria-label.
CHART_WITHOUT_TEXT_JS = """() => [...document.querySelectorAll('svg')]
  .filter(svg => !svg.closest('[aria-hidden="true"]'))
  .filter(svg => {
    const ids = (svg.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
    const name = ids.map(id => (document.getElementById(id) || {}).textContent || '').join(' ')
      + (svg.getAttribute('aria-label') || '');
    return svg.getAttribute('role') !== 'img' || !name.trim();
  })
  .map(svg => svg.outerHTML.slice(0, 120))"""


class Axe:
    """axe-core, injected into pages to check them for accessibility violations.

    The script is run with `page.evaluate` (the DevTools protocol), not as a page script,
    so the application's Content-Security-Policy stays as strict as in production.
    """

    def __init__(self, source: str) -> None:
        self.source = source

    def violations(self, page, impacts: tuple[str, ...] = AXE_FAILING_IMPACTS) -> list[dict]:
        """The axe-core violations of the page as it is now, of the given impacts (by
        default the serious and critical ones)."""
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(self.source)
        result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        return [v for v in result["violations"] if v["impact"] in impacts]

    def check(self, page) -> None:
        """Fail with a readable message unless the page has no serious or critical axe-core
        violation, a text alternative for every chart, and fits the screen's width."""
        page.wait_for_load_state()
        found = self.violations(page)
        assert not found, f"accessibility violations on {page.url}:\n" + describe_violations(found)
        unnamed_charts = page.evaluate(CHART_WITHOUT_TEXT_JS)
        assert not unnamed_charts, (
            f"charts without a text alternative on {page.url}: {unnamed_charts}"
        )
        # Reflow (WCAG 1.4.10): on a phone, only wide tables scroll, in their own region.
        too_wide = page.evaluate(TOO_WIDE_JS)
        assert not too_wide, f"{page.url} is wider than the screen, because of: {too_wide}"


def describe_violations(violations: list[dict]) -> str:
    """One line per rule and element: impact, rule id, what it needs, where."""
    lines = []
    for violation in violations:
        for node in violation["nodes"]:
            lines.append(
                f"  {violation['impact']} {violation['id']} ({violation['help']}):"
                f" {' '.join(map(str, node['target']))} {node['html'][:120]}"
            )
    return "\n".join(lines)


@pytest.fixture(scope="session")
def axe() -> Axe:
    """axe-core from tests/browser/node_modules (required with CI=true)."""
    if not AXE_JS.exists():
        message = f"axe-core is not installed at {AXE_JS} (run: {AXE_INSTALL})"
        if IS_CI:
            pytest.fail(message)
        pytest.skip(message)
    return Axe(AXE_JS.read_text(encoding="utf-8"))


def sign_in_as(page, email: str, password: str) -> None:
    """Sign in through the real form, found by its fields' ids (works in any language)."""
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def assert_language(page, language: str) -> None:
    """The page is served in `language` (its <html lang>)."""
    assert page.locator("html").get_attribute("lang") == language, page.url
