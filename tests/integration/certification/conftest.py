"""Fixtures of the certification tests: an organisation, its admin, two learners, the course."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from lms.extensions import db
from lms.models import Organisation, Role, User
from tests.factories import make_org, make_user
from tests.integration.certification.helpers import org_admin


def _english(user: User) -> User:
    # English interface: assertions read the msgids, whatever the French catalogue says.
    user.locale = "en"
    db.session.commit()
    return user


@pytest.fixture
def org(app_ctx, course) -> Organisation:
    """An organisation, with the fixture course (TST-01..03, three modules) loaded."""
    return make_org(slug="reseau", name="Réseau d’exemple")


@pytest.fixture
def admin(org) -> User:
    """The organisation's admin (admin@example.org)."""
    return _english(org_admin(org, email="admin@example.org"))


@pytest.fixture
def camille(org) -> User:
    """A learner of the organisation (camille@example.org)."""
    return _english(
        make_user(Role.LEARNER, org=org, email="camille@example.org", name="Camille Martin")
    )


@pytest.fixture
def karim(org) -> User:
    """Another learner of the organisation (karim@example.org)."""
    return _english(
        make_user(Role.LEARNER, org=org, email="karim@example.org", name="Karim Benali")
    )


@contextmanager
def count_queries() -> Iterator[list[str]]:
    """Collect the SQL statements run inside the block."""
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
