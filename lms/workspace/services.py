"""Workspace use cases: open, change part by part, replace, version, share, submit as practice.

Every change goes through `_write`: it locks the workspace row, checks the editor's
right, builds the new document, validates it *whole* with the pydantic schema (so a
part can never make the document invalid), bumps the revision, records who changed
what, and commits once. On invalid data `InvalidData` is raised with one message per
field and nothing is written.

Access rules are lms.access's (`can_view_workspace`, `can_edit_workspace`,
`can_manage_workspace_access`); a workspace one may not see is reported as not found.
"""

from __future__ import annotations

import copy
import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms.access import (
    can_edit_workspace,
    can_manage_workspace_access,
    can_view_workspace,
    visible_cohort_ids,
)
from lms.audit import record_audit
from lms.content.urls import module_url, section_url
from lms.i18n import N_
from lms.models import (
    Cohort,
    CohortMembership,
    Competency,
    CompetencyState,
    Module,
    Organisation,
    Role,
    Section,
    User,
    Workspace,
    WorkspaceChange,
    WorkspaceMember,
    WorkspaceShare,
    WorkspaceSnapshot,
)
from lms.models.base import utcnow
from lms.pagination import Page, paginate
from lms.practice import services as practice_services
from lms.workspace.schemas import (
    MAX_YEARS,
    WorkspaceData,
    empty_document,
    error_location,
    field_errors,
    load_document,
)


class WorkspaceError(Exception):
    """A rule refused the request; `message` is an English msgid filled from `params`."""

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.code, self.message, self.params = code, message, params


class NotFound(WorkspaceError):
    """No such workspace, or one the user may not see (the two are not told apart)."""

    def __init__(self) -> None:
        super().__init__("not_found", N_("This workspace does not exist."))


class Forbidden(WorkspaceError):
    """The user sees the workspace but may not do this."""

    def __init__(self, message: str = N_("You may read this workspace but not change it.")):
        super().__init__("forbidden", message)


class Conflict(WorkspaceError):
    """The document changed since the client read it."""


class InvalidData(WorkspaceError):
    """The data does not validate; `errors` holds the validation error, located in the part."""

    def __init__(self, error: ValidationError, prefix: tuple[int | str, ...] = ()) -> None:
        super().__init__("invalid", N_("Some fields are invalid: nothing was saved."))
        self.error, self.prefix = error, prefix

    def fields(self, translate: Callable[..., str] | None = None) -> dict[str, str]:
        """One message per field, located relative to the part that was saved."""
        messages = field_errors(self.error, translate)
        strip = error_location(self.prefix)
        located = {}
        for location, message in messages.items():
            if strip and location.startswith(strip + "."):
                location = location[len(strip) + 1 :]
            located[location] = message
        return located


# --- parts of the document ------------------------------------------------------------------


class Part(enum.StrEnum):
    """A part of the document, edited on its own page."""

    IDENTITY = "identity"
    ACTIVITIES = "activities"
    RESOURCES = "resources"
    HUMAN_RICHES = "human_riches"
    ALLIANCES = "alliances"
    ISSUES = "issues"  # the key issues and the debate's notes (step 1)
    AMBITION = "ambition"  # step 2
    LEVERS = "levers"  # steps 2 and 3 A
    TARGET = "target"  # step 3 B
    TRAJECTORY = "trajectory"  # step 3 C


YEAR_PARTS = (Part.ACTIVITIES, Part.RESOURCES, Part.HUMAN_RICHES, Part.ALLIANCES)
#: The keys of `method` each method part writes.
METHOD_KEYS: dict[Part, tuple[str, ...]] = {
    Part.ISSUES: ("issues", "debate_notes"),
    Part.AMBITION: ("ambition", "horizon_year"),
    Part.LEVERS: ("levers",),
    Part.TARGET: ("target",),
    Part.TRAJECTORY: ("trajectory",),
}

