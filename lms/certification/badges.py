"""Open Badges: the 3.0 credential (a W3C Verifiable Credential signed as a VC-JWT) and the
2.0 hosted assertion, badge class and issuer, built from plain values.

Signing: the OB 3.0 ``OpenBadgeCredential`` is the payload of a compact JWS
(RFC 7515) signed with the organisation's Ed25519 key (``alg: EdDSA``, RFC 8037).
The JOSE header carries ``kid``, the URL of the public JWK, and ``jwk``, the key
itself; the payload adds the registered claims that OB 3.0 (section 8.2) maps
from the credential: ``iss`` (issuer.id), ``jti`` (id), ``nbf`` (validFrom) and
``exp`` (validUntil). Any JOSE library verifies it (the tests use joserfc).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from markupsafe import escape

from lms.certification.keys import ALGORITHM, b64url

OB3_CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
OB2_CONTEXT = "https://w3id.org/openbadges/v2"
LEVELS = ["0", "1", "2", "3", "4"]


def identity_hash(email: str, salt: str) -> str:
    """The salted recipient identity of Open Badges: "sha256$" + hex(SHA-256(email + salt))."""
    digest = hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()
    return f"sha256${digest}"


def iso(moment: datetime) -> str:
    """An ISO 8601 UTC timestamp with a Z, to the second."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class IssuerInfo:
    """The issuing organisation and its public URLs."""

    name: str
    id_url: str  # the issuer profile (OB 2.0 Issuer JSON), also the OB 3.0 issuer id
    homepage: str
    email: str
    description: str = ""


@dataclass(frozen=True)
class AchievementInfo:
    """The programme as a badge class / achievement."""

    id_url: str  # OB 2.0 BadgeClass URL, also the OB 3.0 achievement id
    name: str
    description: str
    criteria: str  # narrative of the requirements
    image_url: str
    # [{"code", "title", "required_level", "url"}]
    competencies: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class CredentialInfo:
    """One certificate, as the badges describe it."""

    verification_url: str  # the public page: the credential's id, and where its status is
    assertion_url: str
    recipient_identity: str
    recipient_salt: str
    recipient_name: str
    issued_at: datetime
    expires_at: datetime | None
    # [{"code", "title", "level", "level_label", "required_level"}]
    competencies: tuple[dict[str, Any], ...] = ()


def _alignments(achievement: AchievementInfo) -> list[dict[str, Any]]:
    return [
        {
            "type": ["Alignment"],
            "targetType": "ceasn:Competency",
            "targetCode": item["code"],
            "targetName": item["title"],
            "targetUrl": item["url"],
        }
        for item in achievement.competencies
    ]


def ob3_credential(
    issuer: IssuerInfo, achievement: AchievementInfo, credential: CredentialInfo
) -> dict[str, Any]:
    """The OB 3.0 OpenBadgeCredential (unsigned JSON-LD document)."""
    result_descriptions = [
        {
            "id": f"{achievement.id_url}#{item['code']}",
            "type": ["ResultDescription"],
            "name": f"{item['code']} {item['title']}",
            "resultType": "PerformanceLevel",
            "allowedValue": LEVELS,
            "requiredValue": str(item["required_level"]),
        }
        for item in achievement.competencies
    ]
    document: dict[str, Any] = {
        "@context": OB3_CONTEXT,
        "id": credential.verification_url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": achievement.name,
        "issuer": {
            "id": issuer.id_url,
            "type": ["Profile"],
            "name": issuer.name,
            "url": issuer.homepage,
        },
        "validFrom": iso(credential.issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": credential.recipient_identity,
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": credential.recipient_salt,
                }
            ],
            "achievement": {
                "id": achievement.id_url,
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": achievement.name,
                "description": achievement.description or achievement.name,
                "criteria": {"narrative": achievement.criteria},
                "image": {"id": achievement.image_url, "type": "Image"},
                "alignment": _alignments(achievement),
                "resultDescription": result_descriptions,
            },
            "result": [
                {
                    "type": ["Result"],
                    "resultDescription": f"{achievement.id_url}#{item['code']}",
                    "value": str(item["level"]),
                }
                for item in credential.competencies
            ],
        },
    }
    if credential.expires_at is not None:
        document["validUntil"] = iso(credential.expires_at)
    return document


