"""Use cases for the course content: check a tree, load it into the database."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from lms.content.loading import LoadReport, load_course
from lms.content.reader import check_course, read_course
from lms.content.validation import ContentError, Problem
from lms.extensions import db

__all__ = ["ContentError", "LoadResult", "Problem", "check_content", "content_root", "load_content"]


def content_root(path: str | Path | None = None) -> Path:
    """The content folder to use: `path`, or the CONTENT_DIR setting."""
    return Path(path or current_app.config["CONTENT_DIR"])


def check_content(path: str | Path | None = None) -> list[Problem]:
    """Every problem of the content tree, sorted by file and line (empty when valid)."""
    return check_course(content_root(path))


@dataclass(frozen=True)
class LoadResult:
    """A load's report and how long reading and loading took."""

    report: LoadReport
    seconds: float


def load_content(path: str | Path | None = None) -> LoadResult:
    """Validate then load the course in one transaction; raises ContentError, changing nothing."""
    started = time.perf_counter()
    course = read_course(content_root(path))
    report = load_course(db.session(), course)
    return LoadResult(report=report, seconds=time.perf_counter() - started)