#: Where each part is taught: (module slug, section slug or None), first the main one.
LEARNING: dict[str, tuple[tuple[str, str | None], ...]] = {
    Part.IDENTITY: (
        ("accompagner-la-transformation", "interet-general-et-utilite-sociale"),
        ("leviers-financiers", "dons-mecenat-et-fiscalite"),
    ),
    Part.ACTIVITIES: (("accompagner-la-transformation", "trois-etapes"),),
    Part.RESOURCES: (
        ("leviers-financiers", "familles-de-ressources"),
        ("leviers-financiers", "se-situer-et-mesurer-sa-dependance"),
    ),
    Part.HUMAN_RICHES: (("richesses-humaines", "formes-d-engagement"),),
    Part.ALLIANCES: (
        ("alliances-strategiques", "associations-et-entreprises"),
        ("alliances-strategiques", "alliances-entre-associations"),
    ),
    "analysis": (("leviers-financiers", "se-situer-et-mesurer-sa-dependance"),),
    Part.ISSUES: (
        ("accompagner-la-transformation", "trois-etapes"),
        ("accompagner-la-transformation", "animer-la-demarche"),
    ),
    Part.AMBITION: (("accompagner-la-transformation", "trois-etapes"),),
    Part.LEVERS: (("accompagner-la-transformation", "trois-etapes"),),
    Part.TARGET: (("accompagner-la-transformation", "trois-etapes"),),
    Part.TRAJECTORY: (
        ("accompagner-la-transformation", "trois-etapes"),
        ("vision-gestion-action", None),
    ),
}

#: The module whose practical work each part prepares.
PRACTICE_MODULE: dict[str, str] = {
    Part.IDENTITY: "accompagner-la-transformation",
    Part.ACTIVITIES: "accompagner-la-transformation",
    Part.ISSUES: "accompagner-la-transformation",
    Part.RESOURCES: "leviers-financiers",
    "analysis": "leviers-financiers",
    Part.HUMAN_RICHES: "richesses-humaines",
    Part.ALLIANCES: "alliances-strategiques",
    Part.AMBITION: "vision-gestion-action",
    Part.LEVERS: "vision-gestion-action",
    Part.TARGET: "vision-gestion-action",
    Part.TRAJECTORY: "vision-gestion-action",
}


def _place(raw: dict[str, Any], part: Part, value: Any, year: int | None) -> tuple[Any, ...]:
    """Put `value` where `part` lives in the raw document; returns that place's location."""
    if part == Part.IDENTITY:
        raw["identity"] = value
        return ("identity",)
    if part in YEAR_PARTS:
        index = next((i for i, entry in enumerate(raw["years"]) if entry["year"] == year), None)
        if index is None:
            raise WorkspaceError("no_year", N_("Year %(year)s is not described."), year=year)
        raw["years"][index][part.value] = value
        return ("years", index, part.value)
    for key in METHOD_KEYS[part]:
        raw["method"][key] = value[key]
    return ("method",)


# --- views of a workspace -------------------------------------------------------------------


@dataclass(frozen=True)
class Rights:
    """What the current user may do with a workspace."""

    view: bool
    edit: bool
    manage: bool
    member: bool  # given access (not a trainer reading a shared workspace)


@dataclass(frozen=True)
class WorkspaceInfo:
    """A workspace's plain facts, for pages."""

    id: int
    name: str
    revision: int
    personal: bool
    organisation_name: str | None
    owner_name: str | None
    updated_at: datetime


@dataclass(frozen=True)
class Opened:
    """A workspace as the user may see it: its facts, its document and their rights."""

    info: WorkspaceInfo
    data: WorkspaceData
    rights: Rights


def _info(session: Session, workspace: Workspace) -> WorkspaceInfo:
    organisation_name = owner_name = None
    if workspace.organisation_id is not None:
        organisation_name = session.scalar(
            select(Organisation.name).where(Organisation.id == workspace.organisation_id)
        )
    if workspace.owner_id is not None:
        owner_name = session.scalar(select(User.name).where(User.id == workspace.owner_id))
    return WorkspaceInfo(
        id=workspace.id,
        name=workspace.name,
        revision=workspace.revision,
        personal=workspace.owner_id is not None,
        organisation_name=organisation_name,
        owner_name=owner_name,
        updated_at=workspace.updated_at,
    )


def _rights(session: Session, user: User, workspace: Workspace) -> Rights:
    edit = can_edit_workspace(user, workspace)
    member = edit or _is_member(session, user, workspace)
    return Rights(
        view=member or can_view_workspace(user, workspace),
        edit=edit,
        manage=can_manage_workspace_access(user, workspace),
        member=member,
    )


