"""Practical work: a learner's submissions, their attachments, and trainers' reviews."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.models.base import Base, UTCDateTime, utcnow
from lms.models.content import Module, Practice


class SubmissionStatus(enum.StrEnum):
    """Life of a submission: draft, then submitted, then reviewed."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    NEEDS_REVISION = "needs_revision"


class PracticeSubmission(Base):
    """One version of a learner's practical work for a module."""

    __tablename__ = "practice_submission"
    # Two concurrent saves cannot both create the same version.
    __table_args__ = (UniqueConstraint("user_id", "practice_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"), index=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[SubmissionStatus] = mapped_column(
        Enum(SubmissionStatus, native_enum=False, length=20, validate_strings=True),
        default=SubmissionStatus.DRAFT,
    )
    text_md: Mapped[str] = mapped_column(Text, default="")
    text_html: Mapped[str] = mapped_column(Text, default="")  # sanitised when saved
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    module: Mapped[Module] = relationship()
    practice: Mapped[Practice] = relationship()
    attachments: Mapped[list[PracticeAttachment]] = relationship(
        back_populates="submission", cascade="all, delete-orphan"
    )
    reviews: Mapped[list[PracticeReview]] = relationship(
        back_populates="submission", order_by="PracticeReview.created_at"
    )


class PracticeAttachment(Base):
    """A file attached to a submission, stored outside the web root under a random name."""

    __tablename__ = "practice_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("practice_submission.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200))  # as uploaded, for display only
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    submission: Mapped[PracticeSubmission] = relationship(back_populates="attachments")


class ReviewDecision(enum.StrEnum):
    """A trainer accepts the work or asks for a new version."""

    ACCEPTED = "accepted"
    NEEDS_REVISION = "needs_revision"


class PracticeReview(Base):
    """A trainer's review of a submission against the practice's rubric."""

    __tablename__ = "practice_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("practice_submission.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # [{"criterion": str, "level": 1..4}] in rubric order
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    score: Mapped[float] = mapped_column(Float)  # 0..1 from the rubric levels
    decision: Mapped[ReviewDecision] = mapped_column(
        Enum(ReviewDecision, native_enum=False, length=20, validate_strings=True)
    )
    feedback_md: Mapped[str] = mapped_column(Text, default="")
    feedback_html: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    submission: Mapped[PracticeSubmission] = relationship(back_populates="reviews")
