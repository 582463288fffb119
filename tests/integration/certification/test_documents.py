"""What a certificate's holder downloads and verifiers fetch: PDF, Open Badges 3.0 and 2.0, keys."""

from __future__ import annotations

import io
import warnings
from datetime import timedelta

import pytest
from joserfc import jws, jwt
from joserfc.errors import BadSignatureError, SecurityWarning
from joserfc.jwk import OKPKey
from pypdf import PdfReader
from sqlalchemy import select

from lms.certification import services
from lms.extensions import db
from lms.models import Certificate, OrganisationKey
from lms.models.base import utcnow
from tests.factories import make_org
from tests.integration.certification.helpers import programme, set_level


@pytest.fixture
def certificate(org, admin, camille) -> Certificate:
    """A valid certificate of Camille for a two-competency programme."""
    p = programme(
        org,
        admin,
        name="Modèles socio-économiques d’intérêt général",
        competencies={"TST-01": 2, "TST-02": 1},
    )
    set_level(camille, "TST-01", 3)
    set_level(camille, "TST-02", 1)
    return services.issue_certificate(db.session(), programme=p, user_id=camille.id, actor=admin)


def _pdf_text(data: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def test_pdf_in_english_reads_back(certificate, client):
    response = client.get(f"/certificates/{certificate.public_id}/certificate.pdf?lang=en")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text, reader = _pdf_text(response.data)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert round(float(box.width)) == 842 and round(float(box.height)) == 595  # A4 landscape
    assert "Certificate" in text
    assert "Camille Martin" in text
    assert "Modèles socio-économiques d'intérêt général" in text  # ’ printed as '
    assert "Réseau d'exemple" in text
    assert "TST-01" in text and "Application" in text
    assert f"/certificates/{certificate.public_id}" in text
    assert certificate.issued_at.strftime("%B") in text  # the month, in English
    assert reader.pages[0].images, "the QR code is missing"


def test_pdf_in_french_uses_french_dates(certificate, client):
    response = client.get(f"/certificates/{certificate.public_id}/certificate.pdf?lang=fr")
    text, _reader = _pdf_text(response.data)
    french_months = [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ]
    assert french_months[certificate.issued_at.month - 1] in text
    assert "Camille Martin" in text


def test_pdf_qr_code_points_to_the_verification_page(certificate, client):
    response = client.get(f"/certificates/{certificate.public_id}/certificate.pdf?lang=en")
    _text, reader = _pdf_text(response.data)
    links = [
        annotation.get_object()["/A"]["/URI"]
        for annotation in reader.pages[0]["/Annots"]
        if "/A" in annotation.get_object()
    ]
    assert f"http://127.0.0.1:5000/certificates/{certificate.public_id}" in links


def test_revoked_certificates_have_no_pdf_or_badge(certificate, admin, client):
    services.revoke_certificate(db.session(), certificate=certificate, actor=admin, reason="Erreur")
    public_id = certificate.public_id
    assert client.get(f"/certificates/{public_id}/certificate.pdf").status_code == 410
    assert client.get(f"/certificates/{public_id}/credential.jwt").status_code == 410
    gone = client.get(f"/certificates/{public_id}/assertion.json")
    assert gone.status_code == 410
    assert gone.json["revoked"] is True and gone.json["revocationReason"] == "Erreur"


def _verify_with_published_key(client, token: str):
    """Verify like an outside verifier: fetch the key named by `kid`, check with joserfc."""
    header = jws.extract_compact(token.encode()).headers()
    path = header["kid"].removeprefix("http://127.0.0.1:5000")
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    published = response.json
    assert "d" not in published  # never the private part
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SecurityWarning)  # RFC 9864 prefers "Ed25519"
        return jwt.decode(token, OKPKey.import_key(published), algorithms=["EdDSA"])


def test_open_badge_3_credential_verifies_against_the_published_key(certificate, client):
    response = client.get(f"/certificates/{certificate.public_id}/credential.jwt")
    assert response.status_code == 200
    token = response.get_data(as_text=True)
    decoded = _verify_with_published_key(client, token)
    claims = decoded.claims
    assert "OpenBadgeCredential" in claims["type"]
    assert claims["id"] == f"http://127.0.0.1:5000/certificates/{certificate.public_id}"
    assert claims["issuer"]["name"] == "Réseau d’exemple"
    assert claims["issuer"]["id"] == "http://127.0.0.1:5000/orgs/reseau/issuer.json"
    achievement = claims["credentialSubject"]["achievement"]
    assert achievement["name"] == "Modèles socio-économiques d’intérêt général"
    assert [a["targetCode"] for a in achievement["alignment"]] == ["TST-01", "TST-02"]
    assert "TST-01" in achievement["criteria"]["narrative"]


