"""The home page and the language switch."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from lms.account.forms import EmptyForm
from lms.courses.services import learner_dashboard
from lms.extensions import db

bp = Blueprint("main", __name__)


@bp.route("/")
def index() -> str:
    """Public welcome page, or the signed-in person's starting point (their course dashboard)."""
    dashboard = (
        learner_dashboard(db.session(), current_user.id) if current_user.is_authenticated else None
    )
    return render_template("main/index.html", dashboard=dashboard)


@bp.route("/language/<code>", methods=["POST"])
def set_language(code: str) -> Response:
    """Switch the interface language (remembered on the account when signed in)."""
    if code in current_app.config["LANGUAGES"] and EmptyForm().validate_on_submit():
        session["locale"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
    target = request.form.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("main.index")
    return redirect(target)


@bp.route("/healthz")
def healthz() -> dict[str, str]:
    """Liveness probe for load balancers."""
    db.session.execute(db.text("SELECT 1"))
    return {"status": "ok"}
