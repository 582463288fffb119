"""API endpoints of the competency area: my profile, my evidence, my self-assessment.

Every endpoint reads or writes the token owner's own data only.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any

from flask import request
from pydantic import BaseModel, Field, RootModel, StrictInt

from lms.api import bp
from lms.api.core import ApiError, current_api_user, documented, token_required
from lms.competency import services
from lms.extensions import db


class ProfileCompetency(BaseModel):
    """One competency on my profile."""

    code: str = Field(examples=["MSE-01"])
    title: str
    level: int = Field(ge=0, le=4, description="The level shown (0: no evidence yet).")
    self_level: int | None = Field(description="My latest self-assessment (1-4), if any.")
    score: float | None = Field(description="The score the level rests on, 0..1.")
    evidence_count: int = Field(description="Evidence counted (self-assessments excluded).")


class ProfileOut(BaseModel):
    """My competency profile: every competency of the framework."""

    competencies: list[ProfileCompetency]


class EvidenceQuery(BaseModel):
    """Filter and page through my evidence."""

    competency: str | None = Field(default=None, max_length=20, examples=["MSE-01"])
    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = Field(default=None, max_length=200)


class EvidenceOut(BaseModel):
    """One piece of evidence."""

    id: int
    competency: str = Field(examples=["MSE-01"])
    source: str = Field(examples=["quiz"], description="lesson, quiz, practice, rating or self.")
    score: float
    weight: float
    level: int | None = Field(description="For ratings and self-assessments: the level given.")
    key: str | None = Field(examples=["premier-module/trois-piliers"])
    occurred_at: datetime
    module: str | None = Field(description="Slug of the module it comes from.")


class EvidencePageOut(BaseModel):
    """A page of my evidence, newest first."""

    items: list[EvidenceOut]
    next_cursor: str | None


class SelfAssessmentIn(RootModel[dict[str, StrictInt]]):
    """Competency code -> the level I give myself, 1 to 4."""


def _profile() -> dict[str, Any]:
    rows = services.profile_rows(db.session(), current_api_user().id)
    return {
        "competencies": [
            {
                "code": row.code,
                "title": row.title,
                "level": row.level,
                "self_level": row.self_level,
                "score": row.score,
                "evidence_count": row.evidence_count,
            }
            for row in rows
        ]
    }


def _invalid(field: str, message: str) -> ApiError:
    return ApiError(422, "validation_error", "The request is invalid.", {field: message})


def _encode_cursor(position: tuple[datetime, int]) -> str:
    raw = json.dumps([position[0].isoformat(), position[1]]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        occurred_at, last_id = json.loads(raw)
        position = datetime.fromisoformat(occurred_at), int(last_id)
    except (binascii.Error, ValueError, TypeError):
        raise ApiError(
            422, "validation_error", "The request is invalid.", {"cursor": "Invalid cursor."}
        ) from None
    if position[0].tzinfo is None:
        raise ApiError(
            422, "validation_error", "The request is invalid.", {"cursor": "Invalid cursor."}
        )
    return position


@bp.get("/me/profile")
@token_required()
@documented(tags=["competency"], responses={200: ProfileOut})
def my_profile() -> tuple[dict[str, Any], int]:
    """My competency profile: level, self-assessment and score on every competency."""
    return _profile(), 200


@bp.get("/me/evidence")
@token_required()
@documented(tags=["competency"], query=EvidenceQuery, responses={200: EvidencePageOut})
def my_evidence() -> tuple[dict[str, Any], int]:
    """My evidence, newest first, optionally for one competency."""
    query: EvidenceQuery = request.context.query  # type: ignore[attr-defined]
    session = db.session()
    if query.competency is not None and not services.competency_exists(session, query.competency):
        raise ApiError(
            422,
            "validation_error",
            "The request is invalid.",
            {"competency": "Unknown competency."},
        )
    after = _decode_cursor(query.cursor) if query.cursor else None
    entries, following = services.evidence_page(
        session, current_api_user().id, code=query.competency, limit=query.limit, after=after
    )
    items = [
        {
            "id": e.id,
            "competency": e.competency,
            "source": e.source,
            "score": e.score,
            "weight": e.weight,
            "level": e.level,
            "key": e.key,
            "occurred_at": e.occurred_at.isoformat(),
            "module": e.module_slug,
        }
        for e in entries
    ]
    return {"items": items, "next_cursor": _encode_cursor(following) if following else None}, 200


@bp.put("/me/self-assessment")
@token_required()
@documented(tags=["competency"], json=SelfAssessmentIn, responses={200: ProfileOut})
def update_my_self_assessment() -> tuple[dict[str, Any], int]:
    """Position myself: {"MSE-01": 3, ...}. Records the levels that changed; returns my profile.

    Any unknown code or level outside 1-4 refuses the whole request (422), recording nothing.
    """
    body: SelfAssessmentIn | None = request.context.json  # type: ignore[attr-defined]
    if body is None:  # spectree validates JSON bodies only: a form body arrives unchecked
        raise _invalid("body", "A JSON object is expected.")
    try:
        services.save_self_assessment(db.session(), current_api_user().id, dict(body.root))
    except services.SelfAssessmentError as error:
        raise ApiError(422, "validation_error", "The request is invalid.", error.fields) from None
    return _profile(), 200
