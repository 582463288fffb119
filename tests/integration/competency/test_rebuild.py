"""`flask profiles rebuild`: recomputing every profile from evidence gives what the updates gave."""

from __future__ import annotations

from datetime import timedelta

from lms.competency.services import NewEvidence, rebuild_profiles
from lms.extensions import db
from lms.models import CompetencyState, EvidenceSource, Role
from tests.factories import make_user
from tests.integration.competency.helpers import T0, answers, lesson, record, states, work


def build_evidence_in_steps(learner, other):
    """Evidence arriving over time, some of it out of order, for two learners."""
    trainer = make_user(Role.TRAINER)
    record(learner.id, lesson("TST-01"), *answers("TST-01", [1, 0, 1]))
    record(learner.id, *answers("TST-01", [1], start=T0 + timedelta(days=2), prefix="r"))
    # A practical work handed in before the answers above, reviewed (recorded) after them.
    record(learner.id, work("TST-02", 0.9, when=T0 - timedelta(days=5)))
    record(learner.id, work("TST-02", 0.85, when=T0 + timedelta(days=30), module="troisieme"))
    record(
        learner.id,
        NewEvidence("TST-03", EvidenceSource.RATING, 0.5, T0, level=2, recorded_by_id=trainer.id),
        NewEvidence("TST-03", EvidenceSource.SELF, 1.0, T0, key="self", level=4),
    )
    record(other.id, *answers("TST-01", [0, 0, 1, 1], start=T0 - timedelta(days=700)))
    record(other.id, *answers("TST-01", [1], start=T0))


def test_rebuild_gives_the_same_profiles_as_incremental_updates(app_ctx, course):
    learner, other = make_user(), make_user()
    build_evidence_in_steps(learner, other)
    incremental = {user.id: states(user.id) for user in (learner, other)}
    assert incremental[learner.id]["TST-02"][0] == 4  # the steps did reach every level

    # Wipe the stored profile, then rebuild it from evidence alone.
    db.session.query(CompetencyState).delete()
    db.session.commit()
    assert rebuild_profiles(db.session) == 2
    db.session.commit()
    assert {user.id: states(user.id) for user in (learner, other)} == incremental


def test_cli_rebuilds_everyone_or_one_learner(app_ctx, course, runner):
    learner, other = make_user(email="a@example.org"), make_user(email="b@example.org")
    build_evidence_in_steps(learner, other)
    expected = states(learner.id)
    # Corrupt one stored level: the rebuild must put it back.
    db.session.query(CompetencyState).filter_by(user_id=learner.id).update({"level": 0})
    db.session.commit()

    result = runner.invoke(args=["profiles", "rebuild", "--user", "A@example.org"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Rebuilt 1 profile in ") and result.output.endswith(" s.\n")
    assert states(learner.id) == expected

    result = runner.invoke(args=["profiles", "rebuild"])
    assert result.exit_code == 0 and result.output.startswith("Rebuilt 2 profiles in ")


def test_cli_refuses_an_unknown_learner(app_ctx, runner):
    result = runner.invoke(args=["profiles", "rebuild", "--user", "nobody@example.org"])
    assert result.exit_code != 0
    assert "No account for nobody@example.org." in result.output


def test_answers_over_three_years_keep_the_stored_profile_equal_to_a_rebuild(app_ctx, course):
    """Each new answer ages older ones (read back from the database and folded into the
    old part of the aggregate); a late review arrives out of order (a rebuild of that
    competency). After every step, the stored profile is what a rebuild gives."""
    learner = make_user()
    for step in range(12):
        when = T0 + timedelta(days=100 * step)
        record(
            learner.id,
            *answers("TST-01", [step % 2, 1], start=when, prefix=f"s{step % 4}-"),
        )
        if step == 6:
            record(learner.id, work("TST-01", 0.8, when=T0 + timedelta(days=50)))
        incremental = states(learner.id)
        rebuild_profiles(db.session, [learner.id])
        db.session.commit()
        assert states(learner.id) == incremental, f"step {step}"
    assert incremental["TST-01"][4] == 0.8  # the applied score
