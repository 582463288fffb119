"""The audit log: who did what, when. Rows are only ever inserted by the app."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.models.base import Base, UTCDateTime, utcnow


class AuditEvent(Base):
    """One recorded action (certificate issued, programme changed, trainer rating, ...)."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_org_time", "organisation_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    actor_email: Mapped[str] = mapped_column(String(254), default="")  # kept if the user goes
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    action: Mapped[str] = mapped_column(String(60))  # e.g. "certificate.issued"
    target_type: Mapped[str] = mapped_column(String(60))
    target_id: Mapped[str] = mapped_column(String(80))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