def _is_member(session: Session, user: User, workspace: Workspace) -> bool:
    return (
        session.scalar(
            select(WorkspaceMember.id).where(
                WorkspaceMember.workspace_id == workspace.id, WorkspaceMember.user_id == user.id
            )
        )
        is not None
    )


def open_workspace(session: Session, user: User, workspace_id: int) -> Opened:
    """The workspace if `user` may see it (NotFound otherwise), with its document."""
    workspace = session.get(Workspace, workspace_id)
    if workspace is None:
        raise NotFound()
    rights = _rights(session, user, workspace)
    if not rights.view:
        raise NotFound()
    return Opened(_info(session, workspace), load_document(workspace.data), rights)


def open_for_access(
    session: Session, user: User, workspace_id: int
) -> tuple[WorkspaceInfo, Rights]:
    """The workspace's facts for whoever may see it or manage its access (NotFound otherwise)."""
    workspace = session.get(Workspace, workspace_id)
    if workspace is None:
        raise NotFound()
    rights = _rights(session, user, workspace)
    if not (rights.view or rights.manage):
        raise NotFound()
    return _info(session, workspace), rights


# --- the hub: my workspaces -------------------------------------------------------------------


@dataclass(frozen=True)
class WorkspaceCard:
    """A workspace in a list."""

    id: int
    name: str
    personal: bool
    can_edit: bool
    shared_reading: bool  # seen as a trainer of a cohort it is shared with
    updated_at: datetime


@dataclass(frozen=True)
class Hub:
    """The user's workspaces, and whether they can start one."""

    mine: list[WorkspaceCard]
    shared_with_me: list[WorkspaceCard]
    can_start: bool
    starts_personal: bool  # the one they can start is personal (no organisation)
    organisation_name: str | None
    organisation_editors: list[str] = field(default_factory=list)  # to ask for access


def hub(session: Session, user: User) -> Hub:
    """My workspaces, those shared with the cohorts I follow, and what I can start."""
    rows = session.execute(
        select(Workspace, WorkspaceMember.can_edit)
        .join(WorkspaceMember, WorkspaceMember.workspace_id == Workspace.id)
        .where(WorkspaceMember.user_id == user.id)
        .order_by(Workspace.name)
    ).all()
    mine = [
        WorkspaceCard(w.id, w.name, w.owner_id is not None, can_edit, False, w.updated_at)
        for w, can_edit in rows
    ]
    shared: list[WorkspaceCard] = []
    if user.role != Role.LEARNER:
        member_ids = {card.id for card in mine}
        shared_ids = select(WorkspaceShare.workspace_id).where(
            WorkspaceShare.cohort_id.in_(visible_cohort_ids(user))
        )
        # IN rather than JOIN + DISTINCT: PostgreSQL cannot compare the JSON document.
        shared_rows = session.scalars(
            select(Workspace).where(Workspace.id.in_(shared_ids)).order_by(Workspace.name)
        ).all()
        shared = [
            WorkspaceCard(w.id, w.name, w.owner_id is not None, False, True, w.updated_at)
            for w in shared_rows
            if w.id not in member_ids
        ]
    organisation_name = None
    editors: list[str] = []
    if user.organisation_id is not None:
        organisation_name = session.scalar(
            select(Organisation.name).where(Organisation.id == user.organisation_id)
        )
        existing = session.scalar(
            select(Workspace.id).where(Workspace.organisation_id == user.organisation_id)
        )
        can_start = existing is None
        if existing is not None and existing not in {card.id for card in mine}:
            editors = list(
                session.scalars(
                    select(User.name)
                    .join(WorkspaceMember, WorkspaceMember.user_id == User.id)
                    .where(WorkspaceMember.workspace_id == existing, WorkspaceMember.can_edit)
                    .order_by(User.name)
                )
            )
    else:
        can_start = (
            session.scalar(select(Workspace.id).where(Workspace.owner_id == user.id)) is None
        )
    return Hub(
        mine=mine,
        shared_with_me=shared,
        can_start=can_start,
        starts_personal=user.organisation_id is None,
        organisation_name=organisation_name,
        organisation_editors=editors,
    )


