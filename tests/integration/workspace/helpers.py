"""Helpers for the workspace tests: a workspace filled with the fictional example."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from lms.extensions import db
from lms.models import User, Workspace
from lms.workspace import services
from lms.workspace.schemas import load_document
from tests.conftest import REAL_COURSE
from tests.integration.workspace.example import ressourcerie_document

M03 = "accompagner-la-transformation"


def make_workspace(user: User, document: dict[str, Any] | None = None) -> int:
    """`user`'s workspace (their organisation's, or personal), filled with `document`."""
    workspace_id = services.start_workspace(db.session, user)
    if document is not False:
        services.replace_document(
            db.session, user, workspace_id, document or ressourcerie_document()
        )
    return workspace_id


def stored(workspace_id: int):
    """The document as stored now (a fresh read)."""
    db.session.expire_all()
    return load_document(db.session.get(Workspace, workspace_id).data)


def revision(workspace_id: int) -> int:
    """The stored revision."""
    db.session.expire_all()
    return db.session.get(Workspace, workspace_id).revision


def m03_course(root: Path) -> Path:
    """The real course trimmed to M03 and the framework, under `root` (quick to load).

    The framework's competencies are all attached to the one theme kept, since a theme
    folder without modules is not valid content. The module's texts are the real ones.
    """
    content = root / "content"
    (content / "comprendre").mkdir(parents=True)
    shutil.copy(REAL_COURSE / "comprendre" / "theme.yaml", content / "comprendre")
    shutil.copytree(REAL_COURSE / "comprendre" / f"03-{M03}", content / "comprendre" / f"03-{M03}")
    framework = yaml.safe_load((REAL_COURSE / "framework.yaml").read_text(encoding="utf-8"))
    for competency in framework["competencies"]:
        competency["theme"] = "comprendre"
    (content / "framework.yaml").write_text(
        yaml.safe_dump(framework, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return content
