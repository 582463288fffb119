"""HTML pages of the certification area, and the public certificate and badge documents.

* learners: /certification/ (my certificates);
* org admins: /certification/manage, then /orgs/<slug>/certification/... (programmes,
  issuing, revocation, report, staff competencies) and /orgs/<slug>/audit;
* anyone: /certificates/<id> (verification), its PDF, Open Badges credential and
  assertion, and the organisation's issuer profile, badge classes and public keys.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as BaseResponse
from wtforms import SelectChoice

from lms import access
from lms.certification import badges, pdf, reports, services, urls
from lms.certification.forms import (
    AuditFilterForm,
    IssueForm,
    ProgrammeBaseForm,
    RevokeForm,
    level_field_name,
    practice_field_name,
    programme_form_class,
    quiz_field_name,
)
from lms.certification.services import CertificationError
from lms.extensions import db, limiter
from lms.models import (
    Certificate,
    CertificationProgramme,
    IssueMode,
    Organisation,
    OrganisationKey,
    RenewalBasis,
    Role,
)
from lms.models.base import utcnow
from lms.pagination import paginate

bp = Blueprint("certification", __name__)


def _session() -> Session:
    return db.session()


def _public_limit() -> str:
    return str(current_app.config.get("CERTIFICATE_RATE_LIMIT", "120 per minute"))


def _organisation(slug: str) -> Organisation:
    """The organisation in the URL, if the current user manages its certification (else 403)."""
    organisation = services.organisation_by_slug(_session(), slug) or abort(404)
    if not access.can_manage_certification(current_user, organisation.id):
        abort(403)
    return organisation


def _programme(organisation: Organisation, programme_id: int) -> CertificationProgramme:
    return services.get_programme(_session(), organisation.id, programme_id) or abort(404)


def _page_number() -> int:
    return max(1, request.args.get("page", 1, type=int) or 1)


# --- Learners -------------------------------------------------------------------------------


@bp.get("/certification/")
@login_required
def my_certificates() -> str:
    """My certificates, what to renew, and my progress towards my organisation's programmes."""
    services.catch_up_learner(_session(), current_user.id)
    view = reports.my_certificates(_session(), current_user, utcnow())
    return render_template("certification/mine.html", view=view)


# --- Org admins -----------------------------------------------------------------------------


@bp.get("/certification/manage")
@access.role_required(Role.ORG_ADMIN)
def manage() -> str | BaseResponse:
    """Entry point for org admins (their organisation) and admins (choose an organisation)."""
    if current_user.role != Role.ADMIN:
        organisation = current_user.organisation or abort(403)
        return redirect(url_for("certification.programmes", slug=organisation.slug))
    page = paginate(
        select(Organisation).order_by(Organisation.active.desc(), Organisation.name),
        _page_number(),
    )
    return render_template("certification/organisations.html", page=page)


@bp.get("/orgs/<slug>/certification")
@access.role_required(Role.ORG_ADMIN)
def programmes(slug: str) -> str:
    """The organisation's certification programmes with their certificate counts."""
    organisation = _organisation(slug)
    summaries = reports.programme_summaries(_session(), organisation.id, utcnow())
    return render_template(
        "certification/programmes.html", organisation=organisation, programmes=summaries
    )


def _programme_form(
    programme: CertificationProgramme | None,
) -> tuple[ProgrammeBaseForm, reports.RequirementOptions]:
    options = reports.requirement_options(_session())
    form_class = programme_form_class(options.competencies, options.modules, options.level_labels)
    form = form_class(obj=programme)
    if request.method == "GET" and programme is not None:
        form.issue_mode.data = str(programme.issue_mode)
        form.renewal_basis.data = str(programme.renewal_basis)
        for requirement in programme.requirements:
            field = form._fields.get(level_field_name(requirement.competency_id))
            if field is not None:
                field.data = requirement.min_level
        for module in programme.modules:
            for name, on in (
                (quiz_field_name(module.module_id), module.require_quiz),
                (practice_field_name(module.module_id), module.require_practice),
            ):
                if name in form._fields:
                    form._fields[name].data = on
    return form, options


