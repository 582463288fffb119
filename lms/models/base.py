"""Declarative base with a constraint naming convention, so migrations get stable names."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Connection, DateTime, Dialect, Engine, MetaData, Table, event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

from lms.models.sqlite_writers import QueuedWriterConnection, queued_database

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite drops time zones; this keeps every datetime in the code aware and UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime stored; use lms.models.base.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Base of every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class SerialisedJSON(TypeDecorator[str]):
    """A value for a JSON column already serialised with json.dumps, written as it is (on
    PostgreSQL the JSON type's cast still applies). For hot INSERTs: the serialising is
    done before the write transaction instead of while it holds the lock."""

    impl = JSON
    cache_ok = True

    def bind_processor(self, dialect: Dialect) -> None:
        return None


def insert_missing(
    connection: Connection, table: Table, rows: list[dict[str, Any]], key: list[str]
) -> None:
    """Insert these rows, in one statement, except those whose `key` columns match a row
    that exists (one a concurrent transaction made, say): ON CONFLICT DO NOTHING, written
    for PostgreSQL or SQLite. Column defaults apply to what the rows leave out."""
    insert_for = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
    connection.execute(insert_for(table).values(rows).on_conflict_do_nothing(index_elements=key))


def render_migration_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    """Alembic hook: write our column types as plain SQLAlchemy types in migrations."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


@event.listens_for(Engine, "connect")
def _sqlite_enforces_foreign_keys(dbapi_connection: object, connection_record: object) -> None:
    """SQLite settings, per connection: enforce foreign keys (and so ON DELETE CASCADE),
    write-ahead logging for concurrent readers."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # Readers do not wait for the writer, and a commit does not wait for the disk twice.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


@event.listens_for(Engine, "do_connect")
def _queue_sqlite_writers(
    dialect: Any, connection_record: object, cargs: list[Any], cparams: dict[str, Any]
) -> None:
    """A SQLite file's write transactions wait their turn in a queue (lms.models.sqlite_writers)
    instead of polling SQLite's lock."""
    if dialect.name != "sqlite" or dialect.driver != "pysqlite":
        return
    database = cargs[0] if cargs else cparams.get("database")
    if queued_database(database, bool(cparams.get("uri"))):
        cparams.setdefault("factory", QueuedWriterConnection)
