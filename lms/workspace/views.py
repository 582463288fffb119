"""HTML pages of the workspace area."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("workspace", __name__)