def start_workspace(session: Session, user: User) -> int:
    """Create my organisation's workspace (or my personal one without an organisation).

    Its creator is its first editor. WorkspaceError ``exists`` when there already is one.
    """
    organisation = session.get(Organisation, user.organisation_id) if user.organisation_id else None
    name = organisation.name if organisation else ""
    workspace = Workspace(
        organisation_id=organisation.id if organisation else None,
        owner_id=None if organisation else user.id,
        name=name or user.name,
        data=empty_document(name).dump(),
    )
    session.add(workspace)
    try:
        session.flush()
    except IntegrityError as error:
        session.rollback()
        raise WorkspaceError(
            "exists", N_("There already is a workspace for this organisation.")
        ) from error
    session.add(WorkspaceMember(workspace_id=workspace.id, user_id=user.id, added_by_id=user.id))
    _log(session, user, workspace, "created")
    session.commit()
    return workspace.id


# --- writing ------------------------------------------------------------------------------------


def _log(
    session: Session,
    user: User,
    workspace: Workspace,
    action: str,
    part: str = "",
    year: int | None = None,
    **details: Any,
) -> None:
    session.add(
        WorkspaceChange(
            workspace_id=workspace.id,
            actor_id=user.id,
            actor_name=user.name,
            action=action,
            part=part,
            year=year,
            details=details,
            revision=workspace.revision,
        )
    )


def _lock(session: Session, user: User, workspace_id: int) -> Workspace:
    """The workspace row, locked for the change (PostgreSQL), after checking the right."""
    workspace = session.scalar(
        select(Workspace).where(Workspace.id == workspace_id).with_for_update()
    )
    if workspace is None:
        raise NotFound()
    if not can_edit_workspace(user, workspace):
        session.rollback()
        if can_view_workspace(user, workspace):
            raise Forbidden()
        raise NotFound()
    return workspace


def _store(workspace: Workspace, data: WorkspaceData) -> None:
    workspace.data = data.dump()
    workspace.name = data.identity.name or workspace.name
    workspace.revision += 1
    workspace.updated_at = utcnow()


def _write(
    session: Session,
    user: User,
    workspace_id: int,
    change: Callable[[dict[str, Any]], tuple[Any, ...]],
    *,
    action: str,
    part: str = "",
    year: int | None = None,
    expected_revision: int | None = None,
    **details: Any,
) -> int:
    """Apply `change` to a copy of the raw document, validate it whole, store it, log it.

    `change` edits the raw dict in place and returns the location of what it changed,
    so that validation messages can be given relative to it. Returns the new revision.
    """
    workspace = _lock(session, user, workspace_id)
    if expected_revision is not None and expected_revision != workspace.revision:
        session.rollback()
        raise Conflict(
            "conflict",
            N_("The workspace changed since you read it (revision %(current)s): reload it."),
            current=workspace.revision,
        )
    raw = copy.deepcopy(load_document(workspace.data).dump())
    prefix: tuple[Any, ...] = ()
    try:
        prefix = change(raw)
        data = WorkspaceData.model_validate(raw)
    except ValidationError as error:
        session.rollback()
        raise InvalidData(error, prefix) from error
    except WorkspaceError:
        session.rollback()
        raise
    _store(workspace, data)
    _log(session, user, workspace, action, part, year, **details)
    session.commit()
    return workspace.revision


def save_part(
    session: Session, user: User, workspace_id: int, part: Part, value: Any, year: int | None = None
) -> int:
    """Replace one part (identity, a year's pillar, a step of the method) and commit."""

    def change(raw: dict[str, Any]) -> tuple[Any, ...]:
        return _place(raw, part, value, year)

    return _write(session, user, workspace_id, change, action="updated", part=part.value, year=year)


def add_year(
    session: Session, user: User, workspace_id: int, year: int, copy_from: int | None = None
) -> int:
    """Describe one more year, empty or starting from a copy of a described one."""

    def change(raw: dict[str, Any]) -> tuple[Any, ...]:
        if any(entry["year"] == year for entry in raw["years"]):
            raise WorkspaceError(
                "year_exists", N_("Year %(year)s is already described."), year=year
            )
        if len(raw["years"]) >= MAX_YEARS:
            raise WorkspaceError(
                "too_many_years", N_("At most %(count)s years can be described."), count=MAX_YEARS
            )
        source = next((e for e in raw["years"] if e["year"] == copy_from), None)
        entry = copy.deepcopy(source) if source is not None else {}
        entry["year"] = year
        raw["years"].append(entry)
        return ()

    return _write(
        session, user, workspace_id, change, action="year_added", year=year, copied_from=copy_from
    )


