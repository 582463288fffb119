"""The certification API: public verification, my certificates, the org admin's endpoints."""

from __future__ import annotations

from sqlalchemy import select

from lms.certification import services
from lms.extensions import db
from lms.models import AuditEvent, Certificate, Role
from tests.factories import bearer, make_org, make_user
from tests.integration.certification.helpers import programme, set_level


def _certify(org, admin, person, name="Piliers"):
    p = programme(org, admin, name=name, competencies={"TST-01": 1})
    set_level(person, "TST-01", 2)
    return services.issue_certificate(db.session(), programme=p, user_id=person.id, actor=admin)


def test_public_verification_data(org, admin, camille, client):
    certificate = _certify(org, admin, camille)
    response = client.get(f"/api/v1/certificates/{certificate.public_id}")
    assert response.status_code == 200
    data = response.json
    assert data["status"] == "valid" and data["holder"] == "Camille Martin"
    assert data["competencies"][0]["code"] == "TST-01"
    assert data["competencies"][0]["level"] == 2
    assert data["verification_url"].endswith(certificate.public_id)
    assert "email" not in str(data)

    missing = client.get("/api/v1/certificates/not-a-real-id")
    assert missing.status_code == 404
    assert missing.json["error"]["code"] == "not_found"


def test_my_certificates_are_paginated(org, admin, camille, karim, client):
    for n in range(3):
        _certify(org, admin, camille, name=f"Programme {n}")
    _certify(org, admin, karim, name="Autre")
    headers = bearer(camille)
    first = client.get("/api/v1/me/certificates?limit=2", headers=headers).json
    assert [c["programme"] for c in first["items"]] == ["Programme 2", "Programme 1"]
    second = client.get(
        f"/api/v1/me/certificates?limit=2&cursor={first['next_cursor']}", headers=headers
    ).json
    assert [c["programme"] for c in second["items"]] == ["Programme 0"]
    assert second["next_cursor"] is None
    bad = client.get("/api/v1/me/certificates?cursor=abc", headers=headers)
    assert bad.status_code == 422


def test_org_admin_lists_issues_and_revokes(org, admin, camille, karim, client):
    p = programme(org, admin, competencies={"TST-01": 2})
    set_level(camille, "TST-01", 2)
    headers = bearer(admin)

    programmes = client.get("/api/v1/orgs/reseau/programmes", headers=headers).json
    assert programmes["items"][0]["competencies"] == [
        {"code": "TST-01", "title": "Connaître les trois piliers", "min_level": 2}
    ]

    refused = client.post(
        "/api/v1/orgs/reseau/certificates",
        json={"programme_id": p.id, "user_id": karim.id},
        headers=headers,
    )
    assert refused.status_code == 422
    assert refused.json["error"]["code"] == "not_eligible"
    assert refused.json["error"]["fields"]["unmet"][0]["required_level"] == 2

    issued = client.post(
        "/api/v1/orgs/reseau/certificates",
        json={"programme_id": p.id, "user_id": camille.id},
        headers=headers,
    )
    assert issued.status_code == 201
    public_id = issued.json["id"]
    assert issued.json["holder_email"] == "camille@example.org"

    twice = client.post(
        "/api/v1/orgs/reseau/certificates",
        json={"programme_id": p.id, "user_id": camille.id},
        headers=headers,
    )
    assert twice.status_code == 409

    listed = client.get("/api/v1/orgs/reseau/certificates?status=valid", headers=headers).json
    assert [c["id"] for c in listed["items"]] == [public_id]

    no_reason = client.post(
        f"/api/v1/orgs/reseau/certificates/{public_id}/revoke", json={}, headers=headers
    )
    assert no_reason.status_code == 422
    revoked = client.post(
        f"/api/v1/orgs/reseau/certificates/{public_id}/revoke",
        json={"reason": "Erreur de saisie"},
        headers=headers,
    )
    assert revoked.status_code == 200
    assert revoked.json["status"] == "revoked"
    assert revoked.json["revocation_reason"] == "Erreur de saisie"
    again = client.post(
        f"/api/v1/orgs/reseau/certificates/{public_id}/revoke",
        json={"reason": "Encore"},
        headers=headers,
    )
    assert again.status_code == 409
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["programme.created", "certificate.issued", "certificate.revoked"]


def test_org_admins_cannot_reach_another_organisation(org, admin, camille, client):
    certificate = _certify(org, admin, camille)
    other = make_org(slug="autre")
    outsider = make_user(Role.ORG_ADMIN, org=other)
    headers = bearer(outsider)
    assert client.get("/api/v1/orgs/reseau/certificates", headers=headers).status_code == 403
    assert (
        client.post(
            "/api/v1/orgs/reseau/certificates",
            json={"programme_id": certificate.programme_id, "user_id": camille.id},
            headers=headers,
        ).status_code
        == 403
    )
    # Their own organisation cannot reach this certificate either.
    response = client.post(
        f"/api/v1/orgs/autre/certificates/{certificate.public_id}/revoke",
        json={"reason": "x"},
        headers=headers,
    )
    assert response.status_code == 404
    assert db.session.get(Certificate, certificate.id).revoked_at is None


def test_learners_cannot_use_the_admin_endpoints(org, camille, client):
    headers = bearer(camille)
    assert client.get("/api/v1/orgs/reseau/certificates", headers=headers).status_code == 403


def test_the_api_is_documented(client):
    spec = client.get("/api/v1/openapi.json").json
    for path in (
        "/api/v1/certificates/{public_id}",
        "/api/v1/me/certificates",
        "/api/v1/orgs/{slug}/certificates",
        "/api/v1/orgs/{slug}/certificates/{public_id}/revoke",
        "/api/v1/orgs/{slug}/programmes",
    ):
        assert path in spec["paths"], path