def _programme_input(
    form: ProgrammeBaseForm, options: reports.RequirementOptions
) -> services.ProgrammeInput:
    fields = form._fields

    def checked(name: str) -> bool:
        return bool(fields[name].data) if name in fields else False

    return services.ProgrammeInput(
        name=form.name.data or "",
        description=form.description.data or "",
        validity_months=form.validity_months.data,
        issue_mode=IssueMode(form.issue_mode.data),
        renewal_window_days=form.renewal_window_days.data or 0,
        renewal_basis=RenewalBasis(form.renewal_basis.data),
        active=bool(form.active.data),
        competency_levels={
            c.id: int(fields[level_field_name(c.id)].data or 0) for c in options.competencies
        },
        module_requirements={
            m.id: (checked(quiz_field_name(m.id)), checked(practice_field_name(m.id)))
            for m in options.modules
        },
    )


def _edit_programme(
    organisation: Organisation, programme: CertificationProgramme | None
) -> str | BaseResponse:
    form, options = _programme_form(programme)
    requirement_errors: list[str] = []
    if form.validate_on_submit():
        try:
            saved = services.save_programme(
                _session(),
                actor=current_user,
                organisation_id=organisation.id,
                programme=programme,
                data=_programme_input(form, options),
            )
        except CertificationError as error:
            db.session.rollback()
            field = form._fields.get(error.field or "")
            if field is not None:
                field.errors = [*field.errors, _(error.message)]
            else:
                requirement_errors.append(_(error.message))
        else:
            flash(_("The programme is saved."), "success")
            return redirect(
                url_for("certification.programme", slug=organisation.slug, programme_id=saved.id)
            )
    return render_template(
        "certification/programme_form.html",
        organisation=organisation,
        programme=programme,
        form=form,
        options=options,
        requirement_errors=requirement_errors,
        level_field_name=level_field_name,
        quiz_field_name=quiz_field_name,
        practice_field_name=practice_field_name,
    )


@bp.route("/orgs/<slug>/certification/programmes/new", methods=["GET", "POST"])
@access.role_required(Role.ORG_ADMIN)
def programme_new(slug: str) -> str | BaseResponse:
    """Define a new certification programme."""
    return _edit_programme(_organisation(slug), None)


@bp.route("/orgs/<slug>/certification/programmes/<int:programme_id>/edit", methods=["GET", "POST"])
@access.role_required(Role.ORG_ADMIN)
def programme_edit(slug: str, programme_id: int) -> str | BaseResponse:
    """Change a programme (issued certificates keep what they certified)."""
    organisation = _organisation(slug)
    return _edit_programme(organisation, _programme(organisation, programme_id))


@bp.get("/orgs/<slug>/certification/programmes/<int:programme_id>")
@access.role_required(Role.ORG_ADMIN)
def programme(slug: str, programme_id: int) -> str:
    """A programme: who is due for recertification, certified, eligible, nearly eligible."""
    organisation = _organisation(slug)
    selected = _programme(organisation, programme_id)
    issued = services.catch_up_programme(_session(), selected)
    if issued:
        flash(
            _("%(num)d certificates were issued automatically.", num=len(issued)),
            "success",
        )
    overview = reports.programme_overview(_session(), selected, utcnow())
    return render_template(
        "certification/programme.html",
        organisation=organisation,
        overview=overview,
        programme=selected,
        issue_form=IssueForm(),
    )


