"""No N+1: the course pages run as many queries for the 12-module course as for the 3-module one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from lms.content.services import load_content
from lms.extensions import db
from tests.conftest import REAL_COURSE
from tests.factories import bearer
from tests.integration.courses.conftest import read

# A page may run at most this many statements (user loading and savepoints included).
MAX_QUERIES = 12


@contextmanager
def counting(statements: list[str]) -> Iterator[None]:
    """Record every SQL statement run on the engine while the block runs."""

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def query_counts(client, learner, module: str, section: str) -> dict[str, int]:
    """Statements run by each course page, once the learner has started `module`."""
    read(client, module, section)  # some progress, and the section already visited
    api = bearer(learner)
    pages = {
        "catalogue": ("/modules", {}),
        "module": (f"/modules/{module}", {}),
        "section": (f"/modules/{module}/sections/{section}", {}),
        "print": (f"/modules/{module}/print", {}),
        "home": ("/", {}),
        "search": ("/search?q=modele", {}),
        "api outline": ("/api/v1/modules", api),
        "api module": (f"/api/v1/modules/{module}", api),
    }
    counts = {}
    for name, (path, headers) in pages.items():
        statements: list[str] = []
        with counting(statements):
            assert client.get(path, headers=headers).status_code == 200
        counts[name] = len(statements)
    return counts


def test_page_queries_do_not_grow_with_the_course(learner, client):
    small = query_counts(client, learner, "premier-module", "introduction")
    load_content(REAL_COURSE)  # 12 modules, about 60 sections; the fixture's are retired
    assert db.session.scalar(db.text("SELECT count(*) FROM module WHERE retired_at IS NULL")) == 12
    large = query_counts(client, learner, "modele-au-service-de-quoi", "trois-piliers")
    assert large == small
    assert max(large.values()) <= MAX_QUERIES, large


def test_a_section_seen_before_is_a_pure_read(learner, client):
    for section in ("introduction", "details"):
        client.get(f"/modules/premier-module/sections/{section}")  # first visits: rows created
    for section in ("introduction", "details", "introduction"):
        statements: list[str] = []
        with counting(statements):
            page = client.get(f"/modules/premier-module/sections/{section}")
        assert page.status_code == 200
        writes = [s for s in statements if s.lstrip().upper().startswith(("UPDATE", "INSERT"))]
        # Within the minute of the last activity, coming back writes nothing: the user's row
        # and the learner's progress are read, nothing else.
        assert writes == [] and len(statements) == 2, statements
