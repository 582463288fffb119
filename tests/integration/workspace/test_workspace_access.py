"""Who sees a workspace, who changes it, who manages its access."""

from __future__ import annotations

import pytest

from lms.extensions import db
from lms.models import AuditEvent, CohortRole, Role, WorkspaceChange
from lms.workspace import services
from tests.conftest import csrf_token
from tests.factories import bearer, enrol, make_cohort, make_org, make_user
from tests.integration.workspace.helpers import make_workspace, revision


@pytest.fixture
def team(app_ctx):
    """An organisation with an editor, a reader, a colleague without access, and an outsider."""
    org = make_org(name="La Ressourcerie du Val")
    editor = make_user(org=org, email="editor@example.org")
    reader = make_user(org=org, email="reader@example.org")
    colleague = make_user(org=org, email="colleague@example.org")
    outsider = make_user(org=make_org(), email="outsider@example.org")
    workspace_id = make_workspace(editor)
    services.add_member(db.session, editor, workspace_id, reader.id, can_edit=False)
    return {
        "org": org,
        "editor": editor,
        "reader": reader,
        "colleague": colleague,
        "outsider": outsider,
        "workspace_id": workspace_id,
    }


def test_members_see_it_and_only_editors_change_it(client, auth, team):
    ws = team["workspace_id"]
    auth.login("reader@example.org")
    assert client.get(f"/workspace/{ws}/").status_code == 200
    page = client.get(f"/workspace/{ws}/identity").get_data(as_text=True)
    assert 'class="ws-readonly"' in page
    assert 'name="save"' not in page
    before = revision(ws)
    token = csrf_token(client, f"/workspace/{ws}/")
    response = client.post(f"/workspace/{ws}/identity", data={"csrf_token": token, "name": "X"})
    assert response.status_code == 403
    assert revision(ws) == before


@pytest.mark.parametrize("who", ["colleague", "outsider"])
def test_people_without_access_get_not_found(client, auth, team, who):
    ws = team["workspace_id"]
    auth.login(f"{who}@example.org")
    for path in (
        f"/workspace/{ws}/",
        f"/workspace/{ws}/export.pdf",
        f"/workspace/{ws}/analysis",
        f"/workspace/{ws}/export.json",
        f"/workspace/{ws}/history",
    ):
        assert client.get(path).status_code == 404, path
    response = client.get(f"/api/v1/workspaces/{ws}", headers=bearer(team[who]))
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_trainers_of_a_shared_cohort_read_it_without_changing_it(app_ctx, client, auth, team):
    ws = team["workspace_id"]
    cohort = make_cohort(team["org"], name="Promotion 2025")
    enrol(cohort, team["editor"])
    trainer = make_user(role=Role.TRAINER, org=make_org(), email="trainer@example.org")
    enrol(cohort, trainer, CohortRole.TRAINER)
    auth.login("trainer@example.org")
    assert client.get(f"/workspace/{ws}/").status_code == 404  # not shared yet

    services.share_with_cohort(db.session, team["editor"], ws, cohort.id)
    assert client.get(f"/workspace/{ws}/").status_code == 200
    assert client.get(f"/workspace/{ws}/export.pdf").status_code == 200
    hub = client.get("/workspace/").get_data(as_text=True)
    assert "La Ressourcerie du Val" in hub
    token = csrf_token(client, f"/workspace/{ws}/")
    assert client.post(f"/workspace/{ws}/versions", data={"csrf_token": token}).status_code == 403
    put = client.put(f"/api/v1/workspaces/{ws}", json={}, headers=bearer(trainer))
    assert put.status_code == 403

    services.unshare(db.session, team["editor"], ws, cohort.id)
    assert client.get(f"/workspace/{ws}/").status_code == 404


def test_a_learner_of_the_cohort_does_not_read_a_colleagues_workspace(app_ctx, client, auth, team):
    cohort = make_cohort(team["org"])
    enrol(cohort, team["editor"])
    services.share_with_cohort(db.session, team["editor"], team["workspace_id"], cohort.id)
    learner = make_user(org=make_org(), email="other-learner@example.org")
    enrol(cohort, learner)
    auth.login("other-learner@example.org")
    assert client.get(f"/workspace/{team['workspace_id']}/").status_code == 404


def test_the_org_admin_manages_access_without_reading_the_content(app_ctx, client, auth, team):
    make_user(role=Role.ORG_ADMIN, org=team["org"], email="orgadmin@example.org")
    ws = team["workspace_id"]
    auth.login("orgadmin@example.org")
    assert client.get(f"/workspace/{ws}/").status_code == 404
    page = client.get(f"/workspace/{ws}/access")
    assert page.status_code == 200
    token = csrf_token(client, f"/workspace/{ws}/access")
    response = client.post(
        f"/workspace/{ws}/access/members",
        data={"csrf_token": token, "user_id": team["colleague"].id, "can_edit": "y"},
    )
    assert response.status_code == 302
    auth.logout()
    auth.login("colleague@example.org")
    assert client.get(f"/workspace/{ws}/").status_code == 200


def test_only_people_of_the_organisation_can_be_given_access(app_ctx, team):
    with pytest.raises(services.WorkspaceError) as refused:
        services.add_member(
            db.session, team["editor"], team["workspace_id"], team["outsider"].id, can_edit=True
        )
    assert refused.value.code == "not_in_organisation"


def test_the_last_editor_cannot_be_removed(app_ctx, team):
    with pytest.raises(services.WorkspaceError) as refused:
        services.remove_member(db.session, team["editor"], team["workspace_id"], team["editor"].id)
    assert refused.value.code == "last_editor"


def test_one_workspace_per_organisation(app_ctx, team):
    with pytest.raises(services.WorkspaceError) as refused:
        services.start_workspace(db.session, team["colleague"])
    assert refused.value.code == "exists"


def test_a_learner_without_organisation_gets_a_personal_workspace(client, auth, app_ctx):
    make_user(email="solo@example.org")
    auth.login("solo@example.org")
    hub = client.get("/workspace/").get_data(as_text=True)
    assert 'id="start-workspace"' in hub
    response = client.post("/workspace/", data={"csrf_token": csrf_token(client, "/workspace/")})
    assert response.status_code == 302
    assert "/identity" in response.headers["Location"]
    assert client.get(response.headers["Location"]).status_code == 200
    again = client.post("/workspace/", data={"csrf_token": csrf_token(client, "/workspace/")})
    assert again.status_code == 302
    assert client.get("/workspace/").get_data(as_text=True).count("/workspace/1/") >= 1


def test_a_colleague_is_told_whom_to_ask(client, auth, team):
    auth.login("colleague@example.org")
    hub = client.get("/workspace/").get_data(as_text=True)
    assert team["editor"].name in hub
    assert 'id="start-workspace"' not in hub


def test_access_changes_are_recorded(team):
    actions = [c.action for c in db.session.scalars(db.select(WorkspaceChange))]
    assert "member_added" in actions
    audited = [e.action for e in db.session.scalars(db.select(AuditEvent))]
    assert "workspace.member_added" in audited
