"""API endpoints of the certification area.

* ``GET /certificates/<id>``: public verification data (no token);
* ``GET /me/certificates``: my certificates;
* ``GET /orgs/<slug>/programmes``, ``GET /orgs/<slug>/certificates``: for org admins;
* ``POST /orgs/<slug>/certificates`` (issue) and ``.../<id>/revoke``: for org admins.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from flask import request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from lms import access
from lms.api import bp
from lms.api.core import ApiError, ErrorResponse, current_api_user, documented, token_required
from lms.certification import reports, rules, services, urls
from lms.certification.services import CertificationError
from lms.extensions import db
from lms.models import Certificate, Organisation, Role, User
from lms.models.base import utcnow

TAGS = ["certification"]


class CertifiedCompetency(BaseModel):
    """A competency as certified: the level attained at issue time and the level required."""

    code: str = Field(examples=["MSE-01"])
    title: str
    level: int = Field(ge=0, le=4)
    level_label: str = Field(examples=["Application"])
    required_level: int = Field(ge=1, le=4)


class CompletedModule(BaseModel):
    """A module requirement the holder met."""

    slug: str
    title: str
    quiz: bool = Field(description="Its quiz was required and passed.")
    practice: bool = Field(description="Its practical work was required and accepted.")


class CertificateOut(BaseModel):
    """A certificate: what its public verification page says."""

    id: str = Field(description="The certificate's unguessable public id.")
    status: Literal["valid", "expired", "revoked"]
    display_status: Literal["valid", "expiring", "expired", "revoked"] = Field(
        description="`expiring`: valid, recertification window open."
    )
    holder: str = Field(examples=["Camille Martin"])
    programme: str
    programme_description: str
    organisation: str
    issued_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    revocation_reason: str | None
    issued_by: str | None = Field(description="Who issued it; null when issued automatically.")
    current: bool = Field(description="False once a newer certificate renewed it.")
    competencies: list[CertifiedCompetency]
    modules: list[CompletedModule]
    verification_url: str
    pdf_url: str
    credential_url: str = Field(description="Open Badges 3.0 VC-JWT.")
    assertion_url: str = Field(description="Open Badges 2.0 hosted assertion.")


class OrgCertificateOut(CertificateOut):
    """A certificate with its holder's account, for org admins."""

    user_id: int
    holder_email: str
    programme_id: int


