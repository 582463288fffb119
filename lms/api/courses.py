"""API endpoints of the courses area: the course outline, a module's content, reading progress."""

from __future__ import annotations

from typing import Any

from flask import request
from pydantic import BaseModel, Field

from lms.api import bp
from lms.api.core import (
    ApiError,
    ErrorResponse,
    current_api_user,
    documented,
    token_required,
)
from lms.courses import services
from lms.courses.pages import ModuleCard, ModuleStatus, SectionItem
from lms.extensions import db


class ProgressOut(BaseModel):
    """The caller's progress in a module."""

    sections_read: int = Field(examples=[2])
    sections_total: int = Field(examples=[5])
    reading_completed: bool = Field(description="Every section has been read (at some point).")
    quiz_passed: bool
    practice_status: str = Field(
        description="none, draft, submitted, accepted or needs_revision", examples=["none"]
    )


class CompetencyOut(BaseModel):
    """A competency a module develops."""

    code: str = Field(examples=["MSE-01"])
    title: str


class ModuleOut(BaseModel):
    """A module of the course outline."""

    slug: str = Field(examples=["modele-au-service-de-quoi"])
    title: str
    url: str = Field(
        description="The module's page.", examples=["/modules/modele-au-service-de-quoi"]
    )
    summary_html: str = Field(description="Sanitised HTML.")
    duration_minutes: int
    competencies: list[CompetencyOut]
    has_practice: bool
    progress: ProgressOut


class ThemeOut(BaseModel):
    """A theme and its modules, in course order."""

    slug: str = Field(examples=["comprendre"])
    title: str
    summary: str
    modules: list[ModuleOut]


class ModuleListQuery(BaseModel):
    """Pagination over themes."""

    limit: int = Field(default=20, ge=1, le=100, description="Themes per page.")
    cursor: str | None = Field(
        default=None, max_length=20, description="`next_cursor` of the previous page."
    )


class ThemePage(BaseModel):
    """Themes in course order, each with its modules and the caller's progress."""

    items: list[ThemeOut]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null at the end."
    )


class SectionOut(BaseModel):
    """A section of a module, with its content."""

    slug: str = Field(examples=["introduction"])
    title: str
    position: int
    url: str = Field(description="The section's page.")
    reading_minutes: int
    html: str = Field(description="Sanitised HTML, rendered when the course was loaded.")
    read: bool = Field(description="The caller has read this section.")


class GlossaryEntryOut(BaseModel):
    """A term of the module's glossary."""

    term: str
    definition_html: str


class ModuleDetailOut(ModuleOut):
    """A module with its sections' content and the caller's reading of each."""

    theme: str = Field(description="Slug of the module's theme.")
    objectives_html: list[str]
    reading_minutes: int = Field(description="Estimated reading time of all sections.")
    prerequisites: list[str] = Field(description="Slugs of the modules to complete first.")
    takeaways_html: list[str]
    glossary: list[GlossaryEntryOut]
    quiz_url: str
    practice_url: str | None
    sections: list[SectionOut]


class ReadOut(BaseModel):
    """The result of marking a section as read."""

    section: str = Field(description="Slug of the section.")
    read: bool = Field(description="Always true.")
    newly_read: bool = Field(description="False when it was already read (nothing changed).")
    reading_completed_now: bool = Field(description="This made the module's reading complete.")
    next_section: str | None = Field(description="Slug of the next section, if any.")
    progress: ProgressOut


def _progress(status: ModuleStatus | None) -> dict[str, Any]:
    status = status or ModuleStatus()
    return {
        "sections_read": status.sections_read,
        "sections_total": status.sections_total,
        "reading_completed": status.reading_completed,
        "quiz_passed": status.quiz_passed,
        "practice_status": status.practice_status,
    }


def _module(card: ModuleCard) -> dict[str, Any]:
    return {
        "slug": card.slug,
        "title": card.title,
        "url": card.url,
        "summary_html": card.summary_html,
        "duration_minutes": card.duration_minutes,
        "competencies": [{"code": c.code, "title": c.title} for c in card.competencies],
        "has_practice": card.has_practice,
        "progress": _progress(card.status),
    }


def _section(item: SectionItem) -> dict[str, Any]:
    return {
        "slug": item.slug,
        "title": item.title,
        "position": item.position,
        "url": item.url,
        "reading_minutes": item.reading_minutes,
        "html": item.html,
        "read": item.read,
    }


def _offset(cursor: str | None) -> int:
    """The cursor is the number of themes already sent."""
    if cursor is None:
        return 0
    if not cursor.isdigit():
        raise ApiError(422, "validation_error", "The request is invalid.", {"cursor": "invalid"})
    return int(cursor)


@bp.get("/modules")
@token_required()
@documented(tags=["courses"], query=ModuleListQuery, responses={200: ThemePage})
def list_modules() -> tuple[dict[str, Any], int]:
    """The course outline: themes in order, their modules, and my progress in each."""
    query: ModuleListQuery = request.context.query  # type: ignore[attr-defined]
    start = _offset(query.cursor)
    themes = services.catalogue(db.session(), current_api_user().id).themes
    page = themes[start : start + query.limit]
    following = start + query.limit
    items = [
        {
            "slug": theme.slug,
            "title": theme.title,
            "summary": theme.summary,
            "modules": [_module(card) for card in theme.modules],
        }
        for theme in page
    ]
    return {"items": items, "next_cursor": str(following) if following < len(themes) else None}, 200


@bp.get("/modules/<slug>")
@token_required()
@documented(tags=["courses"], responses={200: ModuleDetailOut, 404: ErrorResponse})
def get_module(slug: str) -> tuple[dict[str, Any], int]:
    """A module: its metadata, its sections' HTML, and my reading of each section."""
    page = services.module_page(db.session(), current_api_user().id, slug)
    if page is None:
        raise ApiError(404, "not_found", "No such module.")
    card = page.card
    return {
        **_module(card),
        "theme": page.theme_slug,
        "objectives_html": card.objectives_html,
        "reading_minutes": page.reading_minutes,
        "prerequisites": [p.slug for p in page.prerequisites],
        "takeaways_html": page.takeaways_html,
        "glossary": [
            {"term": entry["term"], "definition_html": entry["definition"]}
            for entry in page.glossary
        ],
        "quiz_url": page.quiz_url,
        "practice_url": page.practice_url,
        "sections": [_section(item) for item in page.sections],
    }, 200


@bp.post("/modules/<slug>/sections/<section>/read")
@token_required()
@documented(tags=["courses"], responses={200: ReadOut, 404: ErrorResponse})
def mark_section_read(slug: str, section: str) -> tuple[dict[str, Any], int]:
    """Mark a section as read (idempotent); completing the reading records lesson evidence."""
    outcome = services.mark_section_read(db.session(), current_api_user().id, slug, section)
    if outcome is None:
        raise ApiError(404, "not_found", "No such module or section.")
    return {
        "section": outcome.section_slug,
        "read": True,
        "newly_read": outcome.newly_read,
        "reading_completed_now": outcome.reading_completed_now,
        "next_section": outcome.next.slug if outcome.next else None,
        "progress": _progress(outcome.status),
    }, 200
