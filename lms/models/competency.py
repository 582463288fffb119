"""Evidence for competencies, and each learner's profile derived from it.

Evidence is append-only. `CompetencyState` rows are a cache of the profile:
`flask profiles rebuild` recomputes them from evidence at any time.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.models.base import Base, UTCDateTime, utcnow
from lms.models.content import Competency


class EvidenceSource(enum.StrEnum):
    """Where a piece of evidence comes from (same values as lms.competency.proficiency)."""

    LESSON = "lesson"
    QUIZ = "quiz"
    PRACTICE = "practice"
    RATING = "rating"
    SELF = "self"


class Evidence(Base):
    """One observation about a learner and a competency. Never updated, never deleted by the app."""

    __tablename__ = "evidence"
    __table_args__ = (Index("ix_evidence_user_competency", "user_id", "competency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    # No index of its own: every read filters by learner first (ix_evidence_user_competency),
    # and competencies are retired, never deleted; each submission would otherwise write one
    # page of it per competency assessed.
    competency_id: Mapped[int] = mapped_column(ForeignKey("competency.id"))
    source: Mapped[EvidenceSource] = mapped_column(
        Enum(EvidenceSource, native_enum=False, length=20, validate_strings=True)
    )
    score: Mapped[float] = mapped_column(Float)  # 0..1
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    level: Mapped[int | None] = mapped_column(Integer)  # for ratings and self-assessments
    # What was assessed: "module/question-key", "module" for lessons and practical work.
    key: Mapped[str | None] = mapped_column(String(200))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())  # when the learner did it
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    module_id: Mapped[int | None] = mapped_column(ForeignKey("module.id"))
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answer.id", ondelete="CASCADE"))
    review_id: Mapped[int | None] = mapped_column(
        ForeignKey("practice_review.id", ondelete="CASCADE")
    )
    note: Mapped[str] = mapped_column(Text, default="")  # a trainer's justification

    competency: Mapped[Competency] = relationship()


class CompetencyState(Base):
    """A learner's current level for one competency (derived from evidence)."""

    __tablename__ = "competency_state"
    __table_args__ = (UniqueConstraint("user_id", "competency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    competency_id: Mapped[int] = mapped_column(ForeignKey("competency.id"), index=True)
    level: Mapped[int] = mapped_column(Integer, default=0)
    measured_level: Mapped[int] = mapped_column(Integer, default=0)
    score: Mapped[float | None] = mapped_column(Float)
    knowledge_score: Mapped[float | None] = mapped_column(Float)
    applied_score: Mapped[float | None] = mapped_column(Float)
    evidence_count: Mapped[int] = mapped_column(Integer, default=0)
    self_level: Mapped[int | None] = mapped_column(Integer)
    last_evidence_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The rule's running aggregate of the evidence (EvidenceAggregate.to_json in
    # lms.competency.proficiency), so that new evidence updates the level without reading
    # the old rows. NULL: rebuilt from the evidence at the next update.
    aggregate: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    competency: Mapped[Competency] = relationship()
