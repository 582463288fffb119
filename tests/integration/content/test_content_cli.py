"""`flask content check` and `flask content load`."""

from __future__ import annotations

import re
import shutil

from lms.extensions import db
from lms.models import Module
from tests.conftest import FIXTURE_COURSE, REAL_COURSE


def test_check_passes_on_the_real_course(runner):
    result = runner.invoke(args=["content", "check", str(REAL_COURSE)])
    assert result.exit_code == 0, result.output
    assert "valid" in result.output


def test_check_reports_every_problem_as_path_line_message(runner, tmp_path):
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_COURSE, root)
    quiz = root / "alpha" / "01-premier-module" / "quiz.yaml"
    quiz.write_text(
        quiz.read_text().replace(
            "text: Budget, trésorerie, bilan",
            "text: Budget, trésorerie, bilan\n        correct: true",
        )
    )
    module_yaml = root / "beta" / "01-troisieme" / "module.yaml"
    module_yaml.write_text(module_yaml.read_text() + "durée: 3\n")
    result = runner.invoke(args=["content", "check", str(root)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert all(re.match(r"^content/[^:]+:\d+: .+", line) for line in lines), lines
    assert any(line.startswith("content/alpha/01-premier-module/quiz.yaml:") for line in lines)
    assert any(
        line.startswith("content/beta/01-troisieme/module.yaml:")
        and "unknown field 'durée'" in line
        for line in lines
    )


def test_load_prints_a_summary_and_refuses_broken_content(app_ctx, runner, tmp_path):
    result = runner.invoke(args=["content", "load", str(FIXTURE_COURSE)])
    assert result.exit_code == 0, result.output
    assert "modules: 3 created" in result.output
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_COURSE, root)
    (root / "alpha" / "theme.yaml").write_text("title: [unclosed\n")
    result = runner.invoke(args=["content", "load", str(root)])
    assert result.exit_code == 1
    assert "content/alpha/theme.yaml:2: invalid YAML" in result.output
    assert "Nothing was loaded." in result.output
    assert db.session.scalar(db.select(db.func.count(Module.id))) == 3
