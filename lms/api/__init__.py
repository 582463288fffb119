"""The JSON API under /api/v1: bearer tokens, one error shape, an OpenAPI 3.1 document.

Each resource lives in its own module and declares its schemas with pydantic;
`api_spec` (spectree) turns them into the OpenAPI document at /api/v1/openapi.json.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify

from lms.api.core import ApiError, handle_api_error
from lms.extensions import api_spec, limiter

bp = Blueprint("api", __name__)
bp.register_error_handler(ApiError, handle_api_error)
limiter.limit(lambda: str(current_app.config["API_RATE_LIMIT"]))(bp)


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 document of this API, generated from the endpoints' schemas."""
    return jsonify(api_spec.spec)


# Each module registers its routes on bp.
from lms.api import auth as _auth  # noqa: E402,F401
from lms.api import certification as _certification  # noqa: E402,F401
from lms.api import cohorts as _cohorts  # noqa: E402,F401
from lms.api import competency as _competency  # noqa: E402,F401
from lms.api import courses as _courses  # noqa: E402,F401
from lms.api import interop as _interop  # noqa: E402,F401
from lms.api import practice as _practice  # noqa: E402,F401
from lms.api import quiz as _quiz  # noqa: E402,F401
from lms.api import workspace as _workspace  # noqa: E402,F401
