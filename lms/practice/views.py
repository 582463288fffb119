"""HTML pages of the practice area."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("practice", __name__)