def remove_year(session: Session, user: User, workspace_id: int, year: int) -> int:
    """Stop describing a year (its data stays in the snapshots taken before)."""

    def change(raw: dict[str, Any]) -> tuple[Any, ...]:
        before = len(raw["years"])
        raw["years"] = [entry for entry in raw["years"] if entry["year"] != year]
        if len(raw["years"]) == before:
            raise WorkspaceError("no_year", N_("Year %(year)s is not described."), year=year)
        return ()

    return _write(session, user, workspace_id, change, action="year_removed", year=year)


def replace_document(
    session: Session,
    user: User,
    workspace_id: int,
    raw_document: Any,
    *,
    expected_revision: int | None = None,
    imported: bool = False,
) -> int:
    """Replace the whole document (API PUT, JSON import). An import snapshots the old one first."""
    if not isinstance(raw_document, dict):
        raw_document = {"__root__": raw_document}

    def change(raw: dict[str, Any]) -> tuple[Any, ...]:
        raw.clear()
        raw.update(raw_document)
        return ()

    if imported:
        workspace = _lock(session, user, workspace_id)
        _add_snapshot(session, user, workspace, N_("Before import"))
        # The snapshot joins the same transaction: it is kept only if the import succeeds.
    return _write(
        session,
        user,
        workspace_id,
        change,
        action="imported" if imported else "replaced",
        expected_revision=expected_revision,
    )


# --- versions -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SnapshotInfo:
    """A version of the workspace."""

    number: int
    label: str
    revision: int
    created_at: datetime
    created_by_name: str


def _add_snapshot(session: Session, user: User, workspace: Workspace, label: str) -> int:
    number = (
        session.scalar(
            select(func.max(WorkspaceSnapshot.number)).where(
                WorkspaceSnapshot.workspace_id == workspace.id
            )
        )
        or 0
    ) + 1
    session.add(
        WorkspaceSnapshot(
            workspace_id=workspace.id,
            number=number,
            label=label[:160],
            revision=workspace.revision,
            data=copy.deepcopy(workspace.data),
            created_by_id=user.id,
            created_by_name=user.name,
        )
    )
    return number


def take_snapshot(session: Session, user: User, workspace_id: int, label: str) -> int:
    """Keep a dated copy of the document as it is now (editors only); returns its number."""
    workspace = _lock(session, user, workspace_id)
    number = _add_snapshot(session, user, workspace, label.strip())
    _log(session, user, workspace, "snapshot", number=number)
    session.commit()
    return number


def snapshots(session: Session, workspace_id: int) -> list[SnapshotInfo]:
    """The versions of a workspace, newest first (the caller has checked access)."""
    rows = session.scalars(
        select(WorkspaceSnapshot)
        .where(WorkspaceSnapshot.workspace_id == workspace_id)
        .order_by(WorkspaceSnapshot.number.desc())
    )
    return [
        SnapshotInfo(r.number, r.label, r.revision, r.created_at, r.created_by_name) for r in rows
    ]


def snapshot(
    session: Session, workspace_id: int, number: int
) -> tuple[SnapshotInfo, WorkspaceData] | None:
    """One version and its document (the caller has checked access), or None."""
    row = session.scalar(
        select(WorkspaceSnapshot).where(
            WorkspaceSnapshot.workspace_id == workspace_id, WorkspaceSnapshot.number == number
        )
    )
    if row is None:
        return None
    info = SnapshotInfo(row.number, row.label, row.revision, row.created_at, row.created_by_name)
    return info, load_document(row.data)


def change_log(session: Session, workspace_id: int, page: int) -> Page:
    """The recorded changes, newest first, one page (the caller has checked access)."""
    query = (
        select(WorkspaceChange)
        .where(WorkspaceChange.workspace_id == workspace_id)
        .order_by(WorkspaceChange.occurred_at.desc(), WorkspaceChange.id.desc())
    )
    return paginate(query, page)


# --- access: members and cohorts ----------------------------------------------------------------


@dataclass(frozen=True)
class MemberInfo:
    """A person given access."""

    user_id: int
    name: str
    email: str
    can_edit: bool


@dataclass(frozen=True)
class CohortInfo:
    """A cohort the workspace is, or could be, shared with."""

    id: int
    name: str


