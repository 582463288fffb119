"""API endpoints of the cohorts area."""

from __future__ import annotations

from lms.api import bp  # noqa: F401
