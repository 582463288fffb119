"""Exporting statements: the API (paginated, filtered, scoped by role) and the downloads."""

from __future__ import annotations

import json
from datetime import timedelta

from lms.models import CohortRole, Role
from lms.models.base import utcnow
from tests.factories import bearer, enrol, make_cohort, make_org, make_user
from tests.integration.interop.xapi_helpers import outbox, read_sections, take_quiz


def people():
    """Two learners of one cohort, its trainer, a learner elsewhere, an org admin, an admin."""
    org = make_org()
    cohort = make_cohort(org)
    camille, dominique = make_user(org=org), make_user(org=org)
    trainer = make_user(role=Role.TRAINER, org=org)
    enrol(cohort, camille)
    enrol(cohort, dominique)
    enrol(cohort, trainer, CohortRole.TRAINER)
    stranger = make_user(org=make_org())
    for learner in (camille, dominique, stranger):
        read_sections(learner)
    return {
        "org": org,
        "cohort": cohort,
        "camille": camille,
        "dominique": dominique,
        "trainer": trainer,
        "stranger": stranger,
        "org_admin": make_user(role=Role.ORG_ADMIN, org=org),
        "admin": make_user(role=Role.ADMIN),
    }


def ids_of(user):
    return {row.id for row in outbox(user)}


def fetch_all(client, headers, **params):
    """Every page of the API answer."""
    found, cursor = [], None
    while True:
        query = dict(params, limit=1, **({"cursor": cursor} if cursor else {}))
        response = client.get("/api/v1/xapi/statements", query_string=query, headers=headers)
        assert response.status_code == 200, response.json
        found += [s["id"] for s in response.json["items"]]
        cursor = response.json["next_cursor"]
        if cursor is None:
            return found


def test_a_learner_exports_their_own_statements_page_by_page(app_ctx, course, client):
    p = people()
    found = fetch_all(client, bearer(p["camille"]))
    assert len(found) == len(set(found)) == 2
    assert set(found) == ids_of(p["camille"])


def test_a_learner_cannot_read_someone_else(app_ctx, course, client):
    p = people()
    headers = bearer(p["camille"])
    other = client.get(f"/api/v1/xapi/statements?user={p['dominique'].id}", headers=headers)
    assert other.status_code == 403 and other.json["error"]["code"] == "forbidden"
    cohort = client.get(f"/api/v1/xapi/statements?cohort={p['cohort'].id}", headers=headers)
    assert cohort.status_code == 403


def test_a_trainer_reads_their_cohort_and_nobody_else(app_ctx, course, client):
    p = people()
    headers = bearer(p["trainer"])
    cohort = set(fetch_all(client, headers, cohort=p["cohort"].id))
    assert cohort == ids_of(p["camille"]) | ids_of(p["dominique"])
    assert set(fetch_all(client, headers)) == cohort  # no filter: the learners they train
    one = set(fetch_all(client, headers, user=p["camille"].id))
    assert one == ids_of(p["camille"])
    refused = client.get(f"/api/v1/xapi/statements?user={p['stranger'].id}", headers=headers)
    assert refused.status_code == 403
    missing = client.get("/api/v1/xapi/statements?cohort=999999", headers=headers)
    assert missing.status_code == 404


def test_admins_read_everyone_org_admins_their_organisation(app_ctx, course, client):
    p = people()
    everyone = set(fetch_all(client, bearer(p["admin"])))
    assert everyone == {row.id for row in outbox()}
    organisation = set(fetch_all(client, bearer(p["org_admin"])))
    assert organisation == ids_of(p["camille"]) | ids_of(p["dominique"])


def test_a_period_filters_by_when_it_happened(app_ctx, course, client):
    learner = make_user()
    read_sections(learner)
    take_quiz(learner, right=True, minutes_later=120)
    headers = bearer(learner)
    later = (utcnow() + timedelta(minutes=60)).isoformat()
    recent = fetch_all(client, headers, since=later)
    assert {row.verb for row in outbox(learner) if row.id in recent} == {"answered", "passed"}
    earlier = fetch_all(client, headers, until=later)
    assert len(earlier) == 2 and not set(earlier) & set(recent)


def test_a_forged_cursor_is_a_422(app_ctx, course, client):
    learner = make_user()
    response = client.get("/api/v1/xapi/statements?cursor=nope", headers=bearer(learner))
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"cursor": "Invalid cursor."}


def test_learner_download_is_an_lrs_style_statement_result(app_ctx, course, client, auth):
    p = people()
    auth.login(p["camille"].email)
    response = client.get("/xapi/statements.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    body = json.loads(response.get_data(as_text=True))
    assert body["more"] == ""
    assert {s["id"] for s in body["statements"]} == ids_of(p["camille"])
    bad = client.get("/xapi/statements.json?since=hier")
    assert bad.status_code == 400


def test_cohort_download_for_its_trainer_only(app_ctx, course, client, auth):
    p = people()
    outsider = make_user(role=Role.TRAINER, org=p["org"], email="autre@example.org")
    auth.login(outsider.email)
    assert client.get(f"/xapi/cohorts/{p['cohort'].id}/statements.json").status_code == 403
    auth.logout()
    auth.login(p["trainer"].email)
    response = client.get(f"/xapi/cohorts/{p['cohort'].id}/statements.json")
    assert response.status_code == 200
    body = json.loads(response.get_data(as_text=True))
    assert {s["id"] for s in body["statements"]} == ids_of(p["camille"]) | ids_of(p["dominique"])
