"""Who may do what: the one place where access rules live.

Views declare the roles they accept with `role_required`; finer rules (which
organisation, which cohort) are small functions here, called by views and
services alike, so every check reads the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

from lms.models import Role, User

F = TypeVar("F", bound=Callable[..., Any])

# Roles a user may hand out, by their own role: nobody creates someone above them.
ASSIGNABLE_ROLES: dict[Role, tuple[Role, ...]] = {
    Role.ADMIN: (Role.LEARNER, Role.TRAINER, Role.ORG_ADMIN, Role.ADMIN),
    Role.ORG_ADMIN: (Role.LEARNER, Role.TRAINER, Role.ORG_ADMIN),
    Role.TRAINER: (),
    Role.LEARNER: (),
}


def has_role(user: User, *roles: Role) -> bool:
    """True when the user holds one of `roles`; an admin holds every role."""
    return user.role == Role.ADMIN or user.role in roles


def role_required(*roles: Role) -> Callable[[F], F]:
    """Decorate a view: 401 (login redirect) when anonymous, 403 without one of `roles`."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                from lms.extensions import login_manager

                return login_manager.unauthorized()
            if not has_role(current_user, *roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def can_manage_users_of(user: User, organisation_id: int | None) -> bool:
    """Admins manage everyone; an org admin manages the people of their own organisation."""
    if user.role == Role.ADMIN:
        return True
    return (
        user.role == Role.ORG_ADMIN
        and organisation_id is not None
        and user.organisation_id == organisation_id
    )


def can_edit_user(actor: User, target: User) -> bool:
    """Whether `actor` may edit or deactivate `target` (never someone of a higher role)."""
    if actor.role == Role.ADMIN:
        return True
    return (
        can_manage_users_of(actor, target.organisation_id)
        and target.role in (ASSIGNABLE_ROLES[actor.role])
    )


def can_manage_organisations(user: User) -> bool:
    """Creating, renaming and deactivating organisations is the instance admin's job."""
    return user.role == Role.ADMIN
