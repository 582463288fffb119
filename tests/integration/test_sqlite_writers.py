"""SQLite writers queue for their turn (lms.models.sqlite_writers) instead of polling.

These run on SQLite files in a temporary folder, whatever TEST_DATABASE_URL says: the
queue only exists for SQLite files.
"""

from __future__ import annotations

import gc
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

import lms.models  # noqa: F401  (installs the engine hooks of lms.models.base)
from lms.models.sqlite_writers import (
    QueuedWriterConnection,
    begins_write,
    queued_database,
    writer_queue,
)

# A busy timeout far shorter than the writes below hold the lock: a writer that polled
# SQLite's lock would fail with "database is locked"; a queued one waits its turn.
SHORT_TIMEOUT = 0.2
HOLD = 0.8
ROOT = Path(__file__).resolve().parents[2]


def connect(path: Path, timeout: float = SHORT_TIMEOUT) -> QueuedWriterConnection:
    connection = sqlite3.connect(path, timeout=timeout, factory=QueuedWriterConnection)
    assert isinstance(connection, QueuedWriterConnection)
    connection.execute("PRAGMA journal_mode=WAL")
    return connection


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "queue.sqlite"
    with connect(path) as connection:
        connection.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT UNIQUE)")
    return path


# Another process, as a gunicorn worker is: started fresh (a SQLite connection must not
# be carried across fork), it says when it is about to write, then how it went.
CHILD = """
import sqlite3, sys, time
sys.path.insert(0, sys.argv[2])
from lms.models.sqlite_writers import QueuedWriterConnection
connection = sqlite3.connect(sys.argv[1], timeout=float(sys.argv[3]), factory=QueuedWriterConnection)
started = time.monotonic()  # before saying so: the wait measured covers the parent's
print("writing", flush=True)
try:
    connection.execute("INSERT INTO item (name) VALUES ('second')")
    connection.commit()
    print("ok", time.monotonic() - started, flush=True)
except sqlite3.OperationalError as error:
    print(error, time.monotonic() - started, flush=True)
"""


def _child(path: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path), str(ROOT), str(SHORT_TIMEOUT)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "writing"
    return process


def _outcome(process: subprocess.Popen[str]) -> tuple[str, float]:
    try:
        output, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise AssertionError("the other process never got its turn to write") from None
    outcome, _, waited = output.strip().rpartition(" ")
    return outcome, float(waited)


