"""HTML pages of the certification area."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("certification", __name__)
