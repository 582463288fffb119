"""Statements run on the driver's cursor (lms.models.driver) behave as SQLAlchemy's own.

Against the test database (SQLite, or PostgreSQL with TEST_DATABASE_URL), through the
session's connection: the values and Python types read back, RETURNING, executemany and
rowcounts, the bind conversions of timestamps, the errors raised, the engine's cursor
events, the statements built per IN-list length, the values a statement holds itself, and
the refusal of an INSERT that leaves out a column with a default.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any, cast

import pytest
from sqlalchemy import Table, bindparam, event, exc, func, insert, select, update

from lms.extensions import db
from lms.models import Attempt, AttemptStatus, Module, Role, User, XapiStatement
from lms.models.driver import (
    DriverStatement,
    DriverStatementsBySize,
    insert_every_column,
    numbered_binds,
    numbered_values,
)
from tests.factories import make_user

ATTEMPT = cast(Table, Attempt.__table__)
XAPI = cast(Table, XapiStatement.__table__)
PARIS_SUMMER = timezone(timedelta(hours=2))

INSERT_ATTEMPT = DriverStatement(insert_every_column(ATTEMPT).returning(ATTEMPT.c.id))
# Every column the INSERT writes has a parameter: column defaults are not applied (see
# test_a_statement_leaving_out_a_defaulted_column_is_refused).
XAPI_COLUMNS = ("id", "user_id", "verb", "statement", "occurred_at", "created_at", "attempts")
INSERT_XAPI = DriverStatement(
    insert(XAPI).values({name: bindparam(name) for name in (*XAPI_COLUMNS, "last_error")})
)
SET_LAST_LOGIN = DriverStatement(
    update(User).where(User.id == bindparam("uid")).values(last_login_at=bindparam("when"))
)
USERS_BY_ID = DriverStatementsBySize(
    lambda size: (
        select(User.id, User.email)
        .where(User.id.in_(numbered_binds("uid", size)))
        .order_by(User.id)
    )
)


def _module_id() -> int:
    return db.session.scalars(select(Module.id).order_by(Module.id)).first()


def _attempt(user_id: int, module_id: int, key: str = "k") -> dict[str, Any]:
    """The parameters of INSERT_ATTEMPT for a submitted attempt."""
    return {
        "user_id": user_id,
        "module_id": module_id,
        "idempotency_key": key,
        "number": 1,
        "status": AttemptStatus.SUBMITTED,
        "seed": "graine",
        "draft": {"pilier": ["a", 2], "fini": True},
        "started_at": datetime(2026, 6, 1, 10, 30, 15, 123456, tzinfo=PARIS_SUMMER),
        "submitted_at": None,
        "score": 0.75,
        "passed": True,
        "pass_mark": 0.5,
    }


def test_a_select_reads_the_same_values_and_types_as_sqlalchemy(course):
    """Timestamps (aware, UTC), JSON, booleans, enums, floats, NULL and ids, as SQLAlchemy reads them."""
    learner = make_user(role=Role.TRAINER)
    connection = db.session.connection()
    INSERT_ATTEMPT.rows(connection, _attempt(learner.id, _module_id()))
    statement = (
        select(
            Attempt.id,
            Attempt.status,
            Attempt.draft,
            Attempt.passed,
            Attempt.score,
            Attempt.started_at,
            Attempt.submitted_at,
            User.role,
            User.active,
            User.last_login_at,
        )
        .join(User, User.id == Attempt.user_id)
        .where(Attempt.user_id == bindparam("uid"))
    )
    params = {"uid": learner.id}
    [row] = DriverStatement(statement).rows(connection, params)
    [expected] = connection.execute(statement, params).all()
    assert row == tuple(expected)
    assert [type(value) for value in row] == [type(value) for value in expected]
    _, status, draft, passed, score, started_at, submitted_at, role, active, last_login = row
    assert type(status) is AttemptStatus and status is AttemptStatus.SUBMITTED
    assert type(role) is Role and role is Role.TRAINER
    assert draft == {"pilier": ["a", 2], "fini": True}
    assert passed is True and active is True
    assert type(score) is float and score == 0.75
    assert started_at.tzinfo == UTC
    assert started_at == datetime(2026, 6, 1, 8, 30, 15, 123456, tzinfo=UTC)
    assert submitted_at is None and last_login is None
    # Aggregates take their types from their arguments (max of a timestamp, a count).
    totals = select(func.count(Attempt.id), func.max(Attempt.started_at))
    assert DriverStatement(totals).rows(connection, {}) == [
        (1, datetime(2026, 6, 1, 8, 30, 15, 123456, tzinfo=UTC))
    ]


def test_insert_returning_runs_in_the_session_transaction(course):
    """RETURNING gives the new id; the ORM sees the row until the session rolls back."""
    learner_id, module_id = make_user().id, _module_id()
    [(attempt_id,)] = INSERT_ATTEMPT.rows(db.session.connection(), _attempt(learner_id, module_id))
    assert isinstance(attempt_id, int)
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt is not None
    assert (attempt.user_id, attempt.status, attempt.score) == (
        learner_id,
        AttemptStatus.SUBMITTED,
        0.75,
    )
    db.session.rollback()
    db.session.expunge_all()
    assert db.session.get(Attempt, attempt_id) is None


def test_executemany_inserts_rows_and_an_update_counts_its_rows(app_ctx):
    """executemany writes every row (JSON included); execute returns the rows changed."""
    learner_id = make_user().id
    when = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    rows = [
        {
            "id": f"00000000-0000-0000-0000-00000000000{n}",
            "user_id": learner_id,
            "verb": "answered",
            "statement": {"n": n, "verb": {"id": "answered"}},
            "occurred_at": when + timedelta(minutes=n),
            "created_at": when,
            "attempts": 0,
            "last_error": "",
        }
        for n in range(3)
    ]
    connection = db.session.connection()
    INSERT_XAPI.executemany(connection, rows)
    send = DriverStatement(
        update(XapiStatement)
        .where(XapiStatement.user_id == bindparam("uid"))
        .values(sent_at=bindparam("sent"))
    )
    assert send.execute(connection, {"uid": learner_id, "sent": when}) == 3
    assert send.execute(connection, {"uid": learner_id + 1, "sent": when}) == 0
    stored = db.session.scalars(select(XapiStatement).order_by(XapiStatement.occurred_at)).all()
    assert [row.statement for row in stored] == [row["statement"] for row in rows]
    assert [row.occurred_at for row in stored] == [row["occurred_at"] for row in rows]
    assert {row.sent_at for row in stored} == {when}


def test_timestamps_are_converted_on_the_way_in(app_ctx):
    """An aware timestamp is stored as the same instant; a naive one is refused."""
    learner_id = make_user().id
    connection = db.session.connection()
    when = datetime(2026, 7, 14, 23, 59, 1, 500, tzinfo=PARIS_SUMMER)
    assert SET_LAST_LOGIN.execute(connection, {"uid": learner_id, "when": when}) == 1
    db.session.expire_all()
    stored = db.session.get(User, learner_id).last_login_at
    assert stored == when and stored.tzinfo == UTC
    naive = {"uid": learner_id, "when": datetime(2026, 7, 15, 8, 0)}
    # UTCDateTime's error, wrapped in a StatementError as SQLAlchemy's execute does.
    with pytest.raises(exc.StatementError, match="naive datetime") as raised:
        SET_LAST_LOGIN.execute(connection, naive)
    assert isinstance(raised.value.orig, ValueError)
    with pytest.raises(exc.StatementError, match="naive datetime"):
        connection.execute(SET_LAST_LOGIN.statement, naive)
    db.session.expire_all()
    assert db.session.get(User, learner_id).last_login_at == when


def test_a_unique_violation_is_an_integrity_error_and_the_session_recovers(course):
    """A second attempt with the same key raises IntegrityError; after a rollback, the
    session writes again."""
    learner_id, module_id = make_user().id, _module_id()
    INSERT_ATTEMPT.rows(db.session.connection(), _attempt(learner_id, module_id))
    db.session.commit()
    with pytest.raises(exc.IntegrityError) as raised:
        INSERT_ATTEMPT.rows(db.session.connection(), _attempt(learner_id, module_id))
    dbapi = db.session.connection().dialect.loaded_dbapi
    assert isinstance(raised.value.orig, dbapi.IntegrityError)
    assert raised.value.statement == INSERT_ATTEMPT._for(db.engine.dialect).sql
    db.session.rollback()
    INSERT_ATTEMPT.rows(db.session.connection(), _attempt(learner_id, module_id, key="k2"))
    db.session.commit()
    keys = db.session.scalars(select(Attempt.idempotency_key).order_by(Attempt.id)).all()
    assert keys == ["k", "k2"]


def test_cursor_listeners_see_each_driver_statement(app_ctx):
    """before/after_cursor_execute fire once per driver call, executemany flagged."""
    learner_id = make_user().id
    connection = db.session.connection()
    before: list[tuple[str, bool]] = []
    after: list[str] = []

    def record_before(conn, cursor, statement, parameters, context, executemany):
        before.append((statement, executemany))

    def record_after(conn, cursor, statement, *args):
        after.append(statement)

    event.listen(db.engine, "before_cursor_execute", record_before)
    event.listen(db.engine, "after_cursor_execute", record_after)
    try:
        USERS_BY_ID.of_size(1).rows(connection, numbered_values("uid", [learner_id]))
        SET_LAST_LOGIN.execute(connection, {"uid": learner_id, "when": datetime.now(UTC)})
        rows = [
            {"id": f"id-{n}", "user_id": learner_id, "verb": "answered", "statement": {}}
            | {"occurred_at": datetime.now(UTC), "created_at": datetime.now(UTC)}
            | {"attempts": 0, "last_error": ""}
            for n in range(2)
        ]
        INSERT_XAPI.executemany(connection, rows)
    finally:
        event.remove(db.engine, "before_cursor_execute", record_before)
        event.remove(db.engine, "after_cursor_execute", record_after)
    dialect = connection.dialect
    sqls = [
        USERS_BY_ID.of_size(1)._for(dialect).sql,
        SET_LAST_LOGIN._for(dialect).sql,
        INSERT_XAPI._for(dialect).sql,
    ]
    assert before == list(zip(sqls, [False, False, True], strict=True))
    assert after == sqls


def test_in_lists_take_one_parameter_per_item(app_ctx):
    """1, 3 and 5 ids find their rows; each length has one statement, reused."""
    users = [make_user() for _ in range(6)]
    connection = db.session.connection()
    for size in (1, 3, 5, 3):
        wanted = users[1 : size + 1]
        found = USERS_BY_ID.of_size(size).rows(
            connection, numbered_values("uid", [user.id for user in wanted])
        )
        assert found == [(user.id, user.email) for user in wanted]
    assert USERS_BY_ID.of_size(3) is USERS_BY_ID.of_size(3)
    assert USERS_BY_ID.of_size(3) is not USERS_BY_ID.of_size(5)
    assert numbered_values("uid", [7, 8]) == {"uid_0": 7, "uid_1": 8}
    assert [bind.key for bind in numbered_binds("uid", 2)] == ["uid_0", "uid_1"]


def test_a_missing_parameter_is_named(app_ctx):
    """A parameter left out raises ArgumentError naming it, before anything runs."""
    connection = db.session.connection()
    with pytest.raises(exc.ArgumentError, match="uid_2"):
        USERS_BY_ID.of_size(3).rows(connection, numbered_values("uid", [1, 2]))
    with pytest.raises(exc.ArgumentError, match="'when'"):
        SET_LAST_LOGIN.execute(connection, {"uid": 1})


def test_values_held_by_the_statement_are_used(app_ctx):
    """A statement holding its own values (a literal in a WHERE, a LIMIT) runs as
    SQLAlchemy runs it, without the caller passing them."""
    admin = make_user(role=Role.ADMIN)
    make_user()
    statement = select(User.id).where(User.role == Role.ADMIN).limit(5)
    connection = db.session.connection()
    assert connection.execute(statement).all() == [(admin.id,)]
    assert DriverStatement(statement).rows(connection, {}) == [(admin.id,)]


def test_a_statement_leaving_out_a_defaulted_column_is_refused(app_ctx):
    """SQLAlchemy computes column defaults at each execution, which the driver path does
    not: an INSERT leaving out such a column is refused by name, and writes nothing."""
    learner_id = make_user().id
    statement = insert(XAPI).values({name: bindparam(name) for name in XAPI_COLUMNS})
    now = datetime.now(UTC)
    row = {"user_id": learner_id, "verb": "answered", "statement": {}, "attempts": 0}
    row |= {"occurred_at": now, "created_at": now}
    connection = db.session.connection()
    connection.execute(statement, {**row, "id": "by-sqlalchemy"})
    with pytest.raises(exc.ArgumentError, match=r"defaults are not applied\): last_error"):
        DriverStatement(statement).execute(connection, {**row, "id": "by-driver"})
    assert list(db.session.scalars(select(XapiStatement.id))) == ["by-sqlalchemy"]
