"""Routes of the workspace area (« Mon modèle »): every signed-in role may have a workspace.

Role is not what restricts a workspace: membership is (see test_workspace_access.py for
members, readers, trainers of a shared cohort and outsiders). Paths that name a
workspace use `{workspace}`: formatting such a path (test_access.py does it inside the
test's app context) first gives the organisation `{org_id}` a workspace whose members
are all its people, with year 2024 described and one version kept, so that the roles
listed here reach a real page rather than a 404.
"""

from __future__ import annotations

from typing import Any

from lms.extensions import db
from lms.models import Role, User, Workspace, WorkspaceMember
from lms.workspace import services
from tests.access_roles import ALL


class WorkspacePath(str):
    """A route path whose formatting also creates the workspace it names."""

    __slots__ = ()

    def format(self, *args: Any, **kwargs: Any) -> str:
        workspace_id = _workspace_of(int(kwargs["org_id"]))
        return str.format(self, *args, workspace=workspace_id, **kwargs)


def _workspace_of(org_id: int) -> int:
    existing = db.session.scalar(db.select(Workspace.id).where(Workspace.organisation_id == org_id))
    if existing is not None:
        return existing
    people = list(db.session.scalars(db.select(User).where(User.organisation_id == org_id)))
    founder = people[0]
    workspace_id = services.start_workspace(db.session, founder)
    for person in people[1:]:
        db.session.add(WorkspaceMember(workspace_id=workspace_id, user_id=person.id))
    db.session.commit()
    services.add_year(db.session, founder, workspace_id, 2024)
    services.take_snapshot(db.session, founder, workspace_id, "Version de test")
    return workspace_id


W = WorkspacePath

# endpoint: (method, path, roles allowed)
ROUTES: dict[str, tuple[str, str, tuple[Role, ...] | str]] = {
    "workspace.index": ("GET", "/workspace/", ALL),
    "workspace.start": ("POST", "/workspace/", ALL),
    "workspace.overview": ("GET", W("/workspace/{workspace}/"), ALL),
    "workspace.identity": ("POST", W("/workspace/{workspace}/identity"), ALL),
    "workspace.add_year": ("POST", W("/workspace/{workspace}/years"), ALL),
    "workspace.remove_year": ("POST", W("/workspace/{workspace}/years/2024/remove"), ALL),
    "workspace.year_part": ("GET", W("/workspace/{workspace}/years/2024/resources"), ALL),
    "workspace.analysis": ("GET", W("/workspace/{workspace}/analysis"), ALL),
    "workspace.method_part": ("GET", W("/workspace/{workspace}/method/levers"), ALL),
    "workspace.versions": ("POST", W("/workspace/{workspace}/versions"), ALL),
    "workspace.version": ("GET", W("/workspace/{workspace}/versions/1"), ALL),
    "workspace.history": ("GET", W("/workspace/{workspace}/history"), ALL),
    "workspace.access": ("GET", W("/workspace/{workspace}/access"), ALL),
    "workspace.add_member": ("POST", W("/workspace/{workspace}/access/members"), ALL),
    "workspace.remove_member": (
        "POST",
        W("/workspace/{workspace}/access/members/{self_id}/remove"),
        ALL,
    ),
    "workspace.share": ("POST", W("/workspace/{workspace}/access/cohorts"), ALL),
    "workspace.unshare": ("POST", W("/workspace/{workspace}/access/cohorts/999/remove"), ALL),
    "workspace.export_pdf": ("GET", W("/workspace/{workspace}/export.pdf"), ALL),
    "workspace.export_json": ("GET", W("/workspace/{workspace}/export.json"), ALL),
    "workspace.export_csv": ("GET", W("/workspace/{workspace}/export/resources.csv"), ALL),
    "workspace.import_json": ("GET", W("/workspace/{workspace}/import"), ALL),
    "workspace.practice": ("GET", W("/workspace/{workspace}/practice/{module}"), ALL),
    "api.list_workspaces": ("GET", "/api/v1/workspaces", ALL),
    "api.get_workspace": ("GET", W("/api/v1/workspaces/{workspace}"), ALL),
    "api.put_workspace": ("PUT", W("/api/v1/workspaces/{workspace}"), ALL),
    "api.workspace_indicators": ("GET", W("/api/v1/workspaces/{workspace}/indicators"), ALL),
    "api.workspace_pdf": ("GET", W("/api/v1/workspaces/{workspace}/export.pdf"), ALL),
}
