"""API endpoints of the workspace area (« Mon modèle socio-économique »).

The document is the one the pages edit (lms/workspace/schemas.py): GET it (its revision
is the ETag), change it, PUT it back with If-Match; invalid data is refused with one
message per field (422) and nothing is saved, a stale revision with 412. Indicators, positioning
and the method's progress are computed, read-only. Workspaces one may not see answer
404, like workspaces that do not exist.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Response, jsonify, request
from pydantic import BaseModel, Field

from lms.api import bp
from lms.api.core import ApiError, ErrorResponse, current_api_user, documented, token_required
from lms.extensions import db
from lms.workspace import labels, pdf, services
from lms.workspace.analysis import Analysis, analyse
from lms.workspace.formatting import page_formatter
from lms.workspace.reasons import PLAIN, Reason
from lms.workspace.schemas import WorkspaceData
from lms.workspace.summary import gap_label


class WorkspaceListQuery(BaseModel):
    """Pagination over the workspaces I may see."""

    limit: int = Field(default=20, ge=1, le=100)
    cursor: str | None = Field(
        default=None, max_length=20, description="`next_cursor` of the previous page."
    )


class WorkspaceCardOut(BaseModel):
    """A workspace I may see."""

    id: int
    name: str
    personal: bool = Field(description="A learner's own workspace, not an organisation's.")
    can_edit: bool
    shared_reading: bool = Field(description="Seen as a trainer of a cohort it is shared with.")
    updated_at: datetime


class WorkspacePage(BaseModel):
    """One page of workspaces, by id."""

    items: list[WorkspaceCardOut]
    next_cursor: str | None


class ReasonOut(BaseModel):
    """A sentence explaining a result, in English, with the figures behind it."""

    text: str = Field(
        examples=["68 % of resources are public subsidies for the organisation's project."]
    )
    message: str = Field(description="The sentence's template (msgid).")
    params: dict[str, Any]


class FamilyOut(BaseModel):
    """A resource family in a year."""

    family: str = Field(examples=["public_subsidies"])
    amount: int
    share: float = Field(description="Per cent of the year's resources.")


class FunderOut(BaseModel):
    """A named funder in a year."""

    funder: str
    amount: int
    share: float


class YearOut(BaseModel):
    """The indicators of one year."""

    year: int
    total_resources: int
    families: list[FamilyOut]
    groups: dict[str, float] = Field(description="public, private, activity, other: per cent.")
    funders: list[FunderOut]
    largest_funder: FunderOut | None
    dependency: str = Field(examples=["marked"], description="none, limited, marked or high.")
    funder_hhi: int | None = Field(description="Herfindahl–Hirschman index on funders, 0–10 000.")
    family_hhi: int | None
    multi_year_share: float | None
    full_costs: int
    balance: int | None
    employees_fte: float
    volunteer_fte: float = Field(description="Volunteers' and board members' hours ÷ 1 607.")
    total_fte: float
    human_riches_shares: dict[str, float]
    alliances_by_form: dict[str, int]
    alliances_by_kind: dict[str, int]


class ModelOut(BaseModel):
    """A resource model the year leans towards (an aid to discussion, not a verdict)."""

    model: str = Field(examples=["public_subsidies"])
    label: str = Field(examples=["Public subsidies"])
    strength: str = Field(examples=["main"], description="main (≥ 50 %), marked (≥ 25 %), present.")
    share: float | None
    reasons: list[ReasonOut]


class PositioningOut(BaseModel):
    """The positioning of one year in the typology of resource models (M05)."""

    year: int
    models: list[ModelOut]
    readings: list[ReasonOut]
    caveats: list[ReasonOut]


class ChangeOut(BaseModel):
    """One indicator from one described year to the next."""

    from_year: int
    to_year: int
    metric: str
    before: float | None
    after: float | None
    delta: float | None = Field(description="Percentage points for shares.")
    relative: float | None = Field(description="Per cent of `before`, for amounts and counts.")


class StepOut(BaseModel):
    """A step of the method and its tasks."""

    step: int
    tasks: dict[str, bool]


class GapOut(BaseModel):
    """A figure of the target beside its current value."""

    gauge: str
    subject: str | None
    label: str
    current: float | None
    target: float
    gap: float | None
    within_ceiling: bool | None


class IndicatorsOut(BaseModel):
    """Everything computed from the document."""

    workspace_id: int
    revision: int
    years: list[YearOut]
    changes: list[ChangeOut]
    positioning: list[PositioningOut]
    steps: list[StepOut]
    advice: list[ReasonOut]
    target_gaps: list[GapOut]


def _open(workspace_id: int) -> services.Opened:
    try:
        return services.open_workspace(db.session(), current_api_user(), workspace_id)
    except services.NotFound as error:
        raise ApiError(404, "not_found", "This workspace does not exist.") from error


def _reason(reason: Reason) -> dict[str, Any]:
    params = {name: PLAIN.value(value) for name, value in reason.params.items()}
    return {"text": PLAIN.reason(reason), "message": reason.message, "params": params}


def _indicators(opened: services.Opened, analysis: Analysis) -> dict[str, Any]:
    years = []
    for y in analysis.years:
        largest = y.concentration.largest
        years.append(
            {
                "year": y.year,
                "total_resources": y.total_resources,
                "families": [
                    {"family": f.family.value, "amount": f.amount, "share": f.share}
                    for f in y.families
                ],
                "groups": {g.group.value: g.share for g in y.groups},
                "funders": [
                    {"funder": f.funder, "amount": f.amount, "share": f.share} for f in y.funders
                ],
                "largest_funder": (
                    {"funder": largest.funder, "amount": largest.amount, "share": largest.share}
                    if largest
                    else None
                ),
                "dependency": y.concentration.dependency.value,
                "funder_hhi": y.concentration.funder_hhi,
                "family_hhi": y.concentration.family_hhi,
                "multi_year_share": y.multi_year_share,
                "full_costs": y.activity_totals.costs,
                "balance": y.balance,
                "employees_fte": float(y.human.parts[0].fte),
                "volunteer_fte": float(y.human.volunteer_fte),
                "total_fte": float(y.human.total_fte),
                "human_riches_shares": {p.form.value: p.share for p in y.human.parts},
                "alliances_by_form": {k.value: n for k, n in y.alliances.by_form.items()},
                "alliances_by_kind": {k.value: n for k, n in y.alliances.by_kind.items()},
            }
        )
    return {
        "workspace_id": opened.info.id,
        "revision": opened.info.revision,
        "years": years,
        "changes": [
            {
                "from_year": c.from_year,
                "to_year": c.to_year,
                "metric": m.metric.value,
                "before": m.before,
                "after": m.after,
                "delta": m.delta,
                "relative": m.relative,
            }
            for c in analysis.changes
            for m in c.metrics
        ],
        "positioning": [
            {
                "year": year,
                "models": [
                    {
                        "model": m.model.value,
                        "label": labels.MODELS[m.model],
                        "strength": m.strength.value,
                        "share": m.share,
                        "reasons": [_reason(r) for r in m.reasons],
                    }
                    for m in p.matches
                ],
                "readings": [_reason(r) for r in p.readings],
                "caveats": [_reason(r) for r in p.caveats],
            }
            for year, p in sorted(analysis.positioning.items())
        ],
        "steps": [
            {"step": int(s.step), "tasks": {task.value: done for task, done in s.tasks}}
            for s in analysis.progress
        ],
        "advice": [_reason(r) for r in analysis.advice],
        "target_gaps": [
            {
                "gauge": g.gauge.value,
                "subject": g.subject.value if g.subject else None,
                "label": gap_label(PLAIN.translate, g),
                "current": g.current,
                "target": g.target,
                "gap": g.gap,
                "within_ceiling": g.met,
            }
            for g in analysis.target_gaps
        ],
    }


def _document(opened: services.Opened) -> Response:
    """The document as JSON, its revision as the ETag (send it back in If-Match)."""
    response = jsonify(opened.data.dump())
    response.set_etag(str(opened.info.revision))
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def _expected_revision() -> int | None:
    """The revision named by If-Match (None when absent; 412 when it is not a revision)."""
    if not request.if_match or request.if_match.star_tag:
        return None
    tags = list(request.if_match.as_set())
    if len(tags) != 1 or not tags[0].isdigit():
        raise ApiError(412, "precondition_failed", 'If-Match must hold one revision, e.g. "12".')
    return int(tags[0])


@bp.get("/workspaces")
@token_required()
@documented(tags=["workspace"], query=WorkspaceListQuery, responses={200: WorkspacePage})
def list_workspaces() -> tuple[dict[str, Any], int]:
    """The workspaces I may see: given access to, or shared with cohorts I train (by id)."""
    query: WorkspaceListQuery = request.context.query  # type: ignore[attr-defined]
    after = None
    if query.cursor:
        if not query.cursor.isdigit():
            raise ApiError(422, "validation_error", "The cursor is invalid.", {"cursor": "invalid"})
        after = int(query.cursor)
    cards = services.workspaces_page(
        db.session(), current_api_user(), after_id=after, limit=query.limit
    )
    more = len(cards) > query.limit
    cards = cards[: query.limit]
    return {
        "items": [
            {
                "id": c.id,
                "name": c.name,
                "personal": c.personal,
                "can_edit": c.can_edit,
                "shared_reading": c.shared_reading,
                "updated_at": c.updated_at.isoformat(),
            }
            for c in cards
        ],
        "next_cursor": str(cards[-1].id) if more and cards else None,
    }, 200


@bp.get("/workspaces/<int:workspace_id>")
@token_required()
@documented(tags=["workspace"], responses={200: WorkspaceData, 404: ErrorResponse})
def get_workspace(workspace_id: int) -> Response:
    """A workspace's whole document: identity, the pillars year by year, the method.

    The ETag header holds the document's revision: send it back in If-Match with PUT.
    """
    return _document(_open(workspace_id))


@bp.put("/workspaces/<int:workspace_id>")
@token_required()
@documented(
    tags=["workspace"],
    json=WorkspaceData,
    responses={200: WorkspaceData, 403: ErrorResponse, 404: ErrorResponse, 412: ErrorResponse},
)
def put_workspace(workspace_id: int) -> Response:
    """Replace the whole document (editors only): what GET gave, changed.

    Invalid data gives 422 with a message per field; an If-Match revision that is no
    longer the current one gives 412. Nothing is saved in either case. Fields left out
    take their empty value, as in a new workspace.
    """
    body: WorkspaceData = request.context.json  # type: ignore[attr-defined]
    expected = _expected_revision()
    try:
        services.replace_document(
            db.session(), current_api_user(), workspace_id, body.dump(), expected_revision=expected
        )
    except services.NotFound as error:
        raise ApiError(404, "not_found", "This workspace does not exist.") from error
    except services.Forbidden as error:
        raise ApiError(
            403, "forbidden", "You may read this workspace but not change it."
        ) from error
    except services.Conflict as error:
        raise ApiError(412, "precondition_failed", str(error)) from error
    except services.InvalidData as error:
        raise ApiError(422, "validation_error", "The data is invalid.", error.fields()) from error
    return _document(_open(workspace_id))


@bp.get("/workspaces/<int:workspace_id>/indicators")
@token_required()
@documented(tags=["workspace"], responses={200: IndicatorsOut, 404: ErrorResponse})
def workspace_indicators(workspace_id: int) -> tuple[dict[str, Any], int]:
    """Indicators per year, their change, the positioning with its reasons, the method's progress
    and advice, and the gaps to the target (see docs/workspace-indicators.md)."""
    opened = _open(workspace_id)
    return _indicators(opened, analyse(opened.data)), 200


@bp.get("/workspaces/<int:workspace_id>/export.pdf")
@token_required()
@documented(tags=["workspace"], responses={200: None, 404: ErrorResponse})
def workspace_pdf(workspace_id: int) -> Response:
    """The « fiche modèle socio-économique » for a board meeting. Returns application/pdf
    (one or two A4 pages), not JSON."""
    opened = _open(workspace_id)
    body = pdf.model_sheet(
        opened.data,
        analyse(opened.data),
        page_formatter(),
        workspace_name=opened.info.name,
        revision=opened.info.revision,
        on=date.today(),
    )
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="modele-{workspace_id}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