@bp.post("/orgs/<slug>/certification/programmes/<int:programme_id>/issue")
@access.role_required(Role.ORG_ADMIN)
def issue(slug: str, programme_id: int) -> BaseResponse:
    """Issue (approve) certificates for the people ticked on the programme page."""
    organisation = _organisation(slug)
    selected = _programme(organisation, programme_id)
    form = IssueForm()
    back = redirect(
        url_for("certification.programme", slug=organisation.slug, programme_id=selected.id)
    )
    if not form.validate_on_submit() or not form.user_id.data:
        flash(_("Choose at least one person."), "error")
        return back
    outcome = services.issue_certificates(
        _session(), programme=selected, user_ids=form.user_id.data, actor=current_user
    )
    if outcome.issued:
        flash(_("%(num)d certificates issued.", num=len(outcome.issued)), "success")
    for name, blocker in outcome.refused:
        flash(
            _("%(name)s: %(reason)s", name=name, reason=_(services.BLOCKER_MESSAGES[blocker])),
            "error",
        )
    return back


def _certificate_of(organisation: Organisation, public_id: str) -> Certificate:
    certificate = services.certificate_by_public_id(_session(), public_id)
    if certificate is None or certificate.organisation_id != organisation.id:
        abort(404)
    return certificate


def _certificate_page(
    organisation: Organisation, certificate: Certificate, form: RevokeForm, status: int = 200
) -> tuple[str, int]:
    view = reports.verification(_session(), certificate.public_id, utcnow())
    assert view is not None
    return render_template(
        "certification/certificate_admin.html", organisation=organisation, v=view, form=form
    ), status


@bp.get("/orgs/<slug>/certification/certificates/<public_id>")
@access.role_required(Role.ORG_ADMIN)
def certificate_admin(slug: str, public_id: str) -> tuple[str, int]:
    """A certificate for its organisation's admins: full history, and revocation."""
    organisation = _organisation(slug)
    return _certificate_page(organisation, _certificate_of(organisation, public_id), RevokeForm())


@bp.post("/orgs/<slug>/certification/certificates/<public_id>/revoke")
@access.role_required(Role.ORG_ADMIN)
def revoke(slug: str, public_id: str) -> BaseResponse | tuple[str, int]:
    """Revoke a certificate, with the reason shown on its verification page."""
    organisation = _organisation(slug)
    certificate = _certificate_of(organisation, public_id)
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            services.revoke_certificate(
                _session(), certificate=certificate, actor=current_user, reason=form.reason.data
            )
        except CertificationError as error:
            form.reason.errors = [*form.reason.errors, _(error.message)]
        else:
            flash(_("The certificate is revoked."), "success")
            return redirect(
                url_for("certification.certificate_admin", slug=slug, public_id=public_id)
            )
    return _certificate_page(organisation, certificate, form)


def _report_filters() -> tuple[int | None, str | None]:
    programme_id = request.args.get("programme", type=int)
    status = request.args.get("status") or None
    return programme_id, status


@bp.get("/orgs/<slug>/certification/report")
@access.role_required(Role.ORG_ADMIN)
def report(slug: str) -> str:
    """Who holds which certificate, with the counts by status."""
    organisation = _organisation(slug)
    programme_id, status = _report_filters()
    view = reports.organisation_report(
        _session(),
        organisation.id,
        utcnow(),
        programme_id=programme_id,
        status=status,
        page=_page_number(),
    )
    return render_template(
        "certification/report.html",
        organisation=organisation,
        view=view,
        programme_id=programme_id,
        status=status,
    )


