"""The course as loaded in the database: a copy of content/, plus rendered HTML.

Rows are never deleted by a reload: a removed theme, module, section or
question gets `retired_at`, so learners' history keeps pointing at it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.models.base import Base, UTCDateTime, utcnow


class Competency(Base):
    """A competency of the framework (content/framework.yaml)."""

    __tablename__ = "competency"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20))  # knowledge | skill
    theme_slug: Mapped[str] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(Integer)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ScaleLevel(Base):
    """A level of the proficiency scale (0 to 4) with its label and meaning."""

    __tablename__ = "scale_level"

    level: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    label: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(Text, default="")


class Theme(Base):
    """A theme: comprendre, hybrider, conduire, incarner."""

    __tablename__ = "theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    modules: Mapped[list[Module]] = relationship(back_populates="theme", order_by="Module.position")


class Module(Base):
    """A module (« escale »): its metadata and pre-rendered texts."""

    __tablename__ = "module"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id"), index=True)
    folder: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    pass_mark: Mapped[float] = mapped_column(Float)
    max_attempts: Mapped[int | None] = mapped_column(Integer)
    retake_wait_minutes: Mapped[int] = mapped_column(Integer, default=0)
    # Lists of plain values from module.yaml (objectives, codes, slugs, takeaways, glossary).
    objectives: Mapped[list[str]] = mapped_column(JSON, default=list)
    competency_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    prerequisites: Mapped[list[str]] = mapped_column(JSON, default=list)
    takeaways: Mapped[list[str]] = mapped_column(JSON, default=list)
    glossary: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    # HTML rendered once per content version: {"summary", "takeaways": [...], "glossary": [...]}
    rendered: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    section_count: Mapped[int] = mapped_column(Integer, default=0)
    question_count: Mapped[int] = mapped_column(Integer, default=0)
    word_count: Mapped[int] = mapped_column(Integer, default=0)
    content_hash: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    theme: Mapped[Theme] = relationship(back_populates="modules")
    sections: Mapped[list[Section]] = relationship(
        back_populates="module", order_by="Section.position"
    )
    questions: Mapped[list[Question]] = relationship(
        back_populates="module", order_by="Question.position"
    )
    practice: Mapped[Practice | None] = relationship(back_populates="module")


class Section(Base):
    """A lesson section: Markdown source and its sanitised HTML, rendered at load time."""

    __tablename__ = "section"
    __table_args__ = (UniqueConstraint("module_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body_md: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    toc: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    plain_text: Mapped[str] = mapped_column(Text, default="")  # for search
    word_count: Mapped[int] = mapped_column(Integer, default=0)
    reading_minutes: Mapped[int] = mapped_column(Integer, default=1)
    content_hash: Mapped[str] = mapped_column(String(64))
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    module: Mapped[Module] = relationship(back_populates="sections")


class Question(Base):
    """A quiz question; `definition` is the normalised question as in quiz.yaml."""

    __tablename__ = "question"
    __table_args__ = (UniqueConstraint("module_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"), index=True)
    key: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(20))
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    # {"prompt": html, "explanation": html, "choices": {id: html}, ...} rendered at load time
    rendered: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # [{"code": "MSE-01", "weight": 1.0}, ...]
    competencies: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    section_slug: Mapped[str | None] = mapped_column(String(80))
    content_hash: Mapped[str] = mapped_column(String(64))
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    module: Mapped[Module] = relationship(back_populates="questions")


class Practice(Base):
    """A module's practical assignment and its rubric."""

    __tablename__ = "practice"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id"), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    instructions_md: Mapped[str] = mapped_column(Text)
    instructions_html: Mapped[str] = mapped_column(Text)
    competency_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    # [{"criterion": str, "levels": [4 descriptors]}]
    rubric: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    content_hash: Mapped[str] = mapped_column(String(64))
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    module: Mapped[Module] = relationship(back_populates="practice")


class CourseVersion(Base):
    """One row per successful load of content/: what was loaded, when."""

    __tablename__ = "course_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # counts of changes
