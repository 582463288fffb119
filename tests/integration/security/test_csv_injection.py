"""CSV exports never hand a spreadsheet a formula (CSV injection).

Text a person typed (a name, an e-mail address, a workspace label) that starts with
"=", "+", "-", "@", a tab or a carriage return would run as a formula when the file is
opened in a spreadsheet. Every CSV export writes such a cell with a leading apostrophe:
the cohort reports, the certification reports and the workspace tables.
"""

from __future__ import annotations

import csv
import io
import re

import pytest

from lms.certification import services as certification
from lms.extensions import db
from lms.models import CohortRole, Role
from tests.factories import enrol, make_cohort, make_org, make_user
from tests.integration.certification.helpers import programme, set_level
from tests.integration.cohorts.helpers import take_quiz
from tests.integration.workspace.example import ressourcerie_document
from tests.integration.workspace.helpers import make_workspace

FORMULAS = [
    '=HYPERLINK("http://evil.example","click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")


def cells(body: bytes) -> list[str]:
    """Every cell of a CSV file, whichever of ; and , separates its columns."""
    text = body.decode("utf-8-sig")
    delimiter = ";" if ";" in text.splitlines()[0] else ","
    return [cell for row in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in row]


def assert_neutralised(response, *values: str) -> None:
    """No cell would run as a formula; each hostile value is there, as text."""
    assert response.status_code == 200, response.status_code
    found = cells(response.data)
    formulas = [c for c in found if c.startswith(FORMULA_START) and not NUMBER.fullmatch(c)]
    assert formulas == [], f"cells a spreadsheet would run: {formulas}"
    for value in values:  # names are stored trimmed: "\t=1+1" is "=1+1"
        assert "'" + value.strip() in found, f"{value!r} missing from the export"


@pytest.fixture
def hostile_people(app_ctx, course):
    """Learners of a cohort named with formulas; one took the quiz and holds a certificate."""
    org = make_org(slug="reseau", name="Réseau")
    cohort = make_cohort(org, name="Promo")
    trainer = make_user(Role.TRAINER, org, email="trainer@example.org")
    enrol(cohort, trainer, CohortRole.TRAINER)
    org_admin = make_user(Role.ORG_ADMIN, org, email="orgadmin@example.org")
    people = [make_user(org=org, name=formula) for formula in FORMULAS]
    for person in people:
        enrol(cohort, person)
    take_quiz(people[0])
    set_level(people[0], "TST-01", 2)
    certification.issue_certificate(
        db.session(), programme=programme(org, org_admin), user_id=people[0].id, actor=org_admin
    )
    db.session.commit()
    return cohort.id


@pytest.mark.parametrize("report", ["progress", "competencies"])
def test_cohort_reports(hostile_people, client, auth, report):
    auth.login("trainer@example.org")
    response = client.get(f"/cohorts/{hostile_people}/export/{report}.csv")
    assert_neutralised(response, *FORMULAS)


def test_cohort_attempts_report(hostile_people, client, auth):
    auth.login("trainer@example.org")
    response = client.get(f"/cohorts/{hostile_people}/export/attempts.csv")
    assert_neutralised(response, FORMULAS[0])


def test_certification_reports(hostile_people, client, auth):
    auth.login("orgadmin@example.org")
    assert_neutralised(client.get("/orgs/reseau/certification/report.csv"), FORMULAS[0])
    assert_neutralised(client.get("/orgs/reseau/certification/staff.csv"), *FORMULAS)


@pytest.mark.parametrize(
    "table", ["activities", "resources", "human-riches", "alliances", "levers", "trajectory"]
)
def test_workspace_tables(app_ctx, client, auth, table):
    owner = make_user(org=make_org(), email="owner@example.org")
    document = ressourcerie_document()
    for year in document["years"]:
        for rows in ("activities", "resources", "alliances"):
            for row, formula in zip(year.get(rows, []), FORMULAS, strict=False):
                key = {"activities": "name", "resources": "label", "alliances": "partner"}[rows]
                row[key] = formula
    workspace_id = make_workspace(owner, document)
    auth.login("owner@example.org")
    response = client.get(f"/workspace/{workspace_id}/export/{table}.csv")
    expected = FORMULAS[:1] if table in ("activities", "resources", "alliances") else ()
    assert_neutralised(response, *expected)
