"""Signing keys and the Open Badges 3.0 VC-JWT, checked with an independent library (joserfc)."""

from __future__ import annotations

import base64
import json
import warnings
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from joserfc import jws, jwt
from joserfc.errors import BadSignatureError, SecurityWarning
from joserfc.jwk import OKPKey

from lms.certification import badges
from lms.certification.keys import (
    KeyUnavailable,
    b64url,
    decrypt_private_key,
    encrypt_private_key,
    jwk_thumbprint,
    public_jwk,
)


def test_jwk_thumbprint_matches_rfc_8037_example():
    # RFC 8037, appendix A.3: the thumbprint of the example Ed25519 public key.
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}
    assert jwk_thumbprint(jwk) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


def test_private_key_is_encrypted_at_rest_and_needs_the_same_secret():
    key = Ed25519PrivateKey.generate()
    stored = encrypt_private_key(key, "secret-one")
    raw = key.private_bytes_raw()
    assert raw not in base64.urlsafe_b64decode(stored.encode())  # not the plain key
    assert decrypt_private_key(stored, "secret-one").private_bytes_raw() == raw
    with pytest.raises(KeyUnavailable):
        decrypt_private_key(stored, "secret-two")


def _verify(token: str, jwk: dict[str, str]):
    """Verify with joserfc. It warns that RFC 9864 deprecates "EdDSA" for "Ed25519";
    we keep "EdDSA", which Open Badges 3.0 verifiers understand (docs/certification.md)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SecurityWarning)
        return jwt.decode(token, OKPKey.import_key(jwk), algorithms=["EdDSA"])


ISSUER = badges.IssuerInfo(
    name="Réseau d’exemple",
    id_url="https://escales.example/orgs/reseau/issuer.json",
    homepage="https://escales.example/",
    email="contact@example.org",
)
ACHIEVEMENT = badges.AchievementInfo(
    id_url="https://escales.example/orgs/reseau/programmes/3/badge.json",
    name="Modèles socio-économiques",
    description="Atteste la maîtrise des trois piliers.",
    criteria="- MSE-01: niveau 2 ou plus",
    image_url="https://escales.example/orgs/reseau/programmes/3/badge.svg",
    competencies=(
        {
            "code": "MSE-01",
            "title": "Piliers",
            "required_level": 2,
            "url": "https://escales.example/framework#MSE-01",
        },
    ),
)
CREDENTIAL = badges.CredentialInfo(
    verification_url="https://escales.example/certificates/AbC",
    assertion_url="https://escales.example/certificates/AbC/assertion.json",
    recipient_identity=badges.identity_hash("Camille@Example.org", "sel"),
    recipient_salt="sel",
    recipient_name="Camille Martin",
    issued_at=datetime(2025, 3, 10, 14, 3, 7, 123, tzinfo=UTC),
    expires_at=datetime(2026, 3, 10, 14, 3, 7, tzinfo=UTC),
    competencies=(
        {
            "code": "MSE-01",
            "title": "Piliers",
            "level": 3,
            "level_label": "Application",
            "required_level": 2,
        },
    ),
)


def _signed() -> tuple[str, dict[str, str]]:
    key = Ed25519PrivateKey.generate()
    jwk = public_jwk(key.public_key())
    credential = badges.ob3_credential(ISSUER, ACHIEVEMENT, CREDENTIAL)
    token = badges.sign_vc_jwt(
        credential,
        key,
        kid_url=f"https://escales.example/orgs/reseau/keys/{jwk['kid']}.json",
        public_jwk=jwk,
    )
    return token, jwk


def test_the_ob3_credential_verifies_with_an_independent_library():
    token, jwk = _signed()
    decoded = _verify(token, jwk)
    assert decoded.header["alg"] == "EdDSA"
    assert decoded.header["kid"].endswith(f"/keys/{jwk['kid']}.json")
    claims = decoded.claims
    assert claims["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert claims["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert claims["iss"] == claims["issuer"]["id"] == ISSUER.id_url
    assert claims["jti"] == claims["id"] == CREDENTIAL.verification_url
    assert claims["nbf"] == int(datetime(2025, 3, 10, 14, 3, 7, tzinfo=UTC).timestamp())
    assert claims["exp"] == int(CREDENTIAL.expires_at.timestamp())
    assert claims["validFrom"] == "2025-03-10T14:03:07Z"
    subject = claims["credentialSubject"]
    assert subject["achievement"]["name"] == "Modèles socio-économiques"
    assert subject["identifier"][0]["identityHash"] == CREDENTIAL.recipient_identity
    assert subject["result"] == [
        {"type": ["Result"], "resultDescription": f"{ACHIEVEMENT.id_url}#MSE-01", "value": "3"}
    ]


def test_a_tampered_credential_fails_verification():
    token, jwk = _signed()
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["credentialSubject"]["result"][0]["value"] = "4"
    forged = f"{header}.{b64url(json.dumps(claims).encode())}.{signature}"
    with pytest.raises(BadSignatureError), warnings.catch_warnings():
        warnings.simplefilter("ignore", SecurityWarning)
        jws.deserialize_compact(forged, OKPKey.import_key(jwk), algorithms=["EdDSA"])


def test_a_credential_signed_by_another_key_fails_verification():
    token, _jwk = _signed()
    other = public_jwk(Ed25519PrivateKey.generate().public_key())
    with pytest.raises(BadSignatureError):
        _verify(token, other)


def test_identity_hash_is_salted_and_case_insensitive():
    assert badges.identity_hash("A@Example.org", "s") == badges.identity_hash("a@example.org", "s")
    assert badges.identity_hash("a@example.org", "s") != badges.identity_hash("a@example.org", "t")
    assert badges.identity_hash("a@example.org", "s").startswith("sha256$")


def test_ob2_documents():
    assertion = badges.ob2_assertion(ACHIEVEMENT, CREDENTIAL)
    assert assertion["type"] == "Assertion"
    assert assertion["verification"] == {"type": "hosted"}
    assert assertion["id"] == CREDENTIAL.assertion_url
    assert assertion["badge"] == ACHIEVEMENT.id_url
    assert assertion["recipient"]["hashed"] is True
    assert assertion["expires"] == "2026-03-10T14:03:07Z"
    revoked = badges.ob2_revoked_assertion(CREDENTIAL.assertion_url, "Fraude")
    assert revoked["revoked"] is True and revoked["revocationReason"] == "Fraude"
    badge_class = badges.ob2_badge_class(ISSUER, ACHIEVEMENT)
    assert badge_class["issuer"] == ISSUER.id_url
    assert badge_class["alignment"][0]["targetCode"] == "MSE-01"


def test_badge_image_escapes_names():
    svg = badges.badge_svg("<script>alert(1)</script>", "A & B")
    assert "<script>" not in svg
    assert "A &amp; B" in svg
