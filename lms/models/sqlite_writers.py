"""One writer at a time on a SQLite file, queued by the operating system instead of polled.

SQLite lets one connection write at a time. A connection that finds the database
locked sleeps in SQLite's busy handler (1, 2, 5, 10 ms...) and tries again. Under
concurrent writers (two gunicorn workers submitting quizzes) a worker spent about a
quarter of its time asleep there, while the lock was usually free again within a
millisecond.

So every write transaction on a SQLite file first takes an exclusive flock(2) on a
lock file beside the database (``<database>-writer.lock``), just before SQLite begins
it (the first INSERT, UPDATE, DELETE, REPLACE, SAVEPOINT or BEGIN outside a
transaction), and releases it as soon as the transaction ends (commit, rollback,
close). A waiting writer sleeps in the kernel and wakes the moment the lock is free.
Reads never take it: in WAL mode they do not wait for the writer.

Within a process, threads queue on a mutex first. A second connection of the thread
that has the turn cannot wait for it: it goes on unqueued, and SQLite's own locking
applies (its busy timeout, then "database is locked"), as before this queue. A
connection never waits for the queue inside a transaction, so the queue cannot
deadlock with SQLite's locks. A writer waits its turn however long the transaction
ahead of it lasts (a content load, say), where SQLite would give up after its busy
timeout.

Like any SQLite connection, one must not be carried across fork(): gunicorn imports
the application in each worker, after forking.

`lms.models.base` installs `QueuedWriterConnection` for every file database opened
with pysqlite; an in-memory database has a single connection and is left alone.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

#: Statements that begin a write transaction (pysqlite begins one before the first DML).
WRITE_STATEMENTS = ("INSERT", "UPDATE", "DELETE", "REPLACE", "SAVEPOINT", "BEGIN")

#: The suffix of the lock file, beside the database file.
LOCK_SUFFIX = "-writer.lock"


def begins_write(sql: str) -> bool:
    """Whether this statement, run outside a transaction, begins a write transaction."""
    return sql.lstrip()[:9].upper().startswith(WRITE_STATEMENTS)


def queued_database(database: object, uri: bool = False) -> bool:
    """Whether connections to this database take the writer queue: files only."""
    if uri or not isinstance(database, str | os.PathLike):
        return False
    name = os.fspath(database)
    return isinstance(name, str) and name not in ("", ":memory:")


class WriterQueue:
    """The queue of one database's writers: a mutex for this process's threads, then an
    exclusive flock shared with every other process."""

    def __init__(self, lock_path: str) -> None:
        self.lock_path = lock_path
        self._mutex = threading.Lock()
        self._owner: int | None = None  # the thread whose connection is writing
        self._descriptor = self._open()

    def _open(self) -> int:
        return os.open(self.lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)

    def after_fork(self) -> None:
        """In a forked child: the parent's mutex and open lock file are not ours to share."""
        self._mutex = threading.Lock()
        self._owner = None
        os.close(self._descriptor)
        self._descriptor = self._open()

    def acquire(self) -> bool:
        """Wait for our turn to write. False, at once, when another connection of this
        same thread has the turn: it cannot be waited for (the caller writes unqueued)."""
        if self._owner == threading.get_ident():
            return False
        self._mutex.acquire()
        try:
            fcntl.flock(self._descriptor, fcntl.LOCK_EX)
        except BaseException:
            self._mutex.release()
            raise
        self._owner = threading.get_ident()
        return True

    def release(self) -> None:
        """Let the next writer in."""
        self._owner = None
        try:
            fcntl.flock(self._descriptor, fcntl.LOCK_UN)
        finally:
            self._mutex.release()


_QUEUES: dict[str, WriterQueue] = {}
_QUEUES_GUARD = threading.Lock()


def _after_fork_in_child() -> None:
    global _QUEUES_GUARD
    _QUEUES_GUARD = threading.Lock()
    for queue in _QUEUES.values():
        queue.after_fork()


os.register_at_fork(after_in_child=_after_fork_in_child)


def writer_queue(database: str) -> WriterQueue:
    """The writer queue of this database file (one per file and process)."""
    path = os.path.abspath(database)
    with _QUEUES_GUARD:
        queue = _QUEUES.get(path)
        if queue is None:
            queue = _QUEUES[path] = WriterQueue(path + LOCK_SUFFIX)
        return queue


class QueuedWriterConnection(sqlite3.Connection):
    """A pysqlite connection whose write transactions wait their turn in the database's
    `WriterQueue` (pass it as ``sqlite3.connect(..., factory=QueuedWriterConnection)``)."""

    def __init__(self, database: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(database, *args, **kwargs)
        self._queue = writer_queue(database)
        self._queued = False

    def cursor(self, factory: Any = None) -> sqlite3.Cursor:  # type: ignore[override]
        """Cursors that queue the statements beginning a write transaction."""
        return super().cursor(factory or QueuedWriterCursor)

    # sqlite3's own shortcuts make a plain cursor: route them through ours.
    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        return self.cursor().execute(sql, parameters)

    def executemany(  # type: ignore[override]
        self, sql: str, seq_of_parameters: Iterable[Sequence[Any] | Mapping[str, Any]], /
    ) -> sqlite3.Cursor:
        return self.cursor().executemany(sql, seq_of_parameters)

    def begin_write(self, sql: str) -> None:
        """Take our turn before `sql` begins a write transaction."""
        if not self._queued and not self.in_transaction and begins_write(sql):
            self._queued = self._queue.acquire()

    def end_write(self) -> None:
        """Give the turn back once no transaction is open (committed, rolled back, or the
        statement failed before beginning one)."""
        if not self.in_transaction:
            self._give_back()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.end_write()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.end_write()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._give_back()

    def __del__(self) -> None:
        # A connection dropped mid-transaction without close() (SQLite rolls it back) must
        # not keep every other writer waiting. A process that dies releases its flock too.
        self._give_back()

    def _give_back(self) -> None:
        if getattr(self, "_queued", False):
            self._queued = False
            self._queue.release()


class QueuedWriterCursor(sqlite3.Cursor):
    """A cursor of a `QueuedWriterConnection`."""

    def execute(self, sql: str, parameters: Any = (), /) -> QueuedWriterCursor:
        connection = cast(QueuedWriterConnection, self.connection)
        connection.begin_write(sql)
        try:
            super().execute(sql, parameters)
        finally:
            connection.end_write()
        return self

    def executemany(  # type: ignore[override]
        self, sql: str, seq_of_parameters: Iterable[Sequence[Any] | Mapping[str, Any]], /
    ) -> QueuedWriterCursor:
        connection = cast(QueuedWriterConnection, self.connection)
        connection.begin_write(sql)
        try:
            super().executemany(sql, seq_of_parameters)
        finally:
            connection.end_write()
        return self
