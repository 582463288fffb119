"""Fixtures of the quiz tests (helpers and answers are in helpers.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lms.content.services import load_content
from tests.integration.quiz.helpers import QUIZ_COURSE


@pytest.fixture
def quiz_course(app_ctx):
    """The quiz-course fixture, loaded."""
    load_content(QUIZ_COURSE)


@pytest.fixture
def editable_course(tmp_path: Path) -> Path:
    """A copy of the quiz-course fixture that a test may edit and reload."""
    target = tmp_path / "quiz-course"
    shutil.copytree(QUIZ_COURSE, target)
    return target
