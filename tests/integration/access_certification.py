"""Routes of the certification area.

Paths use {org_slug}, {programme_id}, {certificate_id} and {kid}: a programme, a
certificate and a signing key of the caller's organisation, made by
`placeholders(org)` below (test_access.py fills paths with it). Org admins are
limited to their own organisation: that is tested in
tests/integration/certification/test_access_scope.py.
"""

from __future__ import annotations

from lms.models import Organisation, Role
from tests.access_roles import ALL, PUBLIC
from tests.integration.certification.helpers import issued_certificate

ORG_ADMINS = (Role.ORG_ADMIN, Role.ADMIN)
ORG = "/orgs/{org_slug}/certification"
CERT = "/certificates/{certificate_id}"

# endpoint: (method, path, roles allowed | PUBLIC)
ROUTES: dict[str, tuple[str, str, tuple[Role, ...] | str]] = {
    "certification.my_certificates": ("GET", "/certification/", ALL),
    "certification.manage": ("GET", "/certification/manage", ORG_ADMINS),
    "certification.programmes": ("GET", ORG, ORG_ADMINS),
    "certification.programme_new": ("GET", f"{ORG}/programmes/new", ORG_ADMINS),
    "certification.programme": ("GET", f"{ORG}/programmes/{{programme_id}}", ORG_ADMINS),
    "certification.programme_edit": (
        "GET",
        f"{ORG}/programmes/{{programme_id}}/edit",
        ORG_ADMINS,
    ),
    "certification.issue": ("POST", f"{ORG}/programmes/{{programme_id}}/issue", ORG_ADMINS),
    "certification.certificate_admin": (
        "GET",
        f"{ORG}/certificates/{{certificate_id}}",
        ORG_ADMINS,
    ),
    "certification.revoke": ("POST", f"{ORG}/certificates/{{certificate_id}}/revoke", ORG_ADMINS),
    "certification.report": ("GET", f"{ORG}/report", ORG_ADMINS),
    "certification.report_csv": ("GET", f"{ORG}/report.csv", ORG_ADMINS),
    "certification.staff": ("GET", f"{ORG}/staff", ORG_ADMINS),
    "certification.staff_csv": ("GET", f"{ORG}/staff.csv", ORG_ADMINS),
    "certification.audit_log": ("GET", "/orgs/{org_slug}/audit", ORG_ADMINS),
    # Public: what a certificate's holder shares, and what verifiers fetch.
    "certification.verify": ("GET", CERT, PUBLIC),
    "certification.certificate_pdf": ("GET", f"{CERT}/certificate.pdf", PUBLIC),
    "certification.credential": ("GET", f"{CERT}/credential.jwt", PUBLIC),
    "certification.assertion": ("GET", f"{CERT}/assertion.json", PUBLIC),
    "certification.badge_class": (
        "GET",
        "/orgs/{org_slug}/programmes/{programme_id}/badge.json",
        PUBLIC,
    ),
    "certification.badge_image": (
        "GET",
        "/orgs/{org_slug}/programmes/{programme_id}/badge.svg",
        PUBLIC,
    ),
    "certification.issuer": ("GET", "/orgs/{org_slug}/issuer.json", PUBLIC),
    "certification.jwks": ("GET", "/orgs/{org_slug}/keys.json", PUBLIC),
    "certification.public_key": ("GET", "/orgs/{org_slug}/keys/{kid}.json", PUBLIC),
    "api.get_certificate": ("GET", f"/api/v1{CERT}", PUBLIC),
    "api.my_certificates": ("GET", "/api/v1/me/certificates", ALL),
    "api.org_certificates": ("GET", "/api/v1/orgs/{org_slug}/certificates", ORG_ADMINS),
    "api.org_programmes": ("GET", "/api/v1/orgs/{org_slug}/programmes", ORG_ADMINS),
    "api.issue_certificate": ("POST", "/api/v1/orgs/{org_slug}/certificates", ORG_ADMINS),
    "api.revoke_certificate": (
        "POST",
        "/api/v1/orgs/{org_slug}/certificates/{certificate_id}/revoke",
        ORG_ADMINS,
    ),
}


def placeholders(org: Organisation) -> dict[str, object]:
    """A programme of `org` and a certificate it issued (to a new member), for the paths."""
    certificate = issued_certificate(org)
    return {
        "org_slug": org.slug,
        "programme_id": certificate.programme_id,
        "certificate_id": certificate.public_id,
        "kid": certificate.kid,
    }