def _json_bytes(value: dict[str, Any]) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sign_vc_jwt(
    credential: dict[str, Any],
    private_key: Ed25519PrivateKey,
    *,
    kid_url: str,
    public_jwk: dict[str, Any],
) -> str:
    """Sign an OB 3.0 credential as a VC-JWT: a compact JWS with EdDSA (Ed25519)."""
    header = {
        "alg": ALGORITHM,
        "typ": "JWT",
        "kid": kid_url,
        "jwk": {name: public_jwk[name] for name in ("kty", "crv", "x")},
    }
    payload: dict[str, Any] = {
        **credential,
        "iss": credential["issuer"]["id"],
        "jti": credential["id"],
        "nbf": int(_parse_iso(credential["validFrom"]).timestamp()),
    }
    if "validUntil" in credential:
        payload["exp"] = int(_parse_iso(credential["validUntil"]).timestamp())
    signing_input = f"{b64url(_json_bytes(header))}.{b64url(_json_bytes(payload))}"
    signature = private_key.sign(signing_input.encode("ascii"))
    return f"{signing_input}.{b64url(signature)}"


def _parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def ob2_assertion(
    achievement: AchievementInfo,
    credential: CredentialInfo,
) -> dict[str, Any]:
    """The OB 2.0 hosted Assertion of a certificate that is not revoked."""
    document: dict[str, Any] = {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": credential.assertion_url,
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": credential.recipient_salt,
            "identity": credential.recipient_identity,
        },
        "badge": achievement.id_url,
        "verification": {"type": "hosted"},
        "issuedOn": iso(credential.issued_at),
        "evidence": credential.verification_url,
    }
    if credential.expires_at is not None:
        document["expires"] = iso(credential.expires_at)
    return document


def ob2_revoked_assertion(assertion_url: str, reason: str) -> dict[str, Any]:
    """What a revoked hosted assertion answers (with HTTP 410 Gone), as OB 2.0 asks."""
    return {
        "@context": OB2_CONTEXT,
        "type": "Assertion",
        "id": assertion_url,
        "revoked": True,
        "revocationReason": reason,
    }


def ob2_badge_class(issuer: IssuerInfo, achievement: AchievementInfo) -> dict[str, Any]:
    """The OB 2.0 BadgeClass of a programme."""
    return {
        "@context": OB2_CONTEXT,
        "type": "BadgeClass",
        "id": achievement.id_url,
        "name": achievement.name,
        "description": achievement.description or achievement.name,
        "image": achievement.image_url,
        "criteria": {"narrative": achievement.criteria},
        "issuer": issuer.id_url,
        "alignment": [
            {"targetName": item["title"], "targetUrl": item["url"], "targetCode": item["code"]}
            for item in achievement.competencies
        ],
    }


def ob2_issuer(issuer: IssuerInfo, key_urls: list[str]) -> dict[str, Any]:
    """The OB 2.0 Issuer profile of an organisation, listing its public keys."""
    document: dict[str, Any] = {
        "@context": OB2_CONTEXT,
        "type": "Issuer",
        "id": issuer.id_url,
        "name": issuer.name,
        "url": issuer.homepage,
        "email": issuer.email,
    }
    if issuer.description:
        document["description"] = issuer.description
    if key_urls:
        document["publicKey"] = key_urls
    return document


def badge_svg(programme_name: str, organisation_name: str) -> str:
    """A simple, self-contained badge image (SVG) naming the programme and the organisation."""
    title = escape(programme_name[:60])
    org = escape(organisation_name[:60])
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" '
        'viewBox="0 0 256 256" role="img">'
        f"<title>{title} — {org}</title>"
        '<circle cx="128" cy="128" r="120" fill="#1d5c63"/>'
        '<circle cx="128" cy="128" r="104" fill="none" stroke="#f2c14e" stroke-width="6"/>'
        '<path d="M96 120l22 22 42-46" fill="none" stroke="#fff" stroke-width="12" '
        'stroke-linecap="round" stroke-linejoin="round"/>'
        '<text x="128" y="186" font-family="Helvetica, Arial, sans-serif" font-size="13" '
        f'fill="#fff" text-anchor="middle">{escape(programme_name[:30])}</text>'
        "</svg>"
    )
