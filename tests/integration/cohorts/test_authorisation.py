"""Nobody sees another cohort's data: every cohort route and export, refused to a trainer
of another cohort and to an org admin of another organisation."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms import access
from lms.extensions import db
from lms.models import AuditEvent, CohortMembership, CohortRole, Evidence, PracticeReview, Role
from lms.models.base import utcnow
from tests.conftest import csrf_token
from tests.factories import bearer, enrol, make_org, make_user
from tests.integration.cohorts.helpers import make_world


def _routes():
    path = Path(__file__).parent.parent / "access_cohorts.py"
    spec = importlib.util.spec_from_file_location("access_cohorts_for_scope", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ACCESS = _routes()
NOT_SCOPED = {
    "cohorts.index",
    "cohorts.new",
    "cohorts.review_queue",
    "cohorts.join",
    "cohorts.join_post",
    "api.list_cohorts",
}
SCOPED = sorted((e, m, p) for e, (m, p, _roles) in ACCESS.ROUTES.items() if e not in NOT_SCOPED)


@pytest.mark.parametrize("who", ["other_trainer", "foreign_admin"])
@pytest.mark.parametrize(("endpoint", "method", "path"), SCOPED)
def test_outsiders_are_refused_everywhere(course, client, auth, who, endpoint, method, path):
    world = make_world(learners=0)
    url = path.format(**ACCESS.placeholders(world.org))
    outsider = getattr(world, who)
    before = (
        db.session.scalar(select(func.count()).select_from(CohortMembership)),
        db.session.scalar(select(func.count()).select_from(AuditEvent)),
    )
    if url.startswith("/api/"):
        response = client.open(url, method=method, headers=bearer(outsider))
        assert response.status_code == 403
        assert response.json["error"]["code"] == "forbidden"
        return
    auth.login(outsider.email)
    data = None
    if method == "POST":
        data = {
            "csrf_token": csrf_token(client, "/account/"),
            "email": outsider.email,
            "role": "trainer",
            "action": "rotate",
            "csv_text": f"email\n{outsider.email}\n",
        }
    response = client.open(url, method=method, data=data)
    assert response.status_code == 403, (endpoint, response.status_code)
    after = (
        db.session.scalar(select(func.count()).select_from(CohortMembership)),
        db.session.scalar(select(func.count()).select_from(AuditEvent)),
    )
    assert after == before  # nothing written


def test_a_review_or_rating_by_an_outsider_records_nothing(course, client, auth):
    world = make_world(learners=0)
    ids = ACCESS.placeholders(world.org)
    auth.login(world.other_trainer.email)
    client.post(
        f"/review/{ids['submission_id']}",
        data={
            "csrf_token": csrf_token(client, "/account/"),
            "criterion-0": "4",
            "decision": "accepted",
        },
    )
    client.post(
        f"/cohorts/{ids['cohort_id']}/learners/{ids['learner_id']}/rate",
        data={
            "csrf_token": csrf_token(client, "/account/"),
            "competency": "TST-01",
            "level": "4",
            "justification": "x",
        },
    )
    assert db.session.scalar(select(func.count()).select_from(PracticeReview)) == 0
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(Evidence)
            .where(Evidence.recorded_by_id == world.other_trainer.id)
        )
        == 0
    )


def test_the_api_lists_only_the_cohorts_one_may_see(course, client):
    world = make_world(learners=0)
    names = {}
    for user in (world.trainer, world.org_admin, world.foreign_admin, world.admin):
        response = client.get("/api/v1/cohorts", headers=bearer(user))
        names[user.email] = sorted(item["name"] for item in response.json["items"])
    assert names == {
        "trainer@example.org": ["Promo A"],
        "orgadmin@example.org": ["Promo A", "Promo B"],
        "foreign@example.org": [],
        "admin@example.org": ["Promo A", "Promo B"],
    }


def test_trains_learner(course):
    world = make_world(learners=1)
    learner = world.learners[0]
    stranger = make_user(Role.LEARNER, make_org(), email="stranger@example.org")
    assert access.trains_learner(world.trainer, learner.id)
    assert access.trains_learner(world.org_admin, learner.id)  # their organisation
    assert access.trains_learner(world.admin, learner.id)
    assert not access.trains_learner(world.other_trainer, learner.id)
    assert not access.trains_learner(world.foreign_admin, learner.id)
    assert not access.trains_learner(learner, learner.id)  # learners are not trainers
    assert not access.trains_learner(world.trainer, stranger.id)
    # The learner of a cohort of the org admin's organisation, from elsewhere: still theirs.
    enrol(world.cohort, stranger)
    assert access.trains_learner(world.org_admin, stranger.id)
    # Removing the learner, or the trainer, ends the access.
    membership = db.session.scalar(
        select(CohortMembership).where(
            CohortMembership.user_id == learner.id, CohortMembership.role == CohortRole.LEARNER
        )
    )
    membership.removed_at = utcnow()
    db.session.commit()
    assert not access.trains_learner(world.trainer, learner.id)
    enrol(world.other_cohort, learner)
    assert access.trains_learner(world.other_trainer, learner.id)
    trainer_membership = db.session.scalar(
        select(CohortMembership).where(CohortMembership.user_id == world.other_trainer.id)
    )
    trainer_membership.removed_at = utcnow()
    db.session.commit()
    assert not access.trains_learner(world.other_trainer, learner.id)
