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
from sqlalchemy import Select, false, or_, select

from lms.extensions import db
from lms.models import (
    Cohort,
    CohortMembership,
    CohortRole,
    Role,
    User,
    Workspace,
    WorkspaceMember,
    WorkspaceShare,
)

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


# --- cohorts and organisations ---------------------------------------------------------------
# Queries live here with the rules, so that pages, exports, the API and the practice
# downloads all ask the same question the same way.


def can_create_cohort(user: User) -> bool:
    """Admins, and org admins or trainers who belong to an organisation, create cohorts."""
    if user.role == Role.ADMIN:
        return True
    return user.role in (Role.ORG_ADMIN, Role.TRAINER) and user.organisation_id is not None


def visible_cohort_ids(user: User) -> Select[Any]:
    """The ids of the cohorts `user` may follow, as a subquery-ready SELECT.

    An admin sees every cohort; an org admin every cohort of their organisation;
    a trainer (or org admin) the cohorts where they hold an active trainer membership.
    Learners see none here (their own cohorts are not followed, they are lived).
    """
    if user.role == Role.ADMIN:
        return select(Cohort.id)
    trained = select(CohortMembership.cohort_id).where(
        CohortMembership.user_id == user.id,
        CohortMembership.role == CohortRole.TRAINER,
        CohortMembership.removed_at.is_(None),
    )
    if user.role == Role.ORG_ADMIN and user.organisation_id is not None:
        of_org = select(Cohort.id).where(Cohort.organisation_id == user.organisation_id)
        return select(Cohort.id).where(or_(Cohort.id.in_(of_org), Cohort.id.in_(trained)))
    if user.role in (Role.TRAINER, Role.ORG_ADMIN):
        return trained
    return select(Cohort.id).where(false())


def can_access_cohort(user: User, cohort: Cohort) -> bool:
    """Whether `user` may follow and run `cohort` (see `visible_cohort_ids`)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role == Role.ADMIN:
        return True
    if user.role == Role.ORG_ADMIN and user.organisation_id == cohort.organisation_id:
        return True
    if user.role not in (Role.TRAINER, Role.ORG_ADMIN):
        return False
    membership = db.session.scalar(
        select(CohortMembership.id).where(
            CohortMembership.cohort_id == cohort.id,
            CohortMembership.user_id == user.id,
            CohortMembership.role == CohortRole.TRAINER,
            CohortMembership.removed_at.is_(None),
        )
    )
    return membership is not None


def trains_learner(user: User, learner_id: int) -> bool:
    """Whether `user` may see this learner's work, answers and profile as their trainer.

    True for admins; for an org admin of the learner's organisation (or of an
    organisation one of whose cohorts the learner is active in); for a trainer
    with an active trainer membership in a cohort where the learner has an
    active learner membership. Removing either membership ends the access.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role == Role.ADMIN:
        return True
    if user.role not in (Role.TRAINER, Role.ORG_ADMIN):
        return False
    if user.role == Role.ORG_ADMIN and user.organisation_id is not None:
        learner_org = db.session.scalar(select(User.organisation_id).where(User.id == learner_id))
        if learner_org == user.organisation_id:
            return True
    learner_in = select(CohortMembership.cohort_id).where(
        CohortMembership.user_id == learner_id,
        CohortMembership.role == CohortRole.LEARNER,
        CohortMembership.removed_at.is_(None),
    )
    shared = db.session.scalar(
        select(Cohort.id)
        .where(Cohort.id.in_(learner_in), Cohort.id.in_(visible_cohort_ids(user)))
        .limit(1)
    )
    return shared is not None


# --- workspaces (« Mon modèle ») ----------------------------------------------------------------


def _workspace_membership(user: User, workspace: Workspace) -> WorkspaceMember | None:
    return db.session.scalar(
        select(WorkspaceMember).where(
            WorkspaceMember.workspace_id == workspace.id, WorkspaceMember.user_id == user.id
        )
    )


def _follows_shared_cohort(user: User, workspace: Workspace) -> bool:
    shared = db.session.scalar(
        select(WorkspaceShare.id)
        .where(
            WorkspaceShare.workspace_id == workspace.id,
            WorkspaceShare.cohort_id.in_(visible_cohort_ids(user)),
        )
        .limit(1)
    )
    return shared is not None


def can_view_workspace(user: User, workspace: Workspace) -> bool:
    """Members given access see a workspace; so do, read-only, the trainers (and org
    admins) who follow a cohort it is shared with. Nobody else, admins included."""
    if not user.is_authenticated or not user.is_active:
        return False
    if _workspace_membership(user, workspace) is not None:
        return True
    return user.role != Role.LEARNER and _follows_shared_cohort(user, workspace)


def can_edit_workspace(user: User, workspace: Workspace) -> bool:
    """Only members given edit access change a workspace."""
    if not user.is_authenticated or not user.is_active:
        return False
    membership = _workspace_membership(user, workspace)
    return membership is not None and membership.can_edit


def can_manage_workspace_access(user: User, workspace: Workspace) -> bool:
    """Who gives and withdraws access: its editors, the org admin of its organisation,
    and admins (who manage access without seeing the content unless made members)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role == Role.ADMIN:
        return True
    if (
        user.role == Role.ORG_ADMIN
        and workspace.organisation_id is not None
        and user.organisation_id == workspace.organisation_id
    ):
        return True
    return can_edit_workspace(user, workspace)


def can_manage_certification(user: User, organisation_id: int | None) -> bool:
    """Admins everywhere; an org admin for their own organisation's programmes and certificates."""
    return can_manage_users_of(user, organisation_id)
