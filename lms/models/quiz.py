"""Quiz attempts and their answers. A submitted attempt is final and self-contained."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.models.base import Base, UTCDateTime, utcnow
from lms.models.content import Module, Question


class AttemptStatus(enum.StrEnum):
    """An attempt is open until submitted, then final."""

    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"


class Attempt(Base):
    """One try at a module's quiz.

    (user_id, module_id, idempotency_key) is unique: a retried or doubled
    submission finds the attempt it already made instead of making another.
    """

    __tablename__ = "attempt"
    __table_args__ = (
        # Its index also serves the lookups by user (user_id leads it).
        UniqueConstraint("user_id", "module_id", "idempotency_key"),
        # What a submission counts (a learner's attempts at a module, the last submitted, the
        # one made with a key) read from this index alone, however many attempts there are.
        # Nothing reads attempts by module alone (modules are retired, never deleted).
        Index("ix_attempt_history", "user_id", "module_id", "submitted_at", "idempotency_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"))
    idempotency_key: Mapped[str] = mapped_column(String(100))
    number: Mapped[int] = mapped_column(Integer)  # 1 for the learner's first attempt, ...
    status: Mapped[AttemptStatus] = mapped_column(
        Enum(AttemptStatus, native_enum=False, length=20, validate_strings=True),
        default=AttemptStatus.IN_PROGRESS,
    )
    seed: Mapped[str] = mapped_column(String(40))  # shuffles choices, stable on reload
    draft: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # saved, unsubmitted answers
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    score: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    pass_mark: Mapped[float] = mapped_column(Float)  # as it was when the attempt started

    module: Mapped[Module] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        back_populates="attempt", order_by="Answer.position", cascade="all, delete-orphan"
    )


class QuestionSnapshot(Base):
    """A question as learners answered it: its definition, rendered texts, competencies and
    section at that time, stored once for every answer that shares it.

    Answers point to it instead of each holding a copy (2.6 KB a question: 31 KB for a
    12-question submission). Never updated: an edited question gets a new snapshot.
    """

    __tablename__ = "question_snapshot"

    id: Mapped[int] = mapped_column(primary_key=True)
    # sha256 of `snapshot` as serialised when first written (lms.quiz.services); the same
    # snapshot is looked up by it. Not unique: two first submissions at once may each
    # store a copy, and either serves.
    digest: Mapped[str] = mapped_column(String(64), index=True)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)


class Answer(Base):
    """The learner's response to one question, graded, with the question as it was answered."""

    __tablename__ = "answer"
    # Its index serves the lookups by attempt. No index on question_id: nothing reads answers
    # by question, and a submission's answers to 12 questions would rewrite 12 of its pages.
    __table_args__ = (UniqueConstraint("attempt_id", "question_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"))
    question_key: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer)
    # The question's definition and rendered texts at answer time: later edits change nothing.
    snapshot_id: Mapped[int] = mapped_column(ForeignKey("question_snapshot.id"))
    response: Mapped[Any] = mapped_column(JSON, nullable=True)
    score: Mapped[float] = mapped_column(Float)
    correct: Mapped[bool] = mapped_column(Boolean)
    feedback: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    attempt: Mapped[Attempt] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()
    # Loaded with the answer (one join): every reader of an answer shows its question.
    stored_snapshot: Mapped[QuestionSnapshot] = relationship(lazy="joined", innerjoin=True)

    @property
    def snapshot(self) -> dict[str, Any]:
        """The question as this answer answered it."""
        return self.stored_snapshot.snapshot