@dataclass(frozen=True)
class AccessView:
    """Who has access, who could be given it, and the cohorts it is shared with."""

    members: list[MemberInfo]
    candidates: list[MemberInfo]  # people of the organisation not yet members
    shares: list[CohortInfo]
    shareable: list[CohortInfo]  # my cohorts it is not shared with yet


def access_view(session: Session, user: User, workspace_id: int) -> AccessView:
    """The access page's data (the caller has checked that `user` may see it)."""
    workspace = session.get(Workspace, workspace_id)
    if workspace is None:
        raise NotFound()
    members = [
        MemberInfo(u.id, u.name, u.email, can_edit)
        for u, can_edit in session.execute(
            select(User, WorkspaceMember.can_edit)
            .join(WorkspaceMember, WorkspaceMember.user_id == User.id)
            .where(WorkspaceMember.workspace_id == workspace_id)
            .order_by(User.name)
        )
    ]
    candidates: list[MemberInfo] = []
    if workspace.organisation_id is not None:
        member_ids = {m.user_id for m in members}
        candidates = [
            MemberInfo(u.id, u.name, u.email, False)
            for u in session.scalars(
                select(User)
                .where(User.organisation_id == workspace.organisation_id, User.active)
                .order_by(User.name)
            )
            if u.id not in member_ids
        ]
    shares = [
        CohortInfo(c.id, c.name)
        for c in session.scalars(
            select(Cohort)
            .join(WorkspaceShare, WorkspaceShare.cohort_id == Cohort.id)
            .where(WorkspaceShare.workspace_id == workspace_id)
            .order_by(Cohort.name)
        )
    ]
    shared_ids = {c.id for c in shares}
    shareable = [
        CohortInfo(c.id, c.name)
        for c in session.scalars(
            select(Cohort)
            .join(CohortMembership, CohortMembership.cohort_id == Cohort.id)
            .where(CohortMembership.user_id == user.id, CohortMembership.removed_at.is_(None))
            .order_by(Cohort.name)
        )
        if c.id not in shared_ids
    ]
    return AccessView(members, candidates, shares, shareable)


def _manageable(session: Session, user: User, workspace_id: int) -> Workspace:
    workspace = session.scalar(
        select(Workspace).where(Workspace.id == workspace_id).with_for_update()
    )
    if workspace is None:
        raise NotFound()
    if not can_manage_workspace_access(user, workspace):
        session.rollback()
        if can_view_workspace(user, workspace):
            raise Forbidden(N_("Only the workspace's editors manage who has access."))
        raise NotFound()
    return workspace


def _editors(session: Session, workspace_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(WorkspaceMember)
            .where(WorkspaceMember.workspace_id == workspace_id, WorkspaceMember.can_edit)
        )
        or 0
    )


def _audit(session: Session, user: User, workspace: Workspace, action: str, **details: Any) -> None:
    record_audit(
        session,
        actor=user,
        action=f"workspace.{action}",
        target_type="workspace",
        target_id=workspace.id,
        organisation_id=workspace.organisation_id,
        details=details,
    )


def add_member(
    session: Session, user: User, workspace_id: int, member_id: int, can_edit: bool
) -> str:
    """Give a person of the workspace's organisation access; returns their name."""
    workspace = _manageable(session, user, workspace_id)
    person = session.get(User, member_id)
    if (
        person is None
        or not person.active
        or workspace.organisation_id is None
        or person.organisation_id != workspace.organisation_id
    ):
        session.rollback()
        raise WorkspaceError(
            "not_in_organisation",
            N_("Only active people of the workspace's organisation can be given access."),
        )
    existing = session.scalar(
        select(WorkspaceMember).where(
            WorkspaceMember.workspace_id == workspace_id, WorkspaceMember.user_id == member_id
        )
    )
    if existing is not None:
        existing.can_edit = can_edit
    else:
        session.add(
            WorkspaceMember(
                workspace_id=workspace_id, user_id=member_id, can_edit=can_edit, added_by_id=user.id
            )
        )
    _log(session, user, workspace, "member_added", "access", member=person.name, can_edit=can_edit)
    _audit(session, user, workspace, "member_added", user_id=member_id, can_edit=can_edit)
    session.commit()
    return person.name


