"""What a cohort follows: its modules, each with an optional due date."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lms.models.base import Base


class CohortModule(Base):
    """A module a cohort follows, and when its learners should have completed it.

    A cohort without any row follows every module of the course (the default),
    so a cohort created before a module was added also follows the new module.
    """

    __tablename__ = "cohort_module"
    __table_args__ = (UniqueConstraint("cohort_id", "module_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"), index=True)
    due_on: Mapped[date | None]
