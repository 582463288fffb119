"""HTML pages of the competency area."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("competency", __name__)
