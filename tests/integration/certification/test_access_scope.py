"""An org admin manages their own organisation's certification only; learners none."""

from __future__ import annotations

import pytest

from lms.certification import services
from lms.extensions import db
from lms.models import Certificate, Role
from tests.conftest import csrf_token
from tests.factories import make_org, make_user
from tests.integration.certification.helpers import programme, set_level


@pytest.fixture
def certificate(org, admin, camille) -> Certificate:
    p = programme(org, admin, competencies={"TST-01": 1})
    set_level(camille, "TST-01", 1)
    return services.issue_certificate(db.session(), programme=p, user_id=camille.id, actor=admin)


def _paths(certificate: Certificate) -> list[str]:
    org = "/orgs/reseau/certification"
    return [
        org,
        f"{org}/programmes/new",
        f"{org}/programmes/{certificate.programme_id}",
        f"{org}/programmes/{certificate.programme_id}/edit",
        f"{org}/certificates/{certificate.public_id}",
        f"{org}/report",
        f"{org}/report.csv",
        f"{org}/staff",
        f"{org}/staff.csv",
        "/orgs/reseau/audit",
    ]


def test_an_admin_of_another_organisation_is_refused(certificate, client, auth):
    make_user(Role.ORG_ADMIN, org=make_org(slug="autre"), email="other@example.org")
    auth.login("other@example.org")
    for path in _paths(certificate):
        assert client.get(path).status_code == 403, path
    token = csrf_token(client, "/account/")
    revoke = f"/orgs/reseau/certification/certificates/{certificate.public_id}/revoke"
    assert client.post(revoke, data={"csrf_token": token, "reason": "x"}).status_code == 403
    assert db.session.get(Certificate, certificate.id).revoked_at is None


def test_a_certificate_is_only_managed_under_its_own_organisation(certificate, client, auth):
    other_admin = make_user(Role.ORG_ADMIN, org=make_org(slug="autre"), email="o@example.org")
    assert other_admin
    auth.login("o@example.org")
    path = f"/orgs/autre/certification/certificates/{certificate.public_id}"
    assert client.get(path).status_code == 404
    assert (
        client.get(f"/orgs/autre/certification/programmes/{certificate.programme_id}").status_code
        == 404
    )


def test_an_instance_admin_manages_every_organisation(certificate, client, auth):
    make_user(Role.ADMIN, email="root@example.org")
    auth.login("root@example.org")
    for path in _paths(certificate):
        assert client.get(path).status_code == 200, path
    assert "reseau" in client.get("/certification/manage").get_data(as_text=True)


def test_learners_and_trainers_are_refused(certificate, org, client, auth):
    make_user(Role.TRAINER, org=org, email="trainer@example.org")
    auth.login("trainer@example.org")
    for path in _paths(certificate):
        assert client.get(path).status_code == 403, path


def test_unknown_organisation_is_not_found(admin, client, auth):
    auth.login("admin@example.org")
    assert client.get("/orgs/nowhere/certification").status_code == 404
