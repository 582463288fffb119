"""Routes of the cohorts area.

Paths use {cohort_id}, {learner_id}, {attempt_id}, {submission_id} and
{join_code}: a cohort of the caller's organisation with one learner, who took
the quiz and submitted practical work, made by `placeholders(org)` below
(test_access.py fills paths with it). Org admins come first in each list of
roles: the "allowed roles get in" test signs in as the first role, and an org
admin follows every cohort of their organisation without being enrolled.

Trainers of another cohort and org admins of another organisation are refused
on every route: tests/integration/cohorts/test_authorisation.py.
"""

from __future__ import annotations

from lms.models import Organisation, Role
from tests.access_roles import ALL, PUBLIC

STAFF = (Role.ORG_ADMIN, Role.TRAINER, Role.ADMIN)
COHORT = "/cohorts/{cohort_id}"
LEARNER = f"{COHORT}/learners/{{learner_id}}"

# endpoint: (method, path, roles allowed | PUBLIC)
ROUTES: dict[str, tuple[str, str, tuple[Role, ...] | str]] = {
    "cohorts.index": ("GET", "/cohorts", STAFF),
    "cohorts.new": ("GET", "/cohorts/new", STAFF),
    "cohorts.progress": ("GET", COHORT, STAFF),
    "cohorts.competencies": ("GET", f"{COHORT}/competencies", STAFF),
    "cohorts.at_risk": ("GET", f"{COHORT}/at-risk", STAFF),
    "cohorts.edit": ("GET", f"{COHORT}/edit", STAFF),
    "cohorts.members": ("GET", f"{COHORT}/members", STAFF),
    "cohorts.add_member": ("POST", f"{COHORT}/members", STAFF),
    "cohorts.remove_member": ("POST", f"{COHORT}/members/{{learner_id}}/remove", STAFF),
    "cohorts.join_code": ("POST", f"{COHORT}/join-code", STAFF),
    "cohorts.import_learners": ("GET", f"{COHORT}/import", STAFF),
    "cohorts.confirm_import": ("POST", f"{COHORT}/import/confirm", STAFF),
    "cohorts.learner": ("GET", LEARNER, STAFF),
    "cohorts.learner_attempt": ("GET", f"{LEARNER}/attempts/{{attempt_id}}", STAFF),
    "cohorts.learner_competency": ("GET", f"{LEARNER}/competencies/TST-01", STAFF),
    "cohorts.rate": ("GET", f"{LEARNER}/rate", STAFF),
    "cohorts.export_progress": ("GET", f"{COHORT}/export/progress.csv", STAFF),
    "cohorts.export_competencies": ("GET", f"{COHORT}/export/competencies.csv", STAFF),
    "cohorts.export_attempts": ("GET", f"{COHORT}/export/attempts.csv", STAFF),
    "cohorts.review_queue": ("GET", "/review", STAFF),
    "cohorts.review": ("GET", "/review/{submission_id}", STAFF),
    "cohorts.join": ("GET", "/join/{join_code}", PUBLIC),
    "cohorts.join_post": ("POST", "/join/{join_code}", ALL),
    "api.list_cohorts": ("GET", "/api/v1/cohorts", STAFF),
    "api.cohort_progress": ("GET", f"/api/v1{COHORT}/progress", STAFF),
    "api.cohort_competencies": ("GET", f"/api/v1{COHORT}/competencies", STAFF),
}


def placeholders(org: Organisation) -> dict[str, object]:
    """A cohort of `org` with a learner who took the quiz and submitted practical work."""
    from sqlalchemy import select

    from lms.content.services import load_content
    from lms.extensions import db
    from lms.models import Attempt, Module
    from tests.conftest import FIXTURE_COURSE
    from tests.factories import enrol, make_cohort, make_user
    from tests.integration.cohorts.helpers import submit_work, take_quiz

    if db.session.scalar(select(Module.id).limit(1)) is None:
        load_content(FIXTURE_COURSE)
    cohort = make_cohort(org, join_code=f"JOIN-{org.id}")
    learner = make_user(Role.LEARNER, org)
    enrol(cohort, learner)
    take_quiz(learner)
    submission = submit_work(learner)
    attempt_id = db.session.scalar(select(Attempt.id).where(Attempt.user_id == learner.id))
    return {
        "cohort_id": cohort.id,
        "learner_id": learner.id,
        "attempt_id": attempt_id,
        "submission_id": submission.id,
        "join_code": cohort.join_code,
    }
