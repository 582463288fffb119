"""API endpoints of the practice area: a module's assignment and my work on it.

Files are attached through the HTML page only; the API reads their metadata
and gives each one's download URL (the same page route, cookie-authenticated).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import request, url_for
from pydantic import BaseModel, Field

from lms.api import bp
from lms.api.core import ApiError, ErrorResponse, current_api_user, documented, token_required
from lms.extensions import db
from lms.practice import services


class CompetencyOut(BaseModel):
    """A competency the practical work gives evidence for."""

    code: str = Field(examples=["MSE-04"])
    title: str


class CriterionOut(BaseModel):
    """A rubric criterion and its four level descriptors, from level 1 to level 4."""

    criterion: str
    levels: list[str] = Field(min_length=4, max_length=4)


class AssignmentOut(BaseModel):
    """A module's practical assignment."""

    module: str = Field(description="The module's slug.", examples=["modele-au-service-de-quoi"])
    title: str
    instructions_html: str = Field(description="Sanitised HTML.")
    competencies: list[CompetencyOut]
    rubric: list[CriterionOut]


class AttachmentOut(BaseModel):
    """A file attached to a version (upload it through the HTML page)."""

    id: int
    filename: str
    content_type: str = Field(examples=["application/pdf"])
    size: int = Field(description="In bytes.")
    uploaded_at: datetime
    url: str = Field(description="Download address (signed-in session, not the API token).")


class RatingOut(BaseModel):
    """The level (1-4) a reviewer gave one criterion."""

    criterion: str
    level: int = Field(ge=1, le=4)


class ReviewOut(BaseModel):
    """A trainer's review of a version."""

    id: int
    decision: str = Field(examples=["accepted", "needs_revision"])
    score: float = Field(ge=0, le=1, description="Mean of (level - 1) / 3 over the criteria.")
    criteria: list[RatingOut]
    feedback_html: str = Field(description="Sanitised HTML.")
    reviewer: str | None = Field(description="The reviewer's name.")
    created_at: datetime


class SubmissionOut(BaseModel):
    """One version of my work."""

    id: int
    version: int
    status: str = Field(examples=["draft", "submitted", "accepted", "needs_revision"])
    text_md: str
    text_html: str = Field(description="Sanitised HTML rendered from text_md when saved.")
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    attachments: list[AttachmentOut]
    reviews: list[ReviewOut]


class PracticeOut(BaseModel):
    """The assignment and my versions, newest first."""

    assignment: AssignmentOut
    can_edit: bool = Field(description="False while a version awaits review, or once accepted.")
    edit_mode: str = Field(
        description="What a PUT does now: start (creates version 1), update_draft, new_version "
        "(after changes were requested), awaiting_review or accepted (refused with 409).",
        examples=["update_draft"],
    )
    submissions: list[SubmissionOut]


class PracticeIn(BaseModel):
    """Save my work as a draft, or submit it for review."""

    text: str | None = Field(
        default=None,
        description="Markdown (sanitised when rendered; at most PRACTICE_MAX_TEXT_CHARS "
        "characters, 50,000 by default). Omitted: the current text is kept.",
    )
    submit: bool = Field(
        default=False,
        description="true submits the work for review; it then cannot change until reviewed.",
    )


def _document(page: services.LearnerPractice) -> PracticeOut:
    assignment = page.assignment
    return PracticeOut(
        assignment=AssignmentOut(
            module=assignment.module_slug,
            title=assignment.title,
            instructions_html=assignment.instructions_html,
            competencies=[
                CompetencyOut(code=c.code, title=c.title) for c in assignment.competencies
            ],
            rubric=[
                CriterionOut(criterion=str(row["criterion"]), levels=list(row["levels"]))
                for row in assignment.rubric
            ],
        ),
        can_edit=page.mode.can_edit,
        edit_mode=str(page.mode),
        submissions=[
            SubmissionOut(
                id=sub.id,
                version=sub.version,
                status=str(sub.status),
                text_md=sub.text_md,
                text_html=sub.text_html,
                created_at=sub.created_at,
                updated_at=sub.updated_at,
                submitted_at=sub.submitted_at,
                attachments=[
                    AttachmentOut(
                        id=a.id,
                        filename=a.filename,
                        content_type=a.content_type,
                        size=a.size,
                        uploaded_at=a.uploaded_at,
                        url=url_for("practice.download", attachment_id=a.id),
                    )
                    for a in sub.attachments
                ],
                reviews=[
                    ReviewOut(
                        id=r.id,
                        decision=str(r.decision),
                        score=r.score,
                        criteria=[
                            RatingOut(criterion=c.criterion, level=c.level) for c in r.criteria
                        ],
                        feedback_html=r.feedback_html,
                        reviewer=r.reviewer_name,
                        created_at=r.created_at,
                    )
                    for r in sub.reviews
                ],
            )
            for sub in page.submissions
        ],
    )


def _page_or_404(slug: str) -> services.LearnerPractice:
    page = services.learner_practice(db.session(), current_api_user().id, slug)
    if page is None:
        raise ApiError(404, "not_found", "This module does not exist or has no practical work.")
    return page


@bp.get("/modules/<slug>/practice")
@token_required()
@documented(tags=["practice"], responses={200: PracticeOut, 404: ErrorResponse})
def get_practice(slug: str) -> tuple[dict[str, Any], int]:
    """A module's practical assignment (with its rubric) and all my versions with their reviews."""
    return _document(_page_or_404(slug)).model_dump(mode="json"), 200


@bp.put("/modules/<slug>/practice")
@token_required()
@documented(
    tags=["practice"],
    json=PracticeIn,
    responses={200: PracticeOut, 404: ErrorResponse, 409: ErrorResponse},
)
def put_practice(slug: str) -> tuple[dict[str, Any], int]:
    """Save my work as a draft, or submit it; 409 while it awaits review or once accepted."""
    body: PracticeIn = request.context.json  # type: ignore[attr-defined]
    session = db.session()
    practice = services.find_practice(session, slug)
    if practice is None:
        raise ApiError(404, "not_found", "This module does not exist or has no practical work.")
    try:
        services.save_work(
            session, current_api_user().id, practice, text_md=body.text, submit=body.submit
        )
    except services.PracticeError as error:
        status = 409 if error.code in ("awaiting_review", "accepted") else 422
        field = {"too_long": "text", "empty": "text"}.get(error.code)
        message = error.message % error.params if error.params else error.message
        raise ApiError(status, error.code, message, {field: message} if field else None) from error
    return _document(_page_or_404(slug)).model_dump(mode="json"), 200
