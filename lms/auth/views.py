"""Sign in, sign out, register, reset a forgotten password."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from lms.auth import services
from lms.auth.forms import LoginForm, RegisterForm, ResetPasswordForm, ResetRequestForm
from lms.extensions import limiter
from lms.mail import send_mail

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def _safe_next(target: str | None) -> str:
    # Only same-site relative paths: an open redirect would help phishing.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> str | Response:
    """The sign-in form; one generic error whatever went wrong."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            login_user(user, remember=bool(form.remember.data))
            services.record_login(user)
            return redirect(_safe_next(request.args.get("next")))
        flash(_("Incorrect e-mail address or password."), "error")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    """Sign out (POST with CSRF, so no other site can sign people out)."""
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def register() -> str | Response:
    """Create a learner account, joining an organisation or cohort when a code is given."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegisterForm(join_code=request.args.get("code", ""))
    if form.validate_on_submit():
        try:
            user = services.register(
                form.email.data or "",
                form.name.data or "",
                form.password.data or "",
                form.join_code.data or "",
                form.locale.data or "fr",
            )
        except services.AccountError as error:
            field = getattr(form, error.field or "", None) or form.email
            field.errors = [*field.errors, _(error.message)]
        else:
            login_user(user)
            flash(_("Welcome to Escales!"), "success")
            return redirect(url_for("main.index"))
    return render_template("auth/register.html", form=form)


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def reset_request() -> str | Response:
    """Ask for a reset link; the answer is the same whether the account exists or not."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        user = services.find_user_by_email(form.email.data or "")
        if user is not None and user.active:
            token = services.make_reset_token(user)
            link = current_app.config["BASE_URL"].rstrip("/") + url_for(
                "auth.reset_password", token=token
            )
            send_mail(
                user.email,
                _("Escales: reset your password"),
                _(
                    "To choose a new password, open this link within an hour:\n%(link)s\n\n"
                    "If you did not ask for it, ignore this message.",
                    link=link,
                ),
            )
        flash(_("If an account uses this address, a reset link has been sent to it."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> str | Response:
    """Choose a new password from a valid, unexpired, unused link: a reset link, or a new
    account's invitation."""
    user = services.user_for_password_link(token)
    if user is None:
        flash(_("This reset link is invalid or has expired."), "error")
        return redirect(url_for("auth.reset_request"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.set_password(user, form.password.data or "")
        except services.AccountError as error:
            form.password.errors = [*form.password.errors, _(error.message)]
        else:
            flash(_("Your password has been changed. You can sign in."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)