def remove_member(session: Session, user: User, workspace_id: int, member_id: int) -> str:
    """Withdraw a person's access (never the last editor's); returns their name."""
    workspace = _manageable(session, user, workspace_id)
    membership = session.scalar(
        select(WorkspaceMember).where(
            WorkspaceMember.workspace_id == workspace_id, WorkspaceMember.user_id == member_id
        )
    )
    if membership is None:
        session.rollback()
        raise WorkspaceError("not_member", N_("This person has no access to the workspace."))
    if membership.can_edit and _editors(session, workspace_id) <= 1:
        session.rollback()
        raise WorkspaceError(
            "last_editor",
            N_("The last editor cannot be removed: give someone else edit access first."),
        )
    name = session.scalar(select(User.name).where(User.id == member_id)) or ""
    session.delete(membership)
    _log(session, user, workspace, "member_removed", "access", member=name)
    _audit(session, user, workspace, "member_removed", user_id=member_id)
    session.commit()
    return name


def share_with_cohort(session: Session, user: User, workspace_id: int, cohort_id: int) -> str:
    """Show the workspace, read-only, to the trainers of one of my cohorts; returns its name."""
    workspace = _lock(session, user, workspace_id)
    cohort = session.scalar(
        select(Cohort)
        .join(CohortMembership, CohortMembership.cohort_id == Cohort.id)
        .where(
            Cohort.id == cohort_id,
            CohortMembership.user_id == user.id,
            CohortMembership.removed_at.is_(None),
        )
    )
    if cohort is None:
        session.rollback()
        raise WorkspaceError("not_my_cohort", N_("You can only share with a cohort you belong to."))
    exists = session.scalar(
        select(WorkspaceShare.id).where(
            WorkspaceShare.workspace_id == workspace_id, WorkspaceShare.cohort_id == cohort_id
        )
    )
    if exists is None:
        session.add(
            WorkspaceShare(workspace_id=workspace_id, cohort_id=cohort_id, shared_by_id=user.id)
        )
        _log(session, user, workspace, "shared", "access", cohort=cohort.name)
        _audit(session, user, workspace, "shared", cohort_id=cohort_id)
    session.commit()
    return cohort.name


def unshare(session: Session, user: User, workspace_id: int, cohort_id: int) -> None:
    """Stop showing the workspace to a cohort's trainers."""
    workspace = _manageable(session, user, workspace_id)
    share_row = session.scalar(
        select(WorkspaceShare).where(
            WorkspaceShare.workspace_id == workspace_id, WorkspaceShare.cohort_id == cohort_id
        )
    )
    if share_row is None:
        session.rollback()
        raise WorkspaceError("not_shared", N_("The workspace is not shared with this cohort."))
    name = session.scalar(select(Cohort.name).where(Cohort.id == cohort_id)) or ""
    session.delete(share_row)
    _log(session, user, workspace, "unshared", "access", cohort=name)
    _audit(session, user, workspace, "unshared", cohort_id=cohort_id)
    session.commit()


# --- links to learning ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LearningLink:
    """A module (and section) that teaches a part of the workspace."""

    module_slug: str
    module_title: str
    section_slug: str | None
    section_title: str | None

    @property
    def url(self) -> str:
        """The section's page, or the module's."""
        if self.section_slug:
            return section_url(self.module_slug, self.section_slug)
        return module_url(self.module_slug)


def learning_links(session: Session) -> dict[str, list[LearningLink]]:
    """For each part, the published modules and sections that teach it (two queries)."""
    slugs = {module for links in LEARNING.values() for module, _ in links}
    modules = dict(
        session.execute(
            select(Module.slug, Module.title).where(
                Module.slug.in_(slugs), Module.retired_at.is_(None)
            )
        ).all()
    )
    sections = {
        (module_slug, slug): title
        for module_slug, slug, title in session.execute(
            select(Module.slug, Section.slug, Section.title)
            .join(Module, Section.module_id == Module.id)
            .where(Module.slug.in_(slugs), Section.retired_at.is_(None))
        )
    }
    links: dict[str, list[LearningLink]] = {}
    for part, targets in LEARNING.items():
        links[part] = [
            LearningLink(
                module,
                modules[module],
                section if (module, section) in sections else None,
                sections.get((module, section)) if section else None,
            )
            for module, section in targets
            if module in modules
        ]
    return links


# --- practical work from the workspace -------------------------------------------------------


@dataclass(frozen=True)
class CompetencyLevelInfo:
    """The learner's current level on a competency the practice gives evidence for."""

    code: str
    title: str
    level: int


