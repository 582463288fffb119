"""« Mon modèle socio-économique »: a workspace where an organisation maps its own model.

The workspace's content (identity, the three pillars year by year, the method's
steps) is one JSON document, `Workspace.data`, validated by the pydantic models of
lms/workspace/schemas.py on every write: it is read and written whole, exported and
imported as it is, and a snapshot is simply a dated copy of it. Who may see and
change it is relational (members, cohorts it is shared with), and so is the log of
changes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.models.base import Base, UTCDateTime, utcnow


class Workspace(Base):
    """The model of one organisation (shared by its members) or one person's own."""

    __tablename__ = "workspace"
    __table_args__ = (
        # Exactly one owner: an organisation, or (for a learner without one) a person.
        CheckConstraint("(organisation_id IS NULL) <> (owner_id IS NULL)", name="one_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # One workspace per organisation, one personal workspace per person (NULLs never clash).
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), unique=True
    )
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), unique=True
    )
    name: Mapped[str] = mapped_column(String(160))  # copy of data.identity.name, for lists
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    revision: Mapped[int] = mapped_column(Integer, default=1)  # +1 on every change
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    members: Mapped[list[WorkspaceMember]] = relationship(
        back_populates="workspace", cascade="all, delete-orphan", passive_deletes=True
    )


class WorkspaceMember(Base):
    """A person given access to a workspace: an editor, or a reader."""

    __tablename__ = "workspace_member"
    __table_args__ = (UniqueConstraint("workspace_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    can_edit: Mapped[bool] = mapped_column(default=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    workspace: Mapped[Workspace] = relationship(back_populates="members")


class WorkspaceShare(Base):
    """A workspace shown, read-only, to the trainers of a cohort."""

    __tablename__ = "workspace_share"
    __table_args__ = (UniqueConstraint("workspace_id", "cohort_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), index=True
    )
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    shared_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    shared_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WorkspaceSnapshot(Base):
    """A dated copy of a workspace's document (a version), kept to see progress over time."""

    __tablename__ = "workspace_snapshot"
    __table_args__ = (UniqueConstraint("workspace_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, 3... within the workspace
    label: Mapped[str] = mapped_column(String(160), default="")
    revision: Mapped[int] = mapped_column(Integer)  # the workspace's revision it copies
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_by_name: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WorkspaceChange(Base):
    """One recorded change to a workspace: who, when, what, which part (shown translated)."""

    __tablename__ = "workspace_change"
    __table_args__ = (Index("ix_workspace_change_workspace_time", "workspace_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    actor_name: Mapped[str] = mapped_column(String(120), default="")  # kept if the user goes
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    action: Mapped[str] = mapped_column(String(40))  # updated, year_added, imported, shared...
    part: Mapped[str] = mapped_column(String(40), default="")  # identity, resources, levers...
    year: Mapped[int | None] = mapped_column(Integer)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    revision: Mapped[int] = mapped_column(Integer)  # the workspace's revision after it