def _csv_response(text: str, filename: str) -> Response:
    return Response(
        text.encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/orgs/<slug>/certification/report.csv")
@access.role_required(Role.ORG_ADMIN)
def report_csv(slug: str) -> Response:
    """The report as CSV (UTF-8 with BOM), with the page's filters."""
    organisation = _organisation(slug)
    programme_id, status = _report_filters()
    text = reports.report_csv(
        _session(), organisation.id, utcnow(), programme_id=programme_id, status=status
    )
    return _csv_response(text, f"certificates-{organisation.slug}.csv")


@bp.get("/orgs/<slug>/certification/staff")
@access.role_required(Role.ORG_ADMIN)
def staff(slug: str) -> str:
    """Every member x competency, against a programme's targets, with the gaps."""
    organisation = _organisation(slug)
    programme_id = request.args.get("programme", type=int)
    if programme_id is not None:
        _programme(organisation, programme_id)
    view = reports.staff_competencies(
        _session(), organisation.id, programme_id=programme_id, page=_page_number()
    )
    return render_template("certification/staff.html", organisation=organisation, view=view)


@bp.get("/orgs/<slug>/certification/staff.csv")
@access.role_required(Role.ORG_ADMIN)
def staff_csv(slug: str) -> Response:
    """The staff competency view as CSV (UTF-8 with BOM)."""
    organisation = _organisation(slug)
    programme_id = request.args.get("programme", type=int)
    if programme_id is not None:
        _programme(organisation, programme_id)
    text = reports.staff_csv(_session(), organisation.id, programme_id)
    return _csv_response(text, f"staff-competencies-{organisation.slug}.csv")


@bp.get("/orgs/<slug>/audit")
@access.role_required(Role.ORG_ADMIN)
def audit_log(slug: str) -> str:
    """The organisation's audit log, filterable and paginated; it cannot be edited."""
    organisation = _organisation(slug)
    form = AuditFilterForm(request.args)
    actions = reports.audit_actions(_session(), organisation.id)
    form.action.choices = [SelectChoice("", _("All actions"))] + [
        SelectChoice(a, a) for a in actions
    ]
    form.validate()
    since = until = None
    if form.since.data and not form.since.errors:
        since = datetime.combine(form.since.data, time.min, tzinfo=UTC)
    if form.until.data and not form.until.errors:
        until = datetime.combine(form.until.data + timedelta(days=1), time.min, tzinfo=UTC)
    query = reports.audit_query(
        organisation.id,
        action=form.action.data or None,
        actor=form.actor.data or None,
        since=since,
        until=until,
    )
    page = paginate(query, _page_number())
    filters = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "certification/audit.html",
        organisation=organisation,
        form=form,
        page=page,
        filters=filters,
    )


# --- Public documents -----------------------------------------------------------------------


def _public_json(document: dict[str, Any], status: int = 200) -> tuple[Response, int]:
    """JSON any verifier may fetch, from any origin (no credentials are involved)."""
    response = jsonify(document)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response, status


@bp.get("/certificates/<public_id>")
@limiter.limit(_public_limit)
def verify(public_id: str) -> str:
    """The public verification page: valid, expired or revoked, and what was certified."""
    view = reports.verification(_session(), public_id, utcnow()) or abort(404)
    return render_template("certification/verify.html", v=view)


def _certificate(public_id: str) -> Certificate:
    return services.certificate_by_public_id(_session(), public_id) or abort(404)


def _refuse_revoked(certificate: Certificate) -> None:
    if certificate.revoked_at is not None:
        abort(410, description=_("This certificate was revoked."))


@bp.get("/certificates/<public_id>/certificate.pdf")
@limiter.limit(_public_limit)
def certificate_pdf(public_id: str) -> Response:
    """The certificate as PDF (A4 landscape), in ?lang=fr|en or the interface language."""
    certificate = _certificate(public_id)
    _refuse_revoked(certificate)
    lang = request.args.get("lang") or str(get_locale() or "fr")
    if lang not in current_app.config["LANGUAGES"]:
        lang = current_app.config["BABEL_DEFAULT_LOCALE"]
    body = pdf.render_certificate_pdf(
        pdf.CertificatePrint(
            public_id=certificate.public_id,
            recipient_name=certificate.recipient_name,
            programme_name=certificate.programme_name,
            organisation_name=certificate.organisation_name,
            issuer_name=certificate.issuer_name,
            issued_at=certificate.issued_at,
            expires_at=certificate.expires_at,
            competencies=tuple(certificate.competencies),
            verification_url=urls.verification_url(certificate.public_id),
        ),
        lang,
    )
    return Response(
        body,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="certificate-{public_id}-{lang}.pdf"'
        },
    )


