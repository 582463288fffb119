"""flask orgs create, flask cohorts create / add."""

from __future__ import annotations

from sqlalchemy import select

from lms.extensions import db
from lms.models import Cohort, CohortMembership, CohortRole, Organisation, Role, User
from tests.factories import make_org, make_user


def test_an_operator_sets_up_an_organisation_and_a_cohort(app_ctx, runner):
    result = runner.invoke(args=["orgs", "create", "reseau-ouest", "--name", "Réseau Ouest"])
    assert result.exit_code == 0, result.output
    org = db.session.scalar(select(Organisation).where(Organisation.slug == "reseau-ouest"))
    assert org.name == "Réseau Ouest"
    result = runner.invoke(args=["cohorts", "create", "Promo 2030", "--org", "reseau-ouest"])
    assert result.exit_code == 0, result.output
    cohort_id = int(result.output.strip())  # the id alone, for scripts
    cohort = db.session.get(Cohort, cohort_id)
    assert cohort.name == "Promo 2030" and cohort.organisation_id == org.id and cohort.join_code

    learner = make_user(Role.LEARNER, None, email="lea@example.org")
    trainer = make_user(Role.LEARNER, org, email="tom@example.org")
    result = runner.invoke(args=["cohorts", "add", str(cohort_id), "lea@example.org"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        args=["cohorts", "add", str(cohort_id), "TOM@example.org", "--role", "trainer"]
    )
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    roles = dict(
        db.session.execute(
            select(CohortMembership.user_id, CohortMembership.role).where(
                CohortMembership.cohort_id == cohort_id
            )
        ).all()
    )
    assert roles == {learner.id: CohortRole.LEARNER, trainer.id: CohortRole.TRAINER}
    assert db.session.get(User, trainer.id).role == Role.TRAINER
    assert db.session.get(User, learner.id).organisation_id == org.id
    again = runner.invoke(args=["cohorts", "add", str(cohort_id), "lea@example.org"])
    assert again.exit_code == 0 and "already" in again.output


def test_operator_mistakes_are_reported(app_ctx, runner):
    make_org(slug="taken")
    assert runner.invoke(args=["orgs", "create", "taken", "--name", "X"]).exit_code != 0
    assert runner.invoke(args=["orgs", "create", "Pas Bon", "--name", "X"]).exit_code != 0
    assert runner.invoke(args=["cohorts", "create", "X", "--org", "nowhere"]).exit_code != 0
    result = runner.invoke(args=["cohorts", "create", "X", "--org", "taken"])
    cohort_id = result.output.strip()
    missing = runner.invoke(args=["cohorts", "add", cohort_id, "ghost@example.org"])
    assert missing.exit_code != 0 and "ghost@example.org" in missing.output
    assert runner.invoke(args=["cohorts", "add", "999999", "ghost@example.org"]).exit_code != 0
    far = make_user(Role.LEARNER, make_org(), email="far@example.org")
    refused = runner.invoke(args=["cohorts", "add", cohort_id, far.email])
    assert refused.exit_code != 0 and "another organisation" in refused.output
