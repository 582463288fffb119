"""Write xAPI statements into the outbox in the same transaction as the learning event.

A `before_flush` listener on the application's session looks at what is about to be
written and adds one XapiStatement row per event:

- a SectionProgress whose `completed_at` gets a value -> `completed` (the section);
- a new Answer -> `answered` (the question), an Attempt whose status becomes submitted ->
  `passed` or `failed` (the quiz): the quiz service writes both with Core statements, not
  objects of the session, so `answer_statements`, one of its ANSWER_HOOKS, writes these
  statements for it; the listener covers any other writer;
- a new PracticeReview -> `scored` (the practical work; success when accepted);
- a new Certificate -> `earned` (the programme's badge).

Because the rows join the same flush, they commit or roll back with the event: a statement
exists exactly when its event does. Services need not know about xAPI at all.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

from flask import current_app, has_app_context
from sqlalchemy import Table, event, inspect
from sqlalchemy.orm import Session, UOWTransaction

from lms import jsontext
from lms.certification import urls as certificate_urls
from lms.extensions import db
from lms.interop import xapi
from lms.models import (
    Answer,
    Attempt,
    AttemptStatus,
    Certificate,
    Module,
    Organisation,
    PracticeReview,
    PracticeSubmission,
    ReviewDecision,
    Section,
    SectionProgress,
    XapiStatement,
)
from lms.models.base import SerialisedJSON, utcnow
from lms.models.driver import DriverStatement, insert_every_column
from lms.quiz import services as quiz_services


def register() -> None:
    """Attach the listener to the application's session (once, however many apps exist)."""
    if not event.contains(db.session, "before_flush", record_statements):
        event.listen(db.session, "before_flush", record_statements)
    if answer_statements not in quiz_services.ANSWER_HOOKS:
        quiz_services.ANSWER_HOOKS.append(answer_statements)


#: The outbox table, for the quiz hook's batched INSERT (a Core statement built once, run
#: on the driver's cursor: lms.models.driver).
_XAPI_TABLE = cast(Table, XapiStatement.__table__)
_INSERT_STATEMENTS = DriverStatement(
    insert_every_column(_XAPI_TABLE, {"statement": SerialisedJSON()})  # serialised already
)


def answer_statements(attempt: quiz_services.GradedAttempt) -> Callable[[Session], object] | None:
    """The quiz hook: `passed` or `failed` for a graded attempt, and one `answered`
    statement per answer, built before the write transaction, written with one batched
    INSERT inside it. (The quiz writes its rows with Core statements, so the flush
    listener sees neither the attempt nor its answers.)"""
    if not has_app_context():
        return None
    site = current_site()
    user_id, when = attempt.user_id, attempt.submitted_at
    created_at = utcnow()
    finished = xapi.attempt_finished(
        site,
        user_id,
        attempt.module_slug,
        attempt.score,
        attempt.passed,
        attempt.started_at,
        when,
    )
    statements = [
        (finished["id"], "passed" if attempt.passed else "failed", jsontext.dumps(finished)),
        *(
            (statement_id, "answered", text)
            for statement_id, text in xapi.answered_statements_json(
                site, user_id, attempt.module_slug, attempt.answers, when
            )
        ),
    ]
    rows = [
        {
            "id": statement_id,
            "user_id": user_id,
            "verb": verb,
            "statement": text,  # serialised before the write transaction
            "occurred_at": when,
            "created_at": created_at,
            "sent_at": None,
            "attempts": 0,
            "next_attempt_at": None,
            "last_error": "",
        }
        for statement_id, verb, text in statements
    ]
    return lambda session: _INSERT_STATEMENTS.executemany(session.connection(), rows)


def current_site() -> xapi.Site:
    """The site statements are issued by: BASE_URL, and the key of actor names."""
    config = current_app.config
    key = config.get("XAPI_ACTOR_KEY") or config["SECRET_KEY"]
    return xapi.Site(base_url=str(config["BASE_URL"]), actor_key=str(key))


def record_statements(session: Session, flush_context: UOWTransaction, instances: Any) -> None:
    """The before_flush listener: add the statements of the events in this flush."""
    if not has_app_context():
        return
    site = current_site()
    rows: list[XapiStatement] = []
    for obj in list(session.new):
        if isinstance(obj, XapiStatement):
            continue
        if isinstance(obj, SectionProgress) and obj.completed_at is not None:
            rows += _section_completed(session, site, obj)
        elif isinstance(obj, Answer):
            rows += _answered(session, site, obj)
        elif isinstance(obj, Attempt) and obj.status == AttemptStatus.SUBMITTED:
            rows += _attempt_finished(session, site, obj)
        elif isinstance(obj, PracticeReview):
            rows += _practice_reviewed(session, site, obj)
        elif isinstance(obj, Certificate):
            rows += _certificate_earned(session, site, obj)
    for obj in list(session.dirty):
        if isinstance(obj, SectionProgress) and _became_set(obj, "completed_at"):
            rows += _section_completed(session, site, obj)
        elif isinstance(obj, Attempt) and _became(obj, "status", AttemptStatus.SUBMITTED):
            rows += _attempt_finished(session, site, obj)
    for row in rows:
        session.add(row)


