"""HTML pages of the cohorts area."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("cohorts", __name__)
