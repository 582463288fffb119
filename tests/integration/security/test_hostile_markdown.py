"""Markdown written by authors and by learners cannot carry script into a page.

Two barriers: `flask content check` (and so the loader) refuses lessons with raw HTML or
links with a forbidden scheme, naming the file and line; and whatever Markdown is
rendered (lessons, quiz text, practical work, reviews) goes through the bleach
allow-list, so even Markdown that skipped the checker comes out inert.
"""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from lms.content.rendering import render_inline, render_markdown
from tests.conftest import FIXTURE_COURSE
from tests.factories import make_user

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '<a href="javascript:alert(1)">click</a>',
    "<iframe src=https://evil.example></iframe>",
    "<style>body{display:none}</style>",
    '<p style="position:fixed" onclick="alert(1)">x</p>',
    "<svg><script>alert(1)</script></svg>",
    "<object data=https://evil.example></object>",
    '<form action="https://evil.example"><input name=password></form>',
    "[x](vbscript:msgbox(1))",
    "<details open ontoggle=alert(1)>",
    "<<script>script>alert(1)<</script>/script>",
]
FORBIDDEN_TAGS = {"script", "iframe", "object", "embed", "style", "svg", "form", "input", "details"}
SAFE_SCHEMES = {"http", "https", "mailto"}


class _Elements(HTMLParser):
    """The elements of an HTML fragment, with their attributes (text is ignored)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, {name: value or "" for name, value in attrs}))


def dangers(html: str) -> list[str]:
    """What in `html` could run or restyle the page: tags, handlers, styles, link schemes."""
    parser = _Elements()
    parser.feed(html)
    problems = []
    for tag, attrs in parser.found:
        if tag in FORBIDDEN_TAGS:
            problems.append(f"<{tag}>")
        for name, value in attrs.items():
            scheme = urlsplit(value.strip()).scheme.lower()
            if name.startswith("on") or name == "style":
                problems.append(f"{tag}[{name}]")
            elif name in ("href", "src") and scheme and scheme not in SAFE_SCHEMES:
                problems.append(f"{tag}[{name}={value}]")
    return problems


def test_the_detector_sees_what_would_run():
    assert dangers('<a href=" JavaScript:alert(1)">x</a><p onclick="x">') == [
        "a[href= JavaScript:alert(1)]",
        "p[onclick]",
    ]
    assert dangers("<p>&lt;script&gt; onerror=1</p><a href='/modules'>ok</a>") == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_sanitiser_leaves_nothing_that_runs(payload):
    for html in (render_markdown(payload).html, render_inline(payload)):
        assert dangers(html) == [], html


def test_the_content_checker_refuses_raw_html_and_script_links(runner, tmp_path):
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_COURSE, root)
    lesson = root / "alpha" / "01-premier-module" / "01-introduction.md"
    lesson.write_text(
        lesson.read_text() + "\n<script>alert(1)</script>\n\n[click](javascript:alert(1))\n"
    )
    result = runner.invoke(args=["content", "check", str(root)])
    assert result.exit_code == 1
    problems = [line for line in result.output.splitlines() if "01-introduction.md:" in line]
    assert any("raw HTML" in line for line in problems), result.output
    assert len(problems) >= 2, result.output  # the link's scheme is refused too


def test_a_learners_markdown_is_inert_for_the_trainer_who_reviews_it(app_ctx, course, client, auth):
    from lms.models import CohortRole, Role
    from tests.factories import enrol, make_cohort, make_org
    from tests.integration.cohorts.helpers import submit_work

    org = make_org()
    cohort = make_cohort(org)
    trainer = make_user(Role.TRAINER, org, email="trainer@example.org")
    enrol(cohort, trainer, CohortRole.TRAINER)
    learner = make_user(org=org, email="learner@example.org")
    enrol(cohort, learner)
    submission = submit_work(learner, "\n\n".join(PAYLOADS))

    auth.login("learner@example.org")
    own_page = client.get("/modules/premier-module/practice").get_data(as_text=True)
    auth.logout()
    auth.login("trainer@example.org")
    review_page = client.get(f"/review/{submission.id}").get_data(as_text=True)
    for page in (own_page, review_page):
        work = page.split('class="prose"', 1)[1].split("</div>", 1)[0]
        assert dangers(work) == [], work
