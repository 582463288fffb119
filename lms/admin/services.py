"""Administration use cases: search, create and edit users and organisations."""

from __future__ import annotations

import secrets

from sqlalchemy import Select, or_, select

from lms.auth.services import AccountError, create_user, normalise_email
from lms.extensions import db
from lms.models import Organisation, Role, User


def user_query(search: str = "", organisation_id: int | None = None) -> Select[User]:
    """Users matching a search on name or e-mail, optionally limited to one organisation."""
    query = select(User).order_by(User.name, User.id)
    if organisation_id is not None:
        query = query.where(User.organisation_id == organisation_id)
    if search.strip():
        pattern = f"%{search.strip().lower()}%"
        query = query.where(or_(db.func.lower(User.name).like(pattern), User.email.like(pattern)))
    return query


def organisation_query(search: str = "") -> Select[Organisation]:
    """Organisations matching a search on name or slug."""
    query = select(Organisation).order_by(Organisation.name)
    if search.strip():
        pattern = f"%{search.strip().lower()}%"
        query = query.where(
            or_(db.func.lower(Organisation.name).like(pattern), Organisation.slug.like(pattern))
        )
    return query


def new_join_code() -> str:
    """A short random code that people type to join an organisation or a cohort."""
    return secrets.token_urlsafe(6).replace("-", "x").replace("_", "y")


def save_user(
    user: User | None,
    *,
    name: str,
    email: str,
    role: Role,
    organisation_id: int | None,
    password: str | None,
    active: bool,
) -> User:
    """Create (user None) or update a user, and commit."""
    organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
    if user is None:
        user = create_user(email, name, password or None, role=role, organisation=organisation)
    else:
        email = normalise_email(email)
        other = db.session.scalar(select(User).where(User.email == email, User.id != user.id))
        if other is not None:
            raise AccountError("An account already uses this e-mail address.", "email")
        user.name, user.email, user.role = name.strip(), email, role
        user.organisation = organisation
    user.active = active
    db.session.commit()
    return user


def save_organisation(
    organisation: Organisation | None, *, name: str, slug: str, description: str, active: bool
) -> Organisation:
    """Create or update an organisation, and commit; slugs are unique."""
    other = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if other is not None and other is not organisation:
        raise AccountError("This short name is already taken.", "slug")
    if organisation is None:
        organisation = Organisation(slug=slug, name=name, join_code=new_join_code())
        db.session.add(organisation)
    organisation.name, organisation.slug = name.strip(), slug
    organisation.description, organisation.active = description, active
    db.session.commit()
    return organisation
