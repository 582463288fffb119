"""Absolute public URLs of certificates, badges and keys, built from BASE_URL.

They are written into issued credentials and printed as QR codes, often with no
request at hand (the `flask certificates sweep` command), so they are built from
the BASE_URL setting rather than from the request's host. The paths match the
routes of lms.certification.views (a test checks it).
"""

from __future__ import annotations

from urllib.parse import quote

from flask import current_app


def _base() -> str:
    return str(current_app.config["BASE_URL"]).rstrip("/")


def verification_url(public_id: str) -> str:
    """The public verification page of a certificate (also the OB 3.0 credential id)."""
    return f"{_base()}/certificates/{quote(public_id)}"


def assertion_url(public_id: str) -> str:
    """The OB 2.0 hosted assertion of a certificate."""
    return f"{verification_url(public_id)}/assertion.json"


def issuer_url(org_slug: str) -> str:
    """The organisation's issuer profile (OB 2.0 Issuer; the OB 3.0 issuer id)."""
    return f"{_base()}/orgs/{quote(org_slug)}/issuer.json"


def badge_class_url(org_slug: str, programme_id: int) -> str:
    """A programme's OB 2.0 BadgeClass (the OB 3.0 achievement id)."""
    return f"{_base()}/orgs/{quote(org_slug)}/programmes/{programme_id}/badge.json"


def badge_image_url(org_slug: str, programme_id: int) -> str:
    """A programme's badge image (SVG)."""
    return f"{_base()}/orgs/{quote(org_slug)}/programmes/{programme_id}/badge.svg"


def key_url(org_slug: str, kid: str) -> str:
    """One of the organisation's public keys, as a JWK (the `kid` of signed credentials)."""
    return f"{_base()}/orgs/{quote(org_slug)}/keys/{quote(kid)}.json"


def competency_url(code: str) -> str:
    """A competency on the public framework page."""
    return f"{_base()}/framework#{quote(code)}"


def homepage() -> str:
    """The instance's home page."""
    return f"{_base()}/"


def my_certificates_url() -> str:
    """The holder's "My certificates" page."""
    return f"{_base()}/certification/"
