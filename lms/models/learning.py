"""What a learner did with the lessons: sections read, and a per-module summary.

`ModuleProgress` is maintained as learners work (never recomputed per page
view), so dashboards read one row per learner and module.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.models.base import Base, UTCDateTime, utcnow
from lms.models.content import Module, Section


class SectionProgress(Base):
    """A learner's reading of one section."""

    __tablename__ = "section_progress"
    __table_args__ = (UniqueConstraint("user_id", "section_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("section.id"), index=True)
    first_viewed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    section: Mapped[Section] = relationship()


class ModuleProgress(Base):
    """A learner's summary for one module: reading, quiz and practical work."""

    __tablename__ = "module_progress"
    __table_args__ = (UniqueConstraint("user_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"), index=True)
    last_section_id: Mapped[int | None] = mapped_column(ForeignKey("section.id"))
    sections_completed: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reading_completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    quiz_attempts: Mapped[int] = mapped_column(Integer, default=0)
    quiz_failures: Mapped[int] = mapped_column(Integer, default=0)
    quiz_best_score: Mapped[float | None] = mapped_column(Float)
    quiz_passed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # none | draft | submitted | accepted | needs_revision
    practice_status: Mapped[str] = mapped_column(String(20), default="none")

    module: Mapped[Module] = relationship()
    last_section: Mapped[Section | None] = relationship()


class LearnerSummary(Base):
    """A learner's progress over every module, in one row (lms.learning.summary keeps it).

    Written in the same transaction as the ModuleProgress rows it summarises, so a
    cohort's dashboard reads one row per learner. `cells` packs each module's facts,
    keyed by module id (a retired or added module leaves the others intact); the
    dashboard derives completion and due dates from them with the current course.
    """

    __tablename__ = "learner_summary"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    cells: Mapped[str] = mapped_column(Text, default="{}")
    """JSON, by module id: [sections read, reading completed (0/1), quiz attempts,
    quiz failures, best quiz score in whole percent or null, quiz passed (0/1),
    practice status] (lms.learning.summary.module_cell)."""
    activity: Mapped[str] = mapped_column(Text, default="{}")
    """JSON, by module id: the module's last activity, in whole seconds since 1970 (UTC)."""
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    """The latest activity in any module (None before any)."""
    modules_started: Mapped[int] = mapped_column(Integer, default=0)
    sections_read: Mapped[int] = mapped_column(Integer, default=0)
    quizzes_passed: Mapped[int] = mapped_column(Integer, default=0)
    quiz_failures: Mapped[int] = mapped_column(Integer, default=0)
    practice_to_review: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
