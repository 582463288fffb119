"""A person's own data: export everything, delete everything."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from lms.extensions import db
from lms.models import ApiToken, CohortMembership, User
from lms.models.base import utcnow

# Areas added later register an exporter here: (key, function user -> JSON-able data).
PERSONAL_DATA_EXPORTERS: list[tuple[str, Any]] = []


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def export_personal_data(user: User) -> dict[str, Any]:
    """Everything Escales holds about this person, as JSON-serialisable data."""
    memberships = db.session.scalars(
        select(CohortMembership).where(CohortMembership.user_id == user.id)
    ).all()
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).all()
    data: dict[str, Any] = {
        "exported_at": utcnow().isoformat(),
        "account": {
            "email": user.email,
            "name": user.name,
            "role": str(user.role),
            "locale": user.locale,
            "organisation": user.organisation.name if user.organisation else None,
            "created_at": _iso(user.created_at),
            "last_login_at": _iso(user.last_login_at),
        },
        "cohorts": [
            {
                "cohort": m.cohort.name,
                "role": str(m.role),
                "joined_at": _iso(m.joined_at),
                "removed_at": _iso(m.removed_at),
            }
            for m in memberships
        ],
        "api_tokens": [
            {
                "name": t.name,
                "prefix": t.prefix,
                "created_at": _iso(t.created_at),
                "last_used_at": _iso(t.last_used_at),
                "revoked_at": _iso(t.revoked_at),
            }
            for t in tokens
        ],
    }
    for key, exporter in PERSONAL_DATA_EXPORTERS:
        data[key] = exporter(user)
    return data


def update_profile(user: User, name: str, locale: str) -> None:
    """Change the display name and interface language."""
    user.name = name.strip()[:120] or user.name
    user.locale = locale if locale in ("fr", "en") else "fr"
    db.session.commit()


def delete_account(user: User) -> None:
    """Erase the account and everything that belongs to it (cascades in the database),
    then the files the person uploaded."""
    from lms.practice.services import attachment_paths_of

    files = attachment_paths_of(db.session(), user.id)
    db.session.execute(db.delete(CohortMembership).where(CohortMembership.user_id == user.id))
    db.session.execute(db.delete(ApiToken).where(ApiToken.user_id == user.id))
    db.session.delete(user)
    db.session.commit()
    for path in files:
        path.unlink(missing_ok=True)


def _export_certificates(user: User) -> Any:
    # Imported when called: the certification area depends on accounts, not the reverse.
    from lms.certification.services import export_certificates

    return export_certificates(user)


PERSONAL_DATA_EXPORTERS.append(("certificates", _export_certificates))


def _export_learning(user: User) -> Any:
    """Reading progress per module and section."""
    from lms.models import Module, ModuleProgress, Section, SectionProgress

    modules = db.session.execute(
        select(ModuleProgress, Module.slug)
        .join(Module, Module.id == ModuleProgress.module_id)
        .where(ModuleProgress.user_id == user.id)
    ).all()
    sections = db.session.execute(
        select(SectionProgress, Section.slug, Module.slug)
        .join(Section, Section.id == SectionProgress.section_id)
        .join(Module, Module.id == Section.module_id)
        .where(SectionProgress.user_id == user.id)
    ).all()
    return {
        "modules": [
            {
                "module": slug,
                "sections_completed": p.sections_completed,
                "reading_completed_at": _iso(p.reading_completed_at),
                "quiz_attempts": p.quiz_attempts,
                "quiz_best_score": p.quiz_best_score,
                "quiz_passed_at": _iso(p.quiz_passed_at),
                "practice_status": p.practice_status,
                "last_activity_at": _iso(p.last_activity_at),
            }
            for p, slug in modules
        ],
        "sections": [
            {
                "module": module_slug,
                "section": section_slug,
                "first_viewed_at": _iso(p.first_viewed_at),
                "completed_at": _iso(p.completed_at),
            }
            for p, section_slug, module_slug in sections
        ],
    }


def _export_attempts(user: User) -> Any:
    """Every quiz attempt with the answers given."""
    from sqlalchemy.orm import selectinload

    from lms.models import Attempt, Module

    rows = db.session.execute(
        select(Attempt, Module.slug)
        .join(Module, Module.id == Attempt.module_id)
        .where(Attempt.user_id == user.id)
        .options(selectinload(Attempt.answers))
        .order_by(Attempt.started_at)
    ).all()
    return [
        {
            "module": slug,
            "number": a.number,
            "status": str(a.status),
            "started_at": _iso(a.started_at),
            "submitted_at": _iso(a.submitted_at),
            "score": a.score,
            "passed": a.passed,
            "answers": [
                {"question": ans.question_key, "response": ans.response, "score": ans.score}
                for ans in a.answers
            ],
        }
        for a, slug in rows
    ]


def _export_competencies(user: User) -> Any:
    """The evidence behind the profile, and the profile itself."""
    from lms.models import Competency, CompetencyState, Evidence

    evidence = db.session.execute(
        select(Evidence, Competency.code)
        .join(Competency, Competency.id == Evidence.competency_id)
        .where(Evidence.user_id == user.id)
        .order_by(Evidence.occurred_at)
    ).all()
    states = db.session.execute(
        select(CompetencyState, Competency.code)
        .join(Competency, Competency.id == CompetencyState.competency_id)
        .where(CompetencyState.user_id == user.id)
    ).all()
    return {
        "profile": [
            {"competency": code, "level": s.level, "self_level": s.self_level, "score": s.score}
            for s, code in states
        ],
        "evidence": [
            {
                "competency": code,
                "source": str(e.source),
                "score": e.score,
                "weight": e.weight,
                "level": e.level,
                "key": e.key,
                "occurred_at": _iso(e.occurred_at),
                "note": e.note,
            }
            for e, code in evidence
        ],
    }


def _export_practice(user: User) -> Any:
    """Practical work: every version's text, files (names) and reviews."""
    from sqlalchemy.orm import selectinload

    from lms.models import Module, PracticeSubmission

    rows = db.session.execute(
        select(PracticeSubmission, Module.slug)
        .join(Module, Module.id == PracticeSubmission.module_id)
        .where(PracticeSubmission.user_id == user.id)
        .options(
            selectinload(PracticeSubmission.attachments),
            selectinload(PracticeSubmission.reviews),
        )
        .order_by(PracticeSubmission.created_at)
    ).all()
    return [
        {
            "module": slug,
            "version": s.version,
            "status": str(s.status),
            "text": s.text_md,
            "submitted_at": _iso(s.submitted_at),
            "attachments": [a.filename for a in s.attachments],
            "reviews": [
                {
                    "decision": str(r.decision),
                    "score": r.score,
                    "criteria": r.criteria,
                    "feedback": r.feedback_md,
                    "at": _iso(r.created_at),
                }
                for r in s.reviews
            ],
        }
        for s, slug in rows
    ]


PERSONAL_DATA_EXPORTERS.extend(
    [
        ("learning", _export_learning),
        ("attempts", _export_attempts),
        ("competencies", _export_competencies),
        ("practice", _export_practice),
    ]
)
