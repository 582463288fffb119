"""The learner's side: my certificates, my progress, sharing, and my data export."""

from __future__ import annotations

import logging

from lms.certification import services, urls
from lms.extensions import db
from tests.factories import make_user
from tests.integration.certification.helpers import programme, set_level


def test_my_certificates_page_offers_downloads_and_sharing(org, admin, camille, client, auth):
    p = programme(org, admin, name="Piliers", competencies={"TST-01": 1})
    set_level(camille, "TST-01", 1)
    certificate = services.issue_certificate(
        db.session(), programme=p, user_id=camille.id, actor=admin
    )
    auth.login("camille@example.org")
    html = client.get("/certification/").get_data(as_text=True)
    public_id = certificate.public_id
    assert f"/certificates/{public_id}/certificate.pdf?lang=fr" in html
    assert f"/certificates/{public_id}/certificate.pdf?lang=en" in html
    assert f"/certificates/{public_id}/credential.jwt" in html
    assert f"/certificates/{public_id}/assertion.json" in html
    assert f'value="http://127.0.0.1:5000/certificates/{public_id}" readonly' in html
    assert "linkedin.com/profile/add?" in html
    assert "You hold this certificate." in html


def test_my_progress_lists_what_is_missing(org, admin, camille, client, auth):
    programme(org, admin, name="Piliers", competencies={"TST-01": 3, "TST-02": 1})
    set_level(camille, "TST-01", 2)
    auth.login("camille@example.org")
    html = client.get("/certification/").get_data(as_text=True)
    assert "You hold no certificate yet." in html
    assert "0 of 2 requirements met. Still needed:" in html
    assert "TST-01 Connaître les trois piliers: level 2, level 3 required" in html


def test_someone_without_an_organisation_sees_an_empty_page(app_ctx, client, auth):
    make_user(email="solo@example.org")
    auth.login("solo@example.org")
    response = client.get("/certification/")
    assert response.status_code == 200
    assert "Programmes of my organisation" not in response.get_data(as_text=True)


def test_issued_holders_are_told_by_email(org, admin, camille, caplog):
    p = programme(org, admin, name="Piliers", competencies={"TST-01": 1})
    set_level(camille, "TST-01", 1)
    with caplog.at_level(logging.WARNING):
        certificate = services.issue_certificate(
            db.session(), programme=p, user_id=camille.id, actor=admin
        )
    assert "camille@example.org" in caplog.text
    assert urls.verification_url(certificate.public_id) in caplog.text


def test_my_data_export_includes_my_certificates(org, admin, camille, client, auth):
    p = programme(org, admin, name="Piliers", competencies={"TST-01": 1})
    set_level(camille, "TST-01", 1)
    certificate = services.issue_certificate(
        db.session(), programme=p, user_id=camille.id, actor=admin
    )
    auth.login("camille@example.org")
    data = client.get("/account/export.json").json
    assert data["certificates"][0]["id"] == certificate.public_id
    assert data["certificates"][0]["programme"] == "Piliers"
