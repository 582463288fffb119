"""Submitting a module's practical work from the workspace, and the review that follows."""

from __future__ import annotations

from pathlib import Path

import pytest

from lms.content.services import load_content
from lms.extensions import db
from lms.models import (
    Competency,
    CompetencyState,
    PracticeSubmission,
    ReviewDecision,
    Role,
    SubmissionStatus,
)
from lms.practice import services as practice_services
from lms.workspace import services
from tests.conftest import csrf_token
from tests.factories import make_org, make_user
from tests.integration.workspace.helpers import M03, m03_course, make_workspace


@pytest.fixture(scope="module")
def m03_content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """M03 and the framework, from the real course."""
    return m03_course(tmp_path_factory.mktemp("m03"))


@pytest.fixture
def learner(app_ctx, client, auth, m03_content):
    load_content(m03_content)
    user = make_user(org=make_org(), email="camille@example.org")
    workspace_id = make_workspace(user)
    auth.login("camille@example.org")
    return {"user": user, "ws": workspace_id}


def level(user_id: int, code: str) -> int:
    db.session.expire_all()
    row = db.session.scalar(
        db.select(CompetencyState.level)
        .join(Competency, CompetencyState.competency_id == Competency.id)
        .where(CompetencyState.user_id == user_id, Competency.code == code)
    )
    return row or 0


def test_each_part_links_to_the_module_that_teaches_it(client, learner):
    page = client.get(f"/workspace/{learner['ws']}/years/2023/activities").get_data(as_text=True)
    assert f'href="/modules/{M03}/sections/trois-etapes"' in page
    assert f'href="/workspace/{learner["ws"]}/practice/{M03}"' in page
    resources = client.get(f"/workspace/{learner['ws']}/years/2023/resources")
    assert "/modules/leviers-financiers" not in resources.get_data(as_text=True)  # not loaded
    issues = client.get(f"/workspace/{learner['ws']}/method/issues").get_data(as_text=True)
    assert f'href="/workspace/{learner["ws"]}/practice/{M03}"' in issues


def test_the_draft_starts_from_the_workspace(client, learner):
    page = client.get(f"/workspace/{learner['ws']}/practice/{M03}").get_data(as_text=True)
    assert "Cartographier vos activités" in page
    assert "| Collecte et tri |" in page  # the map of activities, as a Markdown table
    assert "Une dépendance forte à un seul partenaire" in page  # a key issue
    assert "Séminaire avec le conseil" in page  # the debate
    assert 'data-competency="MSE-04" data-level="0"' in page


def test_submitting_keeps_a_version_and_a_review_raises_mse_04_to_level_3(client, learner):
    ws, user = learner["ws"], learner["user"]
    path = f"/workspace/{ws}/practice/{M03}"
    text = client.get(path).get_data(as_text=True)
    response = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "text": "## Cartographie\n\nVoir le tableau des activités.",
            "submit_work": "1",
        },
    )
    assert response.status_code == 302
    submission = db.session.scalar(db.select(PracticeSubmission))
    assert submission.status == SubmissionStatus.SUBMITTED
    [kept] = services.snapshots(db.session, ws)
    assert M03 not in kept.label and "Accompagner la transformation" in kept.label
    assert "Cartographier vos activités" in text

    trainer = make_user(role=Role.TRAINER, email="formatrice@example.org")
    practice_services.record_review(
        db.session, submission, trainer, [4, 3, 4, 3], ReviewDecision.ACCEPTED, "Très bien."
    )
    assert level(user.id, "MSE-04") == 3
    page = client.get(path).get_data(as_text=True)
    assert 'data-competency="MSE-04" data-level="3"' in page
    assert "Très bien." in page


def test_submitted_work_is_locked_until_reviewed(client, learner):
    path = f"/workspace/{learner['ws']}/practice/{M03}"
    client.post(
        path, data={"csrf_token": csrf_token(client, path), "text": "v1", "submit_work": "1"}
    )
    page = client.get(path).get_data(as_text=True)
    assert 'name="submit_work"' not in page


def test_readers_cannot_submit_from_a_workspace(app_ctx, client, auth, learner):
    colleague = make_user(org=learner["user"].organisation, email="colleague@example.org")
    with pytest.raises(services.NotFound):
        services.submit_practice(
            db.session, colleague, learner["ws"], M03, "x", submit=True, snapshot_label="x"
        )


def test_a_module_without_practical_work_is_not_found(client, learner):
    assert client.get(f"/workspace/{learner['ws']}/practice/no-such-module").status_code == 404