def names(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        return [row[0] for row in connection.execute("SELECT name FROM item ORDER BY id")]


def test_a_writer_in_another_process_waits_its_turn_instead_of_failing(database):
    holder = connect(database)
    holder.execute("INSERT INTO item (name) VALUES ('first')")  # write transaction open
    process = _child(database)
    time.sleep(HOLD)  # 4 busy timeouts: a polling writer would have given up by now
    assert process.poll() is None, "the second writer did not wait for the first"
    holder.commit()
    outcome, waited = _outcome(process)
    assert outcome == "ok"
    assert waited >= HOLD
    assert names(database) == ["first", "second"]


def test_without_the_queue_the_same_writer_fails_database_is_locked(database):
    """The behaviour the queue replaces (so the test above can fail)."""
    holder = sqlite3.connect(database, timeout=SHORT_TIMEOUT)
    holder.execute("INSERT INTO item (name) VALUES ('first')")
    plain = sqlite3.connect(database, timeout=SHORT_TIMEOUT)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        plain.execute("INSERT INTO item (name) VALUES ('second')")
    holder.rollback()


def test_the_turn_is_given_back_on_rollback_and_after_a_failed_statement(database):
    first = connect(database)
    first.execute("INSERT INTO item (name) VALUES ('kept')")
    first.commit()
    with pytest.raises(sqlite3.IntegrityError):
        first.execute("INSERT INTO item (name) VALUES ('kept')")  # unique: fails
    first.rollback()
    first.execute("INSERT INTO item (name) VALUES ('undone')")
    first.rollback()
    outcome, waited = _outcome(_child(database))
    assert outcome == "ok"
    assert waited < 5  # not waiting for a turn nobody gives back (it would never come)
    assert names(database) == ["kept", "second"]


def test_a_connection_dropped_mid_transaction_gives_its_turn_back(database):
    abandoned = connect(database)
    abandoned.execute("INSERT INTO item (name) VALUES ('lost')")
    del abandoned
    gc.collect()
    outcome, waited = _outcome(_child(database))
    assert outcome == "ok"
    assert waited < 5  # not waiting for a turn nobody gives back (it would never come)
    assert names(database) == ["second"]  # SQLite rolled the dropped transaction back


def test_reading_never_waits_for_the_writer(database):
    writer = connect(database)
    writer.execute("INSERT INTO item (name) VALUES ('pending')")
    counts: list[int] = []

    def read() -> None:  # another thread: one that waited for the writer would block here
        reader = connect(database)
        counts.append(reader.execute("SELECT count(*) FROM item").fetchone()[0])
        reader.close()

    thread = threading.Thread(target=read)
    thread.start()
    thread.join(timeout=HOLD * 5)
    finished = not thread.is_alive()
    writer.commit()
    thread.join(timeout=10)
    assert finished, "the reader waited for the writer"
    assert counts == [0]  # it read what was committed before the write


def test_threads_of_one_process_write_one_after_the_other(database):
    start = threading.Barrier(4)
    errors: list[Exception] = []

    def write(number: int) -> None:
        connection = connect(database)
        start.wait()
        try:
            for step in range(5):
                connection.execute("INSERT INTO item (name) VALUES (?)", (f"{number}-{step}",))
                time.sleep(0.01)  # hold the turn a while, as a request does
                connection.commit()
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(names(database)) == 20


def test_a_second_connection_of_the_same_thread_does_not_deadlock(database):
    """It cannot wait for its own thread: it writes unqueued, and SQLite answers as it
    always did (after its busy timeout)."""
    first = connect(database)
    first.execute("INSERT INTO item (name) VALUES ('first')")
    second = connect(database)
    started = time.monotonic()
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        second.execute("INSERT INTO item (name) VALUES ('second')")
    assert time.monotonic() - started < 2
    first.commit()
    second.execute("INSERT INTO item (name) VALUES ('second')")
    second.commit()
    assert names(database) == ["first", "second"]


def test_a_forked_child_has_its_own_place_in_the_queue(database):
    """A child forked while its parent writes must not share the parent's turn."""
    holder = connect(database)
    holder.execute("INSERT INTO item (name) VALUES ('parent')")
    queue = writer_queue(str(database))
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports through the pipe
        started = time.monotonic()
        queue.acquire()
        os.write(write_end, f"{time.monotonic() - started:.3f}".encode())
        queue.release()
        os._exit(0)
    time.sleep(HOLD)
    holder.commit()
    waited = float(os.read(read_end, 100).decode())
    os.waitpid(child, 0)
    assert waited >= HOLD / 2  # sharing the parent's turn, it would not wait at all


def test_the_application_engine_queues_sqlite_files_only(tmp_path):
    file_engine = create_engine(f"sqlite:///{tmp_path / 'app.sqlite'}")
    memory_engine = create_engine("sqlite://")
    with file_engine.begin() as connection:
        assert isinstance(connection.connection.dbapi_connection, QueuedWriterConnection)
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
    # SQLAlchemy's savepoints (begin_nested) work through the queue.
    with file_engine.begin() as connection, connection.begin_nested():
        connection.execute(text("INSERT INTO t VALUES (1)"))
    with file_engine.connect() as connection:
        assert connection.execute(text("SELECT x FROM t")).scalar_one() == 1
    with memory_engine.connect() as connection:
        assert not isinstance(connection.connection.dbapi_connection, QueuedWriterConnection)
    file_engine.dispose()
    memory_engine.dispose()


@pytest.mark.parametrize(
    ("sql", "writes"),
    [
        ("INSERT INTO item VALUES (1)", True),
        ("  update item SET name = 'x'", True),
        ("DELETE FROM item", True),
        ("REPLACE INTO item VALUES (1, 'a')", True),
        ("SAVEPOINT sa_savepoint_1", True),
        ("BEGIN IMMEDIATE", True),
        ("SELECT * FROM item", False),
        ("PRAGMA journal_mode=WAL", False),
        ("WITH x AS (SELECT 1) SELECT * FROM x", False),
    ],
)
def test_which_statements_begin_a_write(sql, writes):
    assert begins_write(sql) is writes


@pytest.mark.parametrize(
    ("database", "uri", "queued"),
    [
        ("/srv/escales/escales.sqlite", False, True),
        (Path("relative.sqlite"), False, True),
        (":memory:", False, False),
        ("", False, False),
        ("file:shared?mode=memory&cache=shared", True, False),
    ],
)
def test_which_databases_are_queued(database, uri, queued):
    assert queued_database(database, uri) is queued
