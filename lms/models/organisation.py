"""Organisations, their cohorts, and who belongs to which cohort."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from lms.models.account import User


class Organisation(Base):
    """A structure (association, network, foundation...) whose staff use Escales."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text, default="")
    join_code: Mapped[str | None] = mapped_column(String(32), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    members: Mapped[list[User]] = relationship(back_populates="organisation")
    cohorts: Mapped[list[Cohort]] = relationship(back_populates="organisation")


class CohortRole(enum.StrEnum):
    """A person's place in a cohort."""

    LEARNER = "learner"
    TRAINER = "trainer"


class Cohort(Base):
    """A group of learners followed by trainers, inside one organisation."""

    __tablename__ = "cohort"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(160))
    join_code: Mapped[str | None] = mapped_column(String(32), unique=True)
    join_open: Mapped[bool] = mapped_column(default=True)
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="cohorts")
    memberships: Mapped[list[CohortMembership]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan", passive_deletes=True
    )


class CohortMembership(Base):
    """A person enrolled in a cohort as learner or trainer; removal keeps the row."""

    __tablename__ = "cohort_membership"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[CohortRole] = mapped_column(
        Enum(CohortRole, native_enum=False, length=20, validate_strings=True),
        default=CohortRole.LEARNER,
    )
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    cohort: Mapped[Cohort] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()