def test_a_tampered_badge_fails_verification(certificate, client):
    token = client.get(f"/certificates/{certificate.public_id}/credential.jwt").get_data(
        as_text=True
    )
    header, payload, signature = token.split(".")
    forged = ".".join(
        [header, payload[:-4] + ("AAAA" if payload[-4:] != "AAAA" else "BBBB"), signature]
    )
    with pytest.raises((BadSignatureError, ValueError)):
        _verify_with_published_key(client, forged)


def test_old_badges_still_verify_after_key_rotation(certificate, org, admin, camille, client):
    old_token = certificate.credential_jwt
    services.rotate_key(db.session(), org, actor=admin)
    p2 = programme(org, admin, name="Autre", competencies={"TST-01": 1})
    newer = services.issue_certificate(db.session(), programme=p2, user_id=camille.id, actor=admin)
    kids = db.session.scalars(select(OrganisationKey.kid).order_by(OrganisationKey.id)).all()
    assert len(kids) == 2
    _verify_with_published_key(client, old_token)
    _verify_with_published_key(client, newer.credential_jwt)
    jwks = client.get("/orgs/reseau/keys.json").json
    assert [k["kid"] for k in jwks["keys"]] == kids


def test_a_changed_secret_key_makes_a_new_signing_key(certificate, org, admin, camille, app):
    saved = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "another-secret-key"
    try:
        p2 = programme(org, admin, name="Autre", competencies={"TST-01": 1})
        services.issue_certificate(db.session(), programme=p2, user_id=camille.id, actor=admin)
    finally:
        app.config["SECRET_KEY"] = saved
    keys = db.session.scalars(select(OrganisationKey).order_by(OrganisationKey.id)).all()
    assert keys[0].retired_at is not None and keys[1].retired_at is None


def test_no_route_exposes_the_private_key(certificate, client):
    row = db.session.scalar(select(OrganisationKey))
    secret = row.private_key_encrypted
    for path in (
        f"/orgs/reseau/keys/{row.kid}.json",
        "/orgs/reseau/keys.json",
        "/orgs/reseau/issuer.json",
        f"/certificates/{certificate.public_id}",
        f"/api/v1/certificates/{certificate.public_id}",
    ):
        body = client.get(path).get_data(as_text=True)
        assert secret not in body and '"d"' not in body


def test_open_badge_2_hosted_assertion_badge_class_and_issuer(certificate, client):
    assertion = client.get(f"/certificates/{certificate.public_id}/assertion.json")
    assert assertion.status_code == 200
    data = assertion.json
    assert data["@context"] == "https://w3id.org/openbadges/v2"
    assert data["type"] == "Assertion"
    assert data["verification"] == {"type": "hosted"}
    assert data["id"].endswith(f"/certificates/{certificate.public_id}/assertion.json")
    assert data["recipient"]["hashed"] is True
    assert "camille" not in assertion.get_data(as_text=True)

    badge_path = data["badge"].removeprefix("http://127.0.0.1:5000")
    badge = client.get(badge_path).json
    assert badge["type"] == "BadgeClass"
    assert badge["name"] == "Modèles socio-économiques d’intérêt général"
    image = client.get(badge["image"].removeprefix("http://127.0.0.1:5000"))
    assert image.mimetype == "image/svg+xml"
    issuer = client.get(badge["issuer"].removeprefix("http://127.0.0.1:5000")).json
    assert issuer["type"] == "Issuer" and issuer["name"] == "Réseau d’exemple"
    assert issuer["publicKey"][0].startswith("http://127.0.0.1:5000/orgs/reseau/keys/")


def test_badge_class_of_another_organisation_is_not_found(certificate, client):
    make_org(slug="autre")
    assert (
        client.get(f"/orgs/autre/programmes/{certificate.programme_id}/badge.json").status_code
        == 404
    )
    assert client.get("/orgs/nope/issuer.json").status_code == 404
    assert client.get("/orgs/reseau/keys/unknown.json").status_code == 404


def test_expired_certificates_still_have_their_documents(org, admin, camille, client):
    p = programme(org, admin, competencies={"TST-01": 1}, validity_months=1, window_days=7)
    set_level(camille, "TST-01", 1)
    old = services.issue_certificate(
        db.session(),
        programme=p,
        user_id=camille.id,
        actor=admin,
        now=utcnow() - timedelta(days=90),
    )
    assert client.get(f"/certificates/{old.public_id}/certificate.pdf").status_code == 200
    assertion = client.get(f"/certificates/{old.public_id}/assertion.json").json
    assert assertion["expires"] < utcnow().isoformat()
