"""My account: profile, language, API tokens, join code, data export, deletion."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from lms.account import services
from lms.account.forms import DeleteAccountForm, EmptyForm, JoinForm, ProfileForm, TokenForm
from lms.auth import services as auth_services
from lms.extensions import db
from lms.models import ApiToken

bp = Blueprint("account", __name__)


def _tokens() -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == current_user.id)
            .order_by(ApiToken.created_at.desc())
        )
    )


def _page(**forms: object) -> str:
    defaults = {
        "profile_form": ProfileForm(obj=current_user),
        "token_form": TokenForm(),
        "join_form": JoinForm(),
        "delete_form": DeleteAccountForm(),
        "revoke_form": EmptyForm(),
    }
    defaults.update(forms)
    return render_template("account/index.html", tokens=_tokens(), **defaults)


@bp.route("/", methods=["GET", "POST"])
@login_required
def index() -> str | BaseResponse:
    """The account page; its main form edits name and language."""
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        services.update_profile(current_user, form.name.data or "", form.locale.data or "fr")
        flash(_("Your profile is saved."), "success")
        return redirect(url_for("account.index"))
    return _page(profile_form=form)


@bp.route("/tokens", methods=["POST"])
@login_required
def create_token() -> str | BaseResponse:
    """Create an API token, shown once."""
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(token_form=form)
    token = auth_services.create_api_token(current_user, form.name.data or "")
    flash(_("Your new token (copy it now, it will not be shown again):"), "success")
    return _page(new_token=token)


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int) -> BaseResponse:
    """Revoke one of my tokens."""
    if EmptyForm().validate_on_submit() and auth_services.revoke_api_token(current_user, token_id):
        flash(_("The token is revoked."), "success")
    else:
        flash(_("This token cannot be revoked."), "error")
    return redirect(url_for("account.index"))


@bp.route("/join", methods=["POST"])
@login_required
def join() -> str | BaseResponse:
    """Join an organisation or a cohort with its code."""
    form = JoinForm()
    if form.validate_on_submit():
        try:
            target = auth_services.join_with_code(current_user, form.join_code.data or "")
        except auth_services.AccountError as error:
            form.join_code.errors = [*form.join_code.errors, _(error.message)]
        else:
            name = target.cohort.name if target.cohort else target.organisation.name
            flash(_("You have joined %(name)s.", name=name), "success")
            return redirect(url_for("account.index"))
    return _page(join_form=form)


@bp.route("/export.json")
@login_required
def export() -> Response:
    """Download all my personal data as JSON."""
    data = services.export_personal_data(current_user)
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": "attachment; filename=escales-mes-donnees.json"},
    )


@bp.route("/delete", methods=["POST"])
@login_required
def delete() -> str | BaseResponse:
    """Delete my account after confirming the password."""
    form = DeleteAccountForm()
    if form.validate_on_submit():
        user = auth_services.authenticate(current_user.email, form.password.data or "")
        if user is None or user.id != current_user.id:
            form.password.errors = [*form.password.errors, _("Incorrect password.")]
        else:
            logout_user()
            services.delete_account(user)
            flash(_("Your account and your data have been deleted."), "info")
            return redirect(url_for("main.index"))
    return _page(delete_form=form)
