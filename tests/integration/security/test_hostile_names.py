"""Names are text, never markup: a person and a cohort named with HTML and script.

The hostile names are shown where other people see them (administration lists, cohort
dashboards, the review queue, certification pages, the public verification page and
the certificate's PDF): each page shows them escaped, and nothing of them runs.
"""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from lms.certification import services as certification
from lms.extensions import db
from lms.models import CohortRole, Role, User
from tests.factories import bearer, enrol, make_cohort, make_org, make_user
from tests.integration.certification.helpers import programme, set_level
from tests.integration.cohorts.helpers import submit_work, take_quiz

PERSON = '<script>alert("name")</script>"><img src=x onerror=alert(1)>'
COHORT = "<svg onload=alert(2)>Promo</svg>"
PROGRAMME = "<iframe src=javascript:alert(3)>"
RAW_MARKUP = re.compile(r"<script>alert|<img src=x|<svg onload|<iframe src", re.IGNORECASE)


@pytest.fixture
def hostile(app_ctx, course):
    """A learner and a cohort with hostile names; the learner has work and a certificate."""
    org = make_org(slug="reseau", name="Réseau")
    cohort = make_cohort(org, name=COHORT, join_code="CODE-HOSTILE")
    make_user(Role.ADMIN, email="admin@example.org")
    org_admin = make_user(Role.ORG_ADMIN, org, email="orgadmin@example.org")
    trainer = make_user(Role.TRAINER, org, email="trainer@example.org")
    enrol(cohort, trainer, CohortRole.TRAINER)
    learner = make_user(org=org, email="learner@example.org", name=PERSON)
    enrol(cohort, learner)
    take_quiz(learner)
    submit_work(learner)
    set_level(learner, "TST-01", 2)
    certificate = certification.issue_certificate(
        db.session(),
        programme=programme(org, org_admin, name=PROGRAMME),
        user_id=learner.id,
        actor=org_admin,
    )
    db.session.commit()
    return {
        "cohort": cohort.id,
        "learner": learner.id,
        "certificate": certificate.public_id,
        "programme": certificate.programme_id,
    }


def assert_escaped(response, *names: str) -> None:
    """The page shows every name as text (escaped) and holds none of their markup."""
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    assert not RAW_MARKUP.search(html), RAW_MARKUP.search(html)
    for name in names:
        assert name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")[:18] in html


def test_staff_pages_show_hostile_names_as_text(hostile, client, auth):
    cohort, learner = hostile["cohort"], hostile["learner"]
    auth.login("trainer@example.org")
    for path in (
        f"/cohorts/{cohort}",
        f"/cohorts/{cohort}/members",
        f"/cohorts/{cohort}/competencies",
        f"/cohorts/{cohort}/learners/{learner}",
        "/review",
    ):
        assert_escaped(client.get(path), PERSON)
    assert_escaped(client.get("/cohorts"), COHORT)


def test_administration_and_certification_pages_show_hostile_names_as_text(hostile, client, auth):
    auth.login("orgadmin@example.org")
    certification_pages = "/orgs/reseau/certification"
    assert_escaped(client.get("/admin/users"), PERSON)
    assert_escaped(client.get(f"{certification_pages}/programmes/{hostile['programme']}"), PERSON)
    assert_escaped(
        client.get(f"{certification_pages}/certificates/{hostile['certificate']}"), PERSON
    )
    assert_escaped(client.get(f"{certification_pages}/staff"), PERSON)
    assert_escaped(client.get(f"{certification_pages}/report"), PERSON)
    auth.logout()
    auth.login("admin@example.org")
    assert_escaped(client.get("/admin/users"), PERSON)


def test_public_pages_show_hostile_names_as_text(hostile, client):
    assert_escaped(client.get(f"/certificates/{hostile['certificate']}"), PERSON)
    assert_escaped(client.get("/join/CODE-HOSTILE"), COHORT)


def test_the_certificate_pdf_prints_the_name_as_written(hostile, client):
    response = client.get(f"/certificates/{hostile['certificate']}/certificate.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert '<script>alert("name")</script>' in " ".join(text.split())


def test_the_api_returns_names_as_json_data(hostile, client):
    trainer = db.session.scalar(db.select(User).where(User.email == "trainer@example.org"))
    response = client.get(f"/api/v1/cohorts/{hostile['cohort']}/progress", headers=bearer(trainer))
    assert response.status_code == 200
    assert response.mimetype == "application/json"  # data for programs, never a page
    names = [item["learner"]["name"] for item in response.json["items"]]
    assert names == [PERSON]  # unchanged: escaping is the job of whoever renders it
