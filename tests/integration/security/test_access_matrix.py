"""docs/security.md shows the access matrix that tests/integration/test_access.py tests.

The matrix is generated from the routes tables (tests/integration/access_*.py) by
tests/generate_access_matrix.py; this test fails as soon as the document and the
tables disagree, so the documentation cannot drift from what is enforced.
"""

from __future__ import annotations

from lms.models import Role
from tests.access_roles import PUBLIC
from tests.generate_access_matrix import (
    BEGIN,
    END,
    SECURITY_DOC,
    documented_matrix,
    load_routes,
    matrix,
    url_rules,
    with_matrix,
)
from tests.integration.test_access import ROUTES

REGENERATE = "run: .venv/bin/python tests/generate_access_matrix.py --write"


def test_the_generator_reads_the_tested_routes():
    assert load_routes() == ROUTES


def test_security_doc_shows_the_tested_matrix():
    documented = documented_matrix(SECURITY_DOC.read_text(encoding="utf-8"))
    assert documented is not None, f"docs/security.md has no access matrix ({REGENERATE})"
    assert documented == matrix(ROUTES, url_rules()), (
        f"the access matrix is out of date ({REGENERATE})"
    )


def test_a_row_says_who_is_let_in():
    routes = {
        "x.public": ("GET", "/x", PUBLIC),
        "x.staff": ("GET", "/x/staff", (Role.TRAINER, Role.ORG_ADMIN, Role.ADMIN)),
    }
    rows = matrix(routes, {"x.staff": "GET POST /x/staff"}).splitlines()
    assert rows[0] == "| route | endpoint | anonymous | learner | trainer | org admin | admin |"
    assert rows[2] == "| `GET /x` | `x.public` | ✓ | ✓ | ✓ | ✓ | ✓ |"
    assert rows[3] == "| `GET POST /x/staff` | `x.staff` | — | — | ✓ | ✓ | ✓ |"


def test_writing_replaces_only_the_matrix():
    text = f"# Security\n\nIntro.\n\n{BEGIN}\nold\n{END}\n\nAfter.\n"
    updated = with_matrix(text, "| new |\n")
    assert updated == f"# Security\n\nIntro.\n\n{BEGIN}\n| new |\n{END}\n\nAfter.\n"
    assert documented_matrix(updated) == "| new |\n"