@bp.get("/certificates/<public_id>/credential.jwt")
@limiter.limit(_public_limit)
def credential(public_id: str) -> Response:
    """The Open Badges 3.0 credential: a VC-JWT signed by the organisation (EdDSA)."""
    certificate = _certificate(public_id)
    _refuse_revoked(certificate)
    if not certificate.credential_jwt:
        abort(404)
    return Response(
        certificate.credential_jwt,
        mimetype="application/vc+ld+json+jwt",
        headers={
            "Content-Disposition": f'attachment; filename="open-badge-{public_id}.jwt"',
            "Access-Control-Allow-Origin": "*",
        },
    )


@bp.get("/certificates/<public_id>/assertion.json")
@limiter.limit(_public_limit)
def assertion(public_id: str) -> tuple[Response, int]:
    """The Open Badges 2.0 hosted assertion (410 Gone with `revoked: true` once revoked)."""
    certificate = _certificate(public_id)
    if certificate.revoked_at is not None:
        return _public_json(
            badges.ob2_revoked_assertion(
                urls.assertion_url(public_id), certificate.revocation_reason
            ),
            410,
        )
    organisation = db.session.get(Organisation, certificate.organisation_id)
    assert organisation is not None
    achievement = services.achievement_info(_session(), organisation, certificate.programme_id)
    return _public_json(badges.ob2_assertion(achievement, services.credential_info(certificate)))


def _public_organisation(slug: str) -> Organisation:
    return services.organisation_by_slug(_session(), slug) or abort(404)


@bp.get("/orgs/<slug>/programmes/<int:programme_id>/badge.json")
@limiter.limit(_public_limit)
def badge_class(slug: str, programme_id: int) -> tuple[Response, int]:
    """A programme's Open Badges 2.0 BadgeClass."""
    organisation = _public_organisation(slug)
    _programme(organisation, programme_id)
    achievement = services.achievement_info(_session(), organisation, programme_id)
    return _public_json(badges.ob2_badge_class(services.issuer_info(organisation), achievement))


@bp.get("/orgs/<slug>/programmes/<int:programme_id>/badge.svg")
@limiter.limit(_public_limit)
def badge_image(slug: str, programme_id: int) -> Response:
    """A programme's badge image."""
    organisation = _public_organisation(slug)
    selected = _programme(organisation, programme_id)
    response = Response(
        badges.badge_svg(selected.name, organisation.name), mimetype="image/svg+xml"
    )
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/orgs/<slug>/issuer.json")
@limiter.limit(_public_limit)
def issuer(slug: str) -> tuple[Response, int]:
    """The organisation's Open Badges issuer profile, listing its public keys."""
    organisation = _public_organisation(slug)
    kids = db.session.scalars(
        select(OrganisationKey.kid)
        .where(OrganisationKey.organisation_id == organisation.id)
        .order_by(OrganisationKey.id)
    )
    return _public_json(
        badges.ob2_issuer(
            services.issuer_info(organisation), [urls.key_url(slug, kid) for kid in kids]
        )
    )


@bp.get("/orgs/<slug>/keys.json")
@limiter.limit(_public_limit)
def jwks(slug: str) -> tuple[Response, int]:
    """Every public key of the organisation, current and retired, as a JWK Set."""
    organisation = _public_organisation(slug)
    rows = db.session.scalars(
        select(OrganisationKey)
        .where(OrganisationKey.organisation_id == organisation.id)
        .order_by(OrganisationKey.id)
    )
    return _public_json({"keys": [row.public_jwk for row in rows]})


@bp.get("/orgs/<slug>/keys/<kid>.json")
@limiter.limit(_public_limit)
def public_key(slug: str, kid: str) -> tuple[Response, int]:
    """One public key (the `kid` URL of the credentials it signed), as a JWK."""
    organisation = _public_organisation(slug)
    row = db.session.scalar(
        select(OrganisationKey).where(
            OrganisationKey.kid == kid, OrganisationKey.organisation_id == organisation.id
        )
    )
    if row is None:
        abort(404)
    return _public_json(dict(row.public_jwk))
