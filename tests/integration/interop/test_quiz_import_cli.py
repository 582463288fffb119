"""`flask content import-gift|import-aiken`: into a module's quiz.yaml, which still checks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lms.content.reader import check_course, read_course
from tests.conftest import FIXTURE_COURSE

FIXTURES = Path(__file__).parents[2] / "fixtures" / "interop"
QUIZ = Path("alpha/01-premier-module/quiz.yaml")


@pytest.fixture
def content(app_ctx, tmp_path, monkeypatch):
    """A writable copy of the fixture course, used as CONTENT_DIR."""
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_COURSE, root)
    monkeypatch.setitem(app_ctx.config, "CONTENT_DIR", str(root))
    return root


def test_gift_file_is_appended_to_the_module_quiz_which_still_checks(runner, content):
    before = (content / QUIZ).read_text(encoding="utf-8")
    result = runner.invoke(
        args=[
            "content",
            "import-gift",
            str(FIXTURES / "escale-02.gift"),
            "--module",
            "premier-module",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "added 5 question(s)" in result.output
    assert "every question is linked to TST-01" in result.output
    after = (content / QUIZ).read_text(encoding="utf-8")
    assert after.startswith(before)  # existing questions and layout untouched
    assert check_course(content) == []
    module = read_course(content).module("premier-module")
    assert [q.key for q in module.questions] == [
        "trois-piliers",
        "budget-suffit",
        "q1-ratio-d-independance",
        "q2-symboles",
        "q3",
        "q4-alliances",
        "q5-alliances-bis",
    ]
    ratio = module.questions[2].definition
    assert (ratio["type"], ratio["answer"], ratio["tolerance"]) == ("numeric", 40.0, 0.5)
    assert module.questions[2].competencies == (("TST-01", 1.0),)


def test_importing_the_same_file_twice_is_refused_and_changes_nothing(runner, content):
    args = [
        "content",
        "import-gift",
        str(FIXTURES / "escale-02.gift"),
        "--module",
        "premier-module",
    ]
    assert runner.invoke(args=args).exit_code == 0
    once = (content / QUIZ).read_text(encoding="utf-8")
    result = runner.invoke(args=args)
    assert result.exit_code == 1
    assert "question id 'q1-ratio-d-independance' is already used" in result.output
    assert (content / QUIZ).read_text(encoding="utf-8") == once


def test_unsupported_constructs_are_all_reported_and_the_rest_is_imported(runner, content):
    result = runner.invoke(
        args=[
            "content",
            "import-gift",
            str(FIXTURES / "unsupported.gift"),
            "--module",
            "second-module",
        ]
    )
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if ": error: " in line]
    source = str(FIXTURES / "unsupported.gift")
    assert [line.split(":")[1] for line in lines] == [
        "3",
        "5",
        "7",
        "9",
        "11",
        "13",
        "15",
        "17",
        "21",
    ]
    assert all(line.startswith(f"{source}:") for line in lines)
    # The Markdown link to an unknown module is caught like `flask content check` would.
    assert "link to unknown module 'inexistant'" in lines[-1]
    assert "added 1 question(s): poids" in result.output
    assert check_course(content) == []


def test_category_option_imports_one_category(runner, content):
    result = runner.invoke(
        args=[
            "content",
            "import-gift",
            str(FIXTURES / "escale-02.gift"),
            "--module",
            "troisieme",
            "--category",
            "Hybrider/Alliances",
        ]
    )
    assert result.exit_code == 0, result.output
    keys = [q.key for q in read_course(content).module("troisieme").questions]
    assert keys == ["territoire", "q4-alliances", "q5-alliances-bis"]


def test_aiken_to_an_output_file(runner, content, tmp_path):
    output = tmp_path / "quiz.yaml"
    result = runner.invoke(
        args=[
            "content",
            "import-aiken",
            str(FIXTURES / "escale-01-aiken.txt"),
            "--module",
            "premier-module",
            "--output",
            str(output),
        ]
    )
    assert result.exit_code == 1  # two questions of the file are broken
    assert "added 2 question(s)" in result.output
    assert f"{FIXTURES / 'escale-01-aiken.txt'}:12: error:" in result.output
    text = output.read_text(encoding="utf-8")
    assert text.startswith("questions:\n  - id: quel-pilier-regroupe")
    # Dropped into the module, the file checks.
    shutil.copy(output, content / QUIZ)
    assert check_course(content) == []


def test_dry_run_writes_nothing_and_unknown_module_is_refused(runner, content):
    before = (content / QUIZ).read_text(encoding="utf-8")
    gift = str(FIXTURES / "escale-02.gift")
    dry = runner.invoke(
        args=["content", "import-gift", gift, "--module", "premier-module", "--dry-run"]
    )
    assert dry.exit_code == 0 and "would add 5 question(s)" in dry.output
    unknown = runner.invoke(args=["content", "import-gift", gift, "--module", "nulle-part"])
    assert unknown.exit_code == 1 and "no module with slug 'nulle-part'" in unknown.output
    assert (content / QUIZ).read_text(encoding="utf-8") == before
