"""HTML pages of the competency area: the framework, my profile, its evidence, self-assessment.

Every profile page shows the signed-in user's own data only (a trainer's view
of a learner belongs to the cohorts area). The framework page is public: it
describes the course, not a person.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import format_decimal, format_percent, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as BaseResponse

from lms.competency import services
from lms.competency.chart import legend_rows, render_wheel
from lms.competency.explanations import translate_reasons
from lms.competency.forms import field_name, self_assessment_form
from lms.competency.pdf import profile_pdf as build_profile_pdf
from lms.competency.profile import wheel_geometry
from lms.content.urls import module_url
from lms.extensions import db

bp = Blueprint("competency", __name__)

SOURCE_LABELS = {
    "lesson": _l("Lesson read"),
    "quiz": _l("Quiz answer"),
    "practice": _l("Practical work reviewed"),
    "rating": _l("Trainer rating"),
    "self": _l("Self-assessment"),
}
KIND_LABELS = {"knowledge": _l("Knowledge"), "skill": _l("Skill")}


def _db() -> Session:
    """The request's database session (what the scoped `db.session` proxies), typed."""
    return db.session()


def quiz_url(module_slug: str) -> str:
    """A module's quiz page (a review is a retake)."""
    return f"{module_url(module_slug)}/quiz"


def attempt_url(module_slug: str, attempt_id: int) -> str:
    """The page of a submitted quiz attempt."""
    return f"{quiz_url(module_slug)}/attempts/{attempt_id}"


@bp.context_processor
def _helpers() -> dict[str, object]:
    return {
        "module_url": module_url,
        "quiz_url": quiz_url,
        "attempt_url": attempt_url,
        "field_name": field_name,
        "source_label": lambda source: SOURCE_LABELS.get(source, source),
        "kind_label": lambda kind: KIND_LABELS.get(kind, kind),
        "decimal": lambda value: format_decimal(value, format="0.00"),
        "percent": lambda value: format_percent(value),
    }


def _chart(profile: services.ProfileView) -> Markup:
    """The profile wheel as inline SVG; its <desc> spells out every level."""
    geometry = wheel_geometry(profile.groups, legend_rows=legend_rows(len(profile.groups)))
    levels = []
    for row in profile.rows:
        if row.self_level is None:
            levels.append(_("%(code)s: level %(level)d", code=row.code, level=row.level))
        else:
            levels.append(
                _(
                    "%(code)s: level %(level)d, self-assessment %(self_level)d",
                    code=row.code,
                    level=row.level,
                    self_level=row.self_level,
                )
            )
    description = _(
        "A wheel with one spoke per competency, grouped by theme; the further out, the "
        "higher the level (0 to 4). The table gives the same data."
    )
    svg = render_wheel(
        geometry,
        title=_("My levels and my self-assessment by competency"),
        description=f"{description} {'; '.join(levels)}.",
        level_legend=_("My level"),
        self_legend=_("My self-assessment"),
    )
    return Markup(svg)  # safe: render_wheel escapes every text it writes


@bp.get("/framework")
def framework() -> str:
    """The competency framework: the scale, and the competencies by theme with their modules."""
    return render_template(
        "competency/framework.html", framework=services.framework_overview(_db())
    )


@bp.get("/profile")
@login_required
def profile() -> str:
    """My profile: levels by theme (chart and table), gaps, and what to do next."""
    view = services.learner_profile(_db(), current_user.id)
    return render_template(
        "competency/profile.html",
        profile=view,
        chart=_chart(view),
        review_days=services.review_after().days,
    )


@bp.get("/profile/print")
@login_required
def print_profile() -> str:
    """My profile laid out for printing."""
    view = services.learner_profile(_db(), current_user.id)
    return render_template(
        "competency/print.html",
        profile=view,
        chart=_chart(view),
        framework_title=services.framework_title(),
        today=date.today(),
    )


@bp.get("/profile.pdf")
@login_required
def profile_pdf() -> Response:
    """My profile as a PDF download."""
    view = services.learner_profile(_db(), current_user.id)
    data = build_profile_pdf(
        view,
        learner_name=current_user.name,
        framework_title=services.framework_title(),
        on=date.today(),
    )
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": 'attachment; filename="escales-profil.pdf"'},
    )


@bp.route("/profile/self-assessment", methods=["GET", "POST"])
@login_required
def self_assessment() -> tuple[str, int] | BaseResponse:
    """Position myself on every competency; saving appends to the history."""
    session = _db()
    view = services.self_assessment_view(session, current_user.id)
    form = self_assessment_form(view.competencies, view.scale, view.current)
    if form.validate_on_submit():
        changed = services.save_self_assessment(session, current_user.id, form.levels())
        if changed:
            flash(
                ngettext(
                    "Your self-assessment is saved (%(num)d competency changed).",
                    "Your self-assessment is saved (%(num)d competencies changed).",
                    len(changed),
                ),
                "success",
            )
        else:
            flash(_("Nothing changed in your self-assessment."), "info")
        return redirect(url_for("competency.profile"))
    status = 400 if form.is_submitted() else 200
    return render_template("competency/self_assessment.html", view=view, form=form), status


@bp.get("/profile/competencies/<code>")
@login_required
def evidence(code: str) -> str:
    """The evidence behind my level on one competency, and why it gives that level."""
    page = services.competency_evidence(_db(), current_user.id, code)
    if page is None:
        abort(404)
    return render_template(
        "competency/evidence.html", page=page, reasons=translate_reasons(page.result.reasons)
    )
