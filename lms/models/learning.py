"""What a learner did with the lessons: sections read, and a per-module summary.

`ModuleProgress` is maintained as learners work (never recomputed per page
view), so dashboards read one row per learner and module.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String, UniqueConstraint
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
