"""Read the framework from the database for the CASE export (lms.interop.case)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms.content.urls import module_url
from lms.interop.case import CompetencyRow, FrameworkSnapshot, ModuleRow
from lms.models import Competency, CourseVersion, Module, ScaleLevel, Theme

#: The framework's title is not stored in the database: the course's name stands for it.
FRAMEWORK_TITLE = "Référentiel des compétences Escales"


def framework_snapshot(session: Session, base_url: str) -> FrameworkSnapshot:
    """The loaded framework (competencies, scale, themes, modules) as plain values.

    Retired rows are left out; `changed_at` is the time of the last content load. Four
    queries, whatever the size of the framework.
    """
    competencies = session.scalars(
        select(Competency).where(Competency.retired_at.is_(None)).order_by(Competency.position)
    ).all()
    themes = session.execute(
        select(Theme.slug, Theme.title).where(Theme.retired_at.is_(None)).order_by(Theme.position)
    ).all()
    modules = session.execute(
        select(Module.slug, Module.title, Module.competency_codes)
        .join(Theme, Module.theme_id == Theme.id)
        .where(Module.retired_at.is_(None))
        .order_by(Theme.position, Module.position)
    ).all()
    scale = session.execute(
        select(ScaleLevel.level, ScaleLevel.label, ScaleLevel.description).order_by(
            ScaleLevel.level
        )
    ).all()
    changed_at = session.scalar(select(func.max(CourseVersion.loaded_at)))
    root = base_url.rstrip("/")
    return FrameworkSnapshot(
        title=FRAMEWORK_TITLE,
        scale=tuple((level, label, description) for level, label, description in scale),
        themes=tuple((slug, title) for slug, title in themes),
        competencies=tuple(
            CompetencyRow(c.code, c.title, c.description, c.kind, c.theme_slug)
            for c in competencies
        ),
        modules=tuple(
            ModuleRow(slug, title, root + module_url(slug), tuple(codes or ()))
            for slug, title, codes in modules
        ),
        changed_at=_aware(changed_at) if changed_at else datetime(2000, 1, 1, tzinfo=UTC),
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