def _became_set(obj: Any, name: str) -> bool:
    """The attribute goes from None to a value in this flush."""
    history = inspect(obj).attrs[name].history
    return (
        bool(history.added)
        and history.added[0] is not None
        and not any(value is not None for value in history.deleted)
    )


def _became(obj: Any, name: str, value: Any) -> bool:
    """The attribute takes `value` in this flush, which it did not have."""
    history = inspect(obj).attrs[name].history
    return list(history.added) == [value] and value not in history.deleted


def _row(user_id: int, verb: str, statement: dict[str, Any], when: datetime) -> list[XapiStatement]:
    return [
        XapiStatement(
            id=statement["id"],
            user_id=user_id,
            verb=verb,
            statement=statement,
            occurred_at=when,
            attempts=0,
            last_error="",
        )
    ]


def _module_slug(session: Session, module: Module | None, module_id: int) -> str:
    """The module's slug, from the loaded relationship or the identity map / database."""
    found = module or session.get(Module, module_id)
    if found is None:  # pragma: no cover - foreign keys make this impossible
        raise LookupError(f"module {module_id} not found")
    return found.slug


def _section_completed(
    session: Session, site: xapi.Site, row: SectionProgress
) -> list[XapiStatement]:
    section = row.section or session.get(Section, row.section_id)
    assert row.completed_at is not None
    if section is None:
        return []
    module_slug = _module_slug(session, section.module, section.module_id)
    statement = xapi.section_completed(
        site, row.user_id, module_slug, section.slug, section.title, row.completed_at
    )
    return _row(row.user_id, "completed", statement, row.completed_at)


def _attempt_of(session: Session, answer: Answer) -> Attempt | None:
    return answer.attempt or session.get(Attempt, answer.attempt_id)


def _answered(session: Session, site: xapi.Site, answer: Answer) -> list[XapiStatement]:
    attempt = _attempt_of(session, answer)
    if attempt is None:
        return []
    module_slug = _module_slug(session, attempt.module, attempt.module_id)
    when = attempt.submitted_at or utcnow()
    question_type = str((answer.snapshot or {}).get("type", ""))
    statement = xapi.question_answered(
        site,
        attempt.user_id,
        module_slug,
        answer.question_key,
        question_type,
        answer.response,
        answer.score,
        answer.correct,
        when,
    )
    return _row(attempt.user_id, "answered", statement, when)


def _attempt_finished(session: Session, site: xapi.Site, attempt: Attempt) -> list[XapiStatement]:
    module_slug = _module_slug(session, attempt.module, attempt.module_id)
    submitted_at = attempt.submitted_at or utcnow()
    passed = bool(attempt.passed)
    statement = xapi.attempt_finished(
        site,
        attempt.user_id,
        module_slug,
        attempt.score or 0.0,
        passed,
        attempt.started_at or submitted_at,
        submitted_at,
    )
    return _row(attempt.user_id, "passed" if passed else "failed", statement, submitted_at)


def _practice_reviewed(
    session: Session, site: xapi.Site, review: PracticeReview
) -> list[XapiStatement]:
    submission = review.submission or session.get(PracticeSubmission, review.submission_id)
    if submission is None:
        return []
    module_slug = _module_slug(session, submission.module, submission.module_id)
    when = review.created_at or utcnow()
    statement = xapi.practice_reviewed(
        site,
        submission.user_id,
        module_slug,
        review.score,
        review.decision == ReviewDecision.ACCEPTED,
        review.reviewer_id,
        when,
    )
    return _row(submission.user_id, "scored", statement, when)


def _certificate_earned(
    session: Session, site: xapi.Site, certificate: Certificate
) -> list[XapiStatement]:
    organisation = session.get(Organisation, certificate.organisation_id)
    if organisation is None:
        return []
    when = certificate.issued_at or utcnow()
    statement = xapi.certificate_earned(
        site,
        certificate.user_id,
        certificate_urls.badge_class_url(organisation.slug, certificate.programme_id),
        certificate.programme_name,
        certificate_urls.verification_url(certificate.public_id),
        when,
    )
    return _row(certificate.user_id, "earned", statement, when)
