"""Each organisation's Ed25519 signing key: generated on first use, stored encrypted at rest.

The private key is encrypted with Fernet (AES-128-CBC + HMAC-SHA256) under a key
derived from the application's SECRET_KEY with HKDF-SHA256; it never leaves this
module and no route exposes it. The public key is published as a JWK whose `kid`
is its RFC 7638 thumbprint. docs/certification.md explains the trade-off: whoever
holds the database *and* SECRET_KEY can sign; changing SECRET_KEY makes the stored
keys unreadable, so a new key is generated (old credentials still verify, since
retired public keys stay published).
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.models import OrganisationKey
from lms.models.base import utcnow

ALGORITHM = "EdDSA"
_HKDF_SALT = b"escales/organisation-signing-keys"
_HKDF_INFO = b"fernet-key-v1"


class KeyUnavailable(Exception):
    """The stored private key cannot be decrypted (SECRET_KEY changed) or is damaged."""


def b64url(data: bytes) -> str:
    """Base64url without padding (RFC 7515)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Inverse of b64url."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _fernet(secret_key: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=_HKDF_SALT, info=_HKDF_INFO).derive(
        secret_key.encode("utf-8")
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def public_jwk(public_key: Ed25519PublicKey) -> dict[str, str]:
    """The public key as an OKP JWK (RFC 8037), with its thumbprint as `kid`."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw)}
    return {**jwk, "kid": jwk_thumbprint(jwk), "alg": ALGORITHM, "use": "sig"}


def jwk_thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638 thumbprint of an OKP key: SHA-256 of its required members, sorted, no spaces."""
    required = {name: jwk[name] for name in ("crv", "kty", "x")}
    canonical = json.dumps(required, separators=(",", ":"), sort_keys=True).encode("utf-8")
    return b64url(hashlib.sha256(canonical).digest())


def encrypt_private_key(private_key: Ed25519PrivateKey, secret_key: str) -> str:
    """The private key (raw 32 bytes) encrypted for storage."""
    raw = private_key.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    return _fernet(secret_key).encrypt(raw).decode("ascii")


def decrypt_private_key(token: str, secret_key: str) -> Ed25519PrivateKey:
    """The stored private key; KeyUnavailable when it cannot be read with this SECRET_KEY."""
    try:
        raw = _fernet(secret_key).decrypt(token.encode("ascii"))
        return Ed25519PrivateKey.from_private_bytes(raw)
    except (InvalidToken, ValueError) as error:
        raise KeyUnavailable(str(error) or "undecryptable key") from error


def new_key_row(organisation_id: int, secret_key: str) -> tuple[OrganisationKey, Ed25519PrivateKey]:
    """Generate a key pair for an organisation (not added to any session)."""
    private_key = Ed25519PrivateKey.generate()
    jwk = public_jwk(private_key.public_key())
    row = OrganisationKey(
        organisation_id=organisation_id,
        kid=jwk["kid"],
        algorithm=ALGORITHM,
        public_jwk=jwk,
        private_key_encrypted=encrypt_private_key(private_key, secret_key),
    )
    return row, private_key


def signing_key(
    session: Session, organisation_id: int
) -> tuple[OrganisationKey, Ed25519PrivateKey]:
    """The organisation's active key and its private half, created on first use.

    A key that cannot be decrypted any more (SECRET_KEY changed) is retired and replaced;
    its public half stays published. The caller commits.
    """
    secret_key = current_app.config["SECRET_KEY"]
    row = session.scalar(
        select(OrganisationKey)
        .where(
            OrganisationKey.organisation_id == organisation_id,
            OrganisationKey.retired_at.is_(None),
        )
        .order_by(OrganisationKey.id.desc())
        .limit(1)
    )
    if row is not None:
        try:
            return row, decrypt_private_key(row.private_key_encrypted, secret_key)
        except KeyUnavailable:
            current_app.logger.warning(
                "Signing key %s of organisation %s cannot be decrypted (SECRET_KEY changed?): "
                "retiring it and generating a new one.",
                row.kid,
                organisation_id,
            )
            row.retired_at = utcnow()
    new_row, private_key = new_key_row(organisation_id, secret_key)
    session.add(new_row)
    session.flush()
    return new_row, private_key


def retire_keys(session: Session, organisation_id: int) -> int:
    """Retire the organisation's active keys; the next issue makes a new one. Caller commits."""
    rows = session.scalars(
        select(OrganisationKey).where(
            OrganisationKey.organisation_id == organisation_id,
            OrganisationKey.retired_at.is_(None),
        )
    ).all()
    for row in rows:
        row.retired_at = utcnow()
    return len(rows)
