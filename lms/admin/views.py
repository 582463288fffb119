"""Administration pages: users (admins and org admins) and organisations (admins)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from lms import access
from lms.admin import services
from lms.admin.forms import ROLE_LABELS, OrganisationForm, UserForm
from lms.auth.services import AccountError, send_invitation
from lms.extensions import db
from lms.models import Organisation, Role, User
from lms.pagination import paginate

bp = Blueprint("admin", __name__)


def _user_form(user: User | None = None) -> UserForm:
    form = UserForm(obj=user)
    form.role.choices = [
        SelectChoice(str(role), str(ROLE_LABELS[str(role)]))
        for role in access.ASSIGNABLE_ROLES[current_user.role]
    ]
    if current_user.role == Role.ADMIN:
        orgs = db.session.scalars(services.organisation_query()).all()
        form.organisation_id.choices = [SelectChoice(0, "—")] + [
            SelectChoice(o.id, o.name) for o in orgs
        ]
    else:
        org = current_user.organisation
        form.organisation_id.choices = [SelectChoice(org.id, org.name)] if org else []
    if request.method == "GET" and user is not None:
        form.organisation_id.data = user.organisation_id or 0
    return form


@bp.route("/users")
@access.role_required(Role.ORG_ADMIN)
def users() -> str:
    """List and search users (an org admin sees their organisation only)."""
    search = request.args.get("q", "")
    org_id = None if current_user.role == Role.ADMIN else current_user.organisation_id
    if current_user.role != Role.ADMIN and org_id is None:
        abort(403)
    page = paginate(services.user_query(search, org_id), request.args.get("page", 1, type=int))
    return render_template("admin/users.html", page=page, search=search, roles=ROLE_LABELS)


@bp.route("/users/new", methods=["GET", "POST"])
@access.role_required(Role.ORG_ADMIN)
def user_new() -> str | Response:
    """Create a user; without a password, they get an invitation link."""
    return _edit_user(None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@access.role_required(Role.ORG_ADMIN)
def user_edit(user_id: int) -> str | Response:
    """Edit a user the current user may manage."""
    user = db.session.get(User, user_id) or abort(404)
    if not access.can_edit_user(current_user, user):
        abort(403)
    return _edit_user(user)


def _edit_user(user: User | None) -> str | Response:
    form = _user_form(user)
    if form.validate_on_submit():
        org_id = form.organisation_id.data or None
        if not access.can_manage_users_of(current_user, org_id) and current_user.role != Role.ADMIN:
            abort(403)
        try:
            saved = services.save_user(
                user,
                name=form.name.data or "",
                email=form.email.data or "",
                role=Role(form.role.data),
                organisation_id=org_id,
                password=form.password.data or None,
                active=bool(form.active.data),
            )
        except AccountError as error:
            field = getattr(form, error.field or "email")
            field.errors = [*field.errors, _(error.message)]
        else:
            if user is None and not form.password.data:
                send_invitation(saved)
            flash(_("Saved."), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user)


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@access.role_required(Role.ORG_ADMIN)
def user_deactivate(user_id: int) -> Response:
    """Deactivate a user (they can no longer sign in; their history is kept)."""
    user = db.session.get(User, user_id) or abort(404)
    if not access.can_edit_user(current_user, user) or user.id == current_user.id:
        abort(403)
    user.active = False
    db.session.commit()
    flash(_("%(name)s is deactivated.", name=user.name), "success")
    return redirect(url_for("admin.users"))


@bp.route("/organisations")
@access.role_required(Role.ADMIN)
def organisations() -> str:
    """List and search organisations."""
    search = request.args.get("q", "")
    page = paginate(services.organisation_query(search), request.args.get("page", 1, type=int))
    return render_template("admin/organisations.html", page=page, search=search)


@bp.route("/organisations/new", methods=["GET", "POST"])
@access.role_required(Role.ADMIN)
def organisation_new() -> str | Response:
    """Create an organisation."""
    return _edit_organisation(None)


@bp.route("/organisations/<int:org_id>/edit", methods=["GET", "POST"])
@access.role_required(Role.ADMIN)
def organisation_edit(org_id: int) -> str | Response:
    """Edit or deactivate an organisation."""
    return _edit_organisation(db.session.get(Organisation, org_id) or abort(404))


def _edit_organisation(organisation: Organisation | None) -> str | Response:
    form = OrganisationForm(obj=organisation)
    if form.validate_on_submit():
        try:
            services.save_organisation(
                organisation,
                name=form.name.data or "",
                slug=form.slug.data or "",
                description=form.description.data or "",
                active=bool(form.active.data),
            )
        except AccountError as error:
            form.slug.errors = [*form.slug.errors, _(error.message)]
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("admin.organisations"))
    return render_template("admin/organisation_form.html", form=form, organisation=organisation)