@dataclass(frozen=True)
class PracticePanel:
    """A module's practical work as seen from the workspace."""

    module_slug: str
    module_title: str
    practice_title: str
    instructions_html: str
    page: practice_services.LearnerPractice
    levels: list[CompetencyLevelInfo]


def practice_panel(session: Session, user: User, module_slug: str) -> PracticePanel | None:
    """The practical work of a module for `user`, with their levels, or None without one."""
    page = practice_services.learner_practice(session, user.id, module_slug)
    if page is None:
        return None
    codes = [c.code for c in page.assignment.competencies]
    levels = dict(
        session.execute(
            select(Competency.code, CompetencyState.level)
            .join(CompetencyState, CompetencyState.competency_id == Competency.id)
            .where(CompetencyState.user_id == user.id, Competency.code.in_(codes))
        ).all()
    )
    return PracticePanel(
        module_slug=module_slug,
        module_title=page.assignment.module_title,
        practice_title=page.assignment.title,
        instructions_html=page.assignment.instructions_html,
        page=page,
        levels=[
            CompetencyLevelInfo(c.code, c.title, int(levels.get(c.code, 0)))
            for c in page.assignment.competencies
        ],
    )


def submit_practice(
    session: Session,
    user: User,
    workspace_id: int,
    module_slug: str,
    text_md: str,
    *,
    submit: bool,
    snapshot_label: str,
) -> int:
    """Save (or submit) the module's practical work written from the workspace.

    Only members may (the work is theirs, the workspace theirs too). Submitting also
    keeps a snapshot of the workspace, dated, so the version the trainer reviews stays
    visible; both are committed together by the practice service, or neither.
    Raises practice_services.PracticeError as the practice page would. Returns the
    snapshot's number (0 when only a draft was saved).
    """
    workspace = session.get(Workspace, workspace_id)
    if workspace is None or not can_view_workspace(user, workspace):
        raise NotFound()
    if not _is_member(session, user, workspace):
        raise Forbidden(N_("Only the workspace's members submit practical work from it."))
    practice = practice_services.find_practice(session, module_slug)
    if practice is None:
        raise WorkspaceError("no_practice", N_("This module has no practical work."))
    number = 0
    if submit:
        number = _add_snapshot(session, user, workspace, snapshot_label)
        _log(session, user, workspace, "practice_submitted", module=module_slug, number=number)
    try:
        practice_services.save_work(session, user.id, practice, text_md=text_md, submit=submit)
    except practice_services.PracticeError:
        session.rollback()  # some refusals come before the practice service's own rollback
        raise
    return number


def module_slugs_with_practice(session: Session) -> set[str]:
    """Which of the modules the workspace links to have a practical work loaded."""
    from lms.models import Practice

    return set(
        session.scalars(
            select(Module.slug)
            .join(Practice, Practice.module_id == Module.id)
            .where(
                Module.slug.in_(set(PRACTICE_MODULE.values())),
                Module.retired_at.is_(None),
                Practice.retired_at.is_(None),
            )
        )
    )


def workspaces_page(
    session: Session, user: User, *, after_id: int | None, limit: int
) -> list[WorkspaceCard]:
    """The workspaces `user` may see (members', then shared ones), by id, after `after_id`.

    Returns up to `limit` + 1 cards, so the caller knows whether another page follows.
    """
    member_of = select(WorkspaceMember.workspace_id).where(WorkspaceMember.user_id == user.id)
    conditions = [Workspace.id.in_(member_of)]
    if user.role != Role.LEARNER:
        shared = select(WorkspaceShare.workspace_id).where(
            WorkspaceShare.cohort_id.in_(visible_cohort_ids(user))
        )
        conditions.append(Workspace.id.in_(shared))
    query = select(Workspace).where(or_(*conditions)).order_by(Workspace.id).limit(limit + 1)
    if after_id is not None:
        query = query.where(Workspace.id > after_id)
    rows = session.scalars(query).all()
    editable = set(
        session.scalars(
            select(WorkspaceMember.workspace_id).where(
                WorkspaceMember.user_id == user.id, WorkspaceMember.can_edit
            )
        )
    )
    members = set(session.scalars(member_of))
    return [
        WorkspaceCard(
            w.id,
            w.name,
            w.owner_id is not None,
            w.id in editable,
            w.id not in members,
            w.updated_at,
        )
        for w in rows
    ]
