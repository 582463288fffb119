"""Pages of the interop area: the API reference, and xAPI statement downloads.

Downloads are the same statements as GET /api/v1/xapi/statements, as one JSON file in the
shape an LRS answers (`{"statements": [...], "more": ""}`), streamed page by page.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    stream_with_context,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.access import role_required
from lms.extensions import api_spec, db
from lms.interop.apidocs import api_reference
from lms.interop.xapi_services import ExportRefused, StatementFilter, iter_statements, scoped_query
from lms.models import Role

bp = Blueprint("interop", __name__)


@bp.get("/api/docs")
def api_docs() -> str:
    """The API reference, rendered on the server from the OpenAPI document (no script)."""
    return render_template(
        "interop/api_docs.html",
        tags=api_reference(api_spec.spec),
        info=api_spec.spec.get("info", {}),
        api_rate_limit=current_app.config["API_RATE_LIMIT"],
        login_rate_limit=current_app.config["LOGIN_RATE_LIMIT"],
    )


def _period() -> tuple[datetime | None, datetime | None]:
    """`since` and `until` query parameters (ISO 8601); 400 when they do not parse."""
    bounds = []
    for name in ("since", "until"):
        raw = request.args.get(name, "").strip()
        try:
            bounds.append(datetime.fromisoformat(raw) if raw else None)
        except ValueError:
            abort(400, _("'%(name)s' must be a date or a date and time (ISO 8601).", name=name))
    return bounds[0], bounds[1]


def _download(wanted: StatementFilter, filename: str) -> Response:
    """Stream the statements the current user may read as one JSON document."""
    viewer = current_user._get_current_object()
    try:
        scoped_query(db.session(), viewer, wanted)  # refuses before the stream starts
    except ExportRefused as refused:
        abort(refused.status)

    def chunks() -> Iterator[str]:
        yield '{"statements": ['
        for index, statement in enumerate(iter_statements(db.session(), viewer, wanted)):
            yield ("," if index else "") + json.dumps(statement, ensure_ascii=False)
        yield '], "more": ""}\n'

    response = Response(stream_with_context(chunks()), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/xapi/statements.json")
@login_required
def my_statements() -> Any:
    """Download my learning records (xAPI statements), optionally for a period."""
    since, until = _period()
    return _download(
        StatementFilter(user_id=current_user.id, since=since, until=until), "escales-xapi.json"
    )


@bp.get("/xapi/cohorts/<int:cohort_id>/statements.json")
@role_required(Role.TRAINER, Role.ORG_ADMIN)
def cohort_statements(cohort_id: int) -> Any:
    """Download the learning records of a cohort's learners (trainers who follow it)."""
    since, until = _period()
    return _download(
        StatementFilter(cohort_id=cohort_id, since=since, until=until),
        f"escales-xapi-cohort-{cohort_id}.json",
    )
