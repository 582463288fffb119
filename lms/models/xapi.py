"""The xAPI outbox: one row per learning record (statement), written in the same
transaction as the event it records, then sent to the Learning Record Store by a worker.

A row is never deleted when sent (`sent_at` is set): the rows are also the learners'
exportable learning records. They go with the learner's account (ON DELETE CASCADE).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lms.models.base import Base, UTCDateTime, utcnow


class XapiStatement(Base):
    """An xAPI statement and its delivery state."""

    __tablename__ = "xapi_statement"
    __table_args__ = (
        Index("ix_xapi_statement_pending", "sent_at", "next_attempt_at"),
        Index("ix_xapi_statement_user_time", "user_id", "occurred_at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the statement's own id
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    verb: Mapped[str] = mapped_column(String(20))  # completed, answered, passed, failed...
    statement: Mapped[dict[str, Any]] = mapped_column(JSON)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)  # its timestamp
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # failed deliveries so far
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(Text, default="")
