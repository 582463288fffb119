"""Flask extensions, created unbound here and bound by create_app()."""

from __future__ import annotations

from flask import request
from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from spectree import SecurityScheme, SecuritySchemeData, SpecTree

import lms.rate_limit_storage  # noqa: F401  (registers escales-memory:// with limits)
from lms.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Pages, CSS and JSON are sent compressed to clients that accept it (settings: COMPRESS_*).
compress = Compress()
#: Blueprints whose pages carry no rate limit: the limiter skips them outright.
UNLIMITED_BLUEPRINTS = frozenset({"courses"})


class _Limiter(Limiter):
    """Flask-Limiter's limiter, returning at once for the pages of UNLIMITED_BLUEPRINTS.

    Reading the course (the busiest pages) declares no limit, yet the limiter would work
    out for every request which limits apply, and a request filter is consulted only once
    much of that work is done. A test checks that no route of these blueprints is declared
    with a limit (one would be ignored).
    """

    def _check_request_limit(
        self, callable_name: str | None = None, in_middleware: bool = True
    ) -> None:
        # Flask-Limiter's before-request hook (pinned version: see requirements.txt).
        if in_middleware and request.blueprint in UNLIMITED_BLUEPRINTS:
            return
        super()._check_request_limit(callable_name, in_middleware)


# Limits are declared per route; storage comes from RATELIMIT_STORAGE_URI.
limiter = _Limiter(key_func=get_remote_address, default_limits=[])


# The OpenAPI 3.1 document is generated from the endpoints' pydantic schemas.
api_spec = SpecTree(
    "flask",
    title="Escales API",
    version="1",
    path="api/v1/spec",  # unused: the document is served by lms.api at /api/v1/openapi.json
    page_templates={},
    annotations=False,
    mode="strict",  # only the endpoints that declare schemas belong to the API document
    security_schemes=[
        SecurityScheme(
            name="bearer",
            data=SecuritySchemeData(type="http", scheme="bearer"),  # type: ignore[arg-type]
        )
    ],
)