class CertificatePage(BaseModel):
    """A page of certificates, newest first."""

    items: list[CertificateOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page.")


class OrgCertificatePage(BaseModel):
    """A page of the organisation's certificates, newest first."""

    items: list[OrgCertificateOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page.")


class PageQuery(BaseModel):
    """Paging."""

    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = Field(default=None, max_length=20)


class OrgCertificateQuery(PageQuery):
    """Paging and filters of the organisation's certificates."""

    programme_id: int | None = None
    status: Literal["valid", "expiring", "expired", "revoked"] | None = None
    include_history: bool = Field(
        default=False, description="Also list certificates replaced by a recertification."
    )


class RequirementOut(BaseModel):
    """A competency a programme requires."""

    code: str
    title: str
    min_level: int


class ModuleRequirementOut(BaseModel):
    """A module a programme requires."""

    slug: str
    title: str
    quiz: bool
    practice: bool


class ProgrammeOut(BaseModel):
    """A certification programme."""

    id: int
    name: str
    description: str
    active: bool
    issue_mode: Literal["automatic", "approval"]
    validity_months: int | None
    renewal_window_days: int
    renewal_basis: Literal["completion", "expiry"]
    competencies: list[RequirementOut]
    modules: list[ModuleRequirementOut]


class ProgrammePage(BaseModel):
    """A page of programmes."""

    items: list[ProgrammeOut]
    next_cursor: str | None


class IssueIn(BaseModel):
    """Issue (approve) a certificate; eligibility is checked against the current profile."""

    programme_id: int
    user_id: int


class RevokeIn(BaseModel):
    """Revoke a certificate; the reason appears on its verification page."""

    reason: str = Field(min_length=1, max_length=500)


def _session() -> Session:
    return db.session()


def _certificate_json(certificate: Certificate) -> dict[str, Any]:
    summary = reports.summarise(certificate, utcnow())
    public_id = certificate.public_id
    return {
        "id": public_id,
        "status": summary.status.value,
        "display_status": summary.display_status.value,
        "holder": certificate.recipient_name,
        "programme": certificate.programme_name,
        "programme_description": certificate.programme_description,
        "organisation": certificate.organisation_name,
        "issued_at": certificate.issued_at,
        "expires_at": certificate.expires_at,
        "revoked_at": certificate.revoked_at,
        "revocation_reason": certificate.revocation_reason or None,
        "issued_by": certificate.issuer_name or None,
        "current": certificate.is_current,
        "competencies": certificate.competencies,
        "modules": certificate.modules,
        "verification_url": urls.verification_url(public_id),
        "pdf_url": urls.verification_url(public_id) + "/certificate.pdf",
        "credential_url": urls.verification_url(public_id) + "/credential.jwt",
        "assertion_url": urls.assertion_url(public_id),
    }


def _dump(model: type[BaseModel], data: dict[str, Any]) -> dict[str, Any]:
    return model.model_validate(data).model_dump(mode="json")


def _cursor(value: str | None) -> int | None:
    if value is None:
        return None
    if not value.isdigit():
        raise ApiError(422, "validation_error", "The request is invalid.", {"cursor": "invalid"})
    return int(value)


def _organisation(slug: str) -> Organisation:
    organisation = services.organisation_by_slug(_session(), slug)
    if organisation is None:
        raise ApiError(404, "not_found", "No such organisation.")
    if not access.can_manage_certification(current_api_user(), organisation.id):
        raise ApiError(403, "forbidden", "You do not manage this organisation's certification.")
    return organisation


@bp.get("/certificates/<public_id>")
@documented(tags=TAGS, responses={200: CertificateOut, 404: ErrorResponse}, public=True)
def get_certificate(public_id: str) -> tuple[dict[str, Any], int]:
    """Verify a certificate (public): valid, expired or revoked, and what it certifies."""
    certificate = services.certificate_by_public_id(_session(), public_id)
    if certificate is None:
        raise ApiError(404, "not_found", "No certificate has this id.")
    return _dump(CertificateOut, _certificate_json(certificate)), 200


@bp.get("/me/certificates")
@token_required()
@documented(tags=TAGS, query=PageQuery, responses={200: CertificatePage})
def my_certificates() -> tuple[dict[str, Any], int]:
    """My certificates, current and earlier ones, newest first."""
    query: PageQuery = request.context.query  # type: ignore[attr-defined]
    rows, more = reports.certificate_page(
        _session(),
        Certificate.user_id == current_api_user().id,
        limit=query.limit,
        before_id=_cursor(query.cursor),
    )
    return _dump(
        CertificatePage,
        {
            "items": [_certificate_json(row) for row, _email in rows],
            "next_cursor": str(rows[-1][0].id) if more else None,
        },
    ), 200


@bp.get("/orgs/<slug>/certificates")
@token_required(Role.ORG_ADMIN)
@documented(
    tags=TAGS, query=OrgCertificateQuery, responses={200: OrgCertificatePage, 404: ErrorResponse}
)
def org_certificates(slug: str) -> tuple[dict[str, Any], int]:
    """The organisation's certificates (current ones unless include_history), newest first."""
    query: OrgCertificateQuery = request.context.query  # type: ignore[attr-defined]
    organisation = _organisation(slug)
    condition = Certificate.organisation_id == organisation.id
    if not query.include_history:
        condition = condition & Certificate.is_current
    if query.programme_id is not None:
        condition = condition & (Certificate.programme_id == query.programme_id)
    if query.status is not None:
        condition = condition & (reports.status_expression(utcnow()) == query.status)
    rows, more = reports.certificate_page(
        _session(), condition, limit=query.limit, before_id=_cursor(query.cursor)
    )
    items = [
        {
            **_certificate_json(row),
            "user_id": row.user_id,
            "holder_email": email,
            "programme_id": row.programme_id,
        }
        for row, email in rows
    ]
    return _dump(
        OrgCertificatePage,
        {"items": items, "next_cursor": str(rows[-1][0].id) if more else None},
    ), 200


@bp.get("/orgs/<slug>/programmes")
@token_required(Role.ORG_ADMIN)
@documented(tags=TAGS, query=PageQuery, responses={200: ProgrammePage, 404: ErrorResponse})
def org_programmes(slug: str) -> tuple[dict[str, Any], int]:
    """The organisation's certification programmes with their requirements."""
    query: PageQuery = request.context.query  # type: ignore[attr-defined]
    organisation = _organisation(slug)
    programmes, more = reports.programme_page(
        _session(), organisation.id, limit=query.limit, after_id=_cursor(query.cursor)
    )
    targets = services.programme_targets(_session(), [p.id for p in programmes])
    items = [
        {
            "id": p.id,
            "name": p.name,
            "description": p.description,
            "active": p.active,
            "issue_mode": str(p.issue_mode),
            "validity_months": p.validity_months,
            "renewal_window_days": p.renewal_window_days,
            "renewal_basis": str(p.renewal_basis),
            "competencies": [
                {"code": t.code, "title": t.title, "min_level": t.min_level}
                for t in targets[p.id].competencies
            ],
            "modules": [
                {
                    "slug": m.slug,
                    "title": m.title,
                    "quiz": m.require_quiz,
                    "practice": m.require_practice,
                }
                for m in targets[p.id].modules
            ],
        }
        for p in programmes
    ]
    return _dump(
        ProgrammePage,
        {"items": items, "next_cursor": str(programmes[-1].id) if more else None},
    ), 200


ISSUE_STATUS = {
    rules.IssueBlocker.NOT_ELIGIBLE: 422,
    rules.IssueBlocker.ALREADY_CERTIFIED: 409,
    rules.IssueBlocker.REVOKED: 409,
    rules.IssueBlocker.INACTIVE_PROGRAMME: 409,
}


@bp.post("/orgs/<slug>/certificates")
@token_required(Role.ORG_ADMIN)
@documented(
    tags=TAGS,
    json=IssueIn,
    responses={201: OrgCertificateOut, 404: ErrorResponse, 409: ErrorResponse},
)
def issue_certificate(slug: str) -> tuple[dict[str, Any], int]:
    """Issue (approve) a certificate; 422 with what is missing when the person is not eligible."""
    body: IssueIn = request.context.json  # type: ignore[attr-defined]
    session = _session()
    organisation = _organisation(slug)
    programme = services.get_programme(session, organisation.id, body.programme_id)
    if programme is None:
        raise ApiError(404, "not_found", "No such programme in this organisation.")
    user = session.get(User, body.user_id)
    if user is None or user.organisation_id != organisation.id or not user.active:
        raise ApiError(404, "not_found", "No such member of the organisation.")
    try:
        certificate = services.issue_certificate(
            session, programme=programme, user_id=user.id, actor=current_api_user()
        )
    except CertificationError as error:
        if error.code not in {b.value for b in rules.IssueBlocker}:
            raise ApiError(404, error.code, error.message) from error
        blocker = rules.IssueBlocker(error.code)
        fields: dict[str, Any] = {}
        if blocker == rules.IssueBlocker.NOT_ELIGIBLE:
            fields["unmet"] = services.unmet_requirements(session, programme, user.id)
        raise ApiError(ISSUE_STATUS[blocker], error.code, error.message, fields) from error
    data = {
        **_certificate_json(certificate),
        "user_id": user.id,
        "holder_email": user.email,
        "programme_id": programme.id,
    }
    return _dump(OrgCertificateOut, data), 201


@bp.post("/orgs/<slug>/certificates/<public_id>/revoke")
@token_required(Role.ORG_ADMIN)
@documented(
    tags=TAGS,
    json=RevokeIn,
    responses={200: CertificateOut, 404: ErrorResponse, 409: ErrorResponse},
)
def revoke_certificate(slug: str, public_id: str) -> tuple[dict[str, Any], int]:
    """Revoke a certificate with a reason; 409 when it is already revoked."""
    body: RevokeIn = request.context.json  # type: ignore[attr-defined]
    session = _session()
    organisation = _organisation(slug)
    certificate = services.certificate_by_public_id(session, public_id)
    if certificate is None or certificate.organisation_id != organisation.id:
        raise ApiError(404, "not_found", "No certificate has this id in this organisation.")
    try:
        services.revoke_certificate(
            session, certificate=certificate, actor=current_api_user(), reason=body.reason
        )
    except CertificationError as error:
        status = 409 if error.code == "conflict" else 422
        fields = {error.field: error.message} if error.field else None
        raise ApiError(status, error.code, error.message, fields) from error
    return _dump(CertificateOut, _certificate_json(certificate)), 200
