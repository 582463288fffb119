"""Every learning event writes its xAPI statement in the same transaction."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from lms.extensions import db
from lms.interop.xapi import actor_name
from lms.models import Role, Section, SectionProgress
from lms.models.base import utcnow
from tests.factories import make_org, make_user
from tests.integration.interop.xapi_helpers import (
    issue_certificate,
    outbox,
    read_sections,
    review_practice,
    take_quiz,
)

ADL = "http://adlnet.gov/expapi/verbs/"


def test_each_event_becomes_one_statement(app_ctx, course):
    org = make_org()
    learner = make_user(org=org, email="camille@example.org", name="Camille Martin")
    trainer = make_user(role=Role.TRAINER, org=org)
    read_sections(learner)
    read_sections(learner)  # reading again completes nothing new
    take_quiz(learner, right=False)
    take_quiz(learner, right=True, minutes_later=60)
    review_practice(learner, trainer)
    issue_certificate(org, learner)
    # Answers share their attempt's timestamp: compare the counts, not the order.
    assert Counter(row.verb for row in outbox(learner)) == {
        "completed": 2,
        "answered": 4,
        "failed": 1,
        "passed": 1,
        "scored": 1,
        "earned": 1,
    }
    for row in outbox(learner):
        statement = row.statement
        assert statement["id"] == row.id
        assert statement["verb"]["id"].split("/")[-1] == row.verb
        assert statement["actor"]["account"]["name"] == actor_name(
            learner.id, app_ctx.config["SECRET_KEY"]
        )
        text = str(statement)
        assert "camille@example.org" not in text and "Camille" not in text


def test_statements_say_what_happened(app_ctx, course):
    learner = make_user()
    take_quiz(learner, right=True)
    rows = {row.verb: row.statement for row in outbox(learner)}
    passed = rows["passed"]
    assert passed["object"]["id"] == "http://127.0.0.1:5000/modules/premier-module/quiz"
    assert passed["result"]["score"] == {"scaled": 1.0}
    assert passed["result"]["success"] is True
    answered = [row.statement for row in outbox(learner) if row.verb == "answered"]
    assert {s["object"]["id"].rsplit("/", 1)[1] for s in answered} == {
        "trois-piliers",
        "budget-suffit",
    }
    assert {s["result"]["response"] for s in answered} == {"a", "false"}


def test_a_rolled_back_event_leaves_no_statement(app_ctx, course):
    learner = make_user()
    section = db.session.scalar(select(Section).where(Section.slug == "introduction"))
    db.session.add(
        SectionProgress(user_id=learner.id, section_id=section.id, completed_at=utcnow())
    )
    db.session.flush()
    assert [row.verb for row in outbox(learner)] == ["completed"]  # same transaction
    db.session.rollback()
    assert outbox(learner) == []
