"""HTML pages of the quiz area."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("quiz", __name__)
