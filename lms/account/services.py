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
    """Erase the account and everything that belongs to it (cascades in the database)."""
    db.session.execute(db.delete(CohortMembership).where(CohortMembership.user_id == user.id))
    db.session.execute(db.delete(ApiToken).where(ApiToken.user_id == user.id))
    db.session.delete(user)
    db.session.commit()


def _export_certificates(user: User) -> Any:
    # Imported when called: the certification area depends on accounts, not the reverse.
    from lms.certification.services import export_certificates

    return export_certificates(user)


PERSONAL_DATA_EXPORTERS.append(("certificates", _export_certificates))
