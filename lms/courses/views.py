"""HTML pages of the courses area: catalogue, module, section, printable view, search, images.

The catalogue and the lesson images are public; every other page is for
signed-in people, whose reading it records.
"""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from lms import page_cache
from lms.content.urls import module_url, section_url
from lms.courses import services
from lms.courses.forms import MarkReadForm
from lms.courses.media import is_lesson_image
from lms.extensions import db

bp = Blueprint("courses", __name__)

IMAGE_MAX_AGE = 24 * 60 * 60  # images change only with a content release


@bp.get("/modules")
def catalogue() -> str:
    """The four themes and their modules; with the learner's progress when signed in."""
    user_id = current_user.id if current_user.is_authenticated else None
    return render_template(
        "courses/catalogue.html", catalogue=services.catalogue(db.session(), user_id)
    )


@bp.get("/modules/<slug>")
@login_required
def module(slug: str) -> str:
    """A module's summary: objectives, sections read, where to resume, quiz and practical work."""
    page = services.module_page(db.session(), current_user.id, slug)
    if page is None:
        abort(404)
    return render_template("courses/module.html", page=page)


@bp.get("/modules/<slug>/sections/<section>")
@login_required
def section(slug: str, section: str) -> str:
    """One section of a module; the visit is remembered to resume reading later."""
    page = services.open_section(db.session(), current_user.id, slug, section)
    if page is None:
        abort(404)
    return page_cache.cached_page(db.session(), page.cache_key, "courses/section.html", page=page)


@bp.post("/modules/<slug>/sections/<section>/read")
@login_required
def mark_read(slug: str, section: str) -> Response:
    """Mark a section as read, then show it again or (then=next) open the next one."""
    form = MarkReadForm()
    if not form.validate_on_submit():
        abort(400)
    outcome = services.mark_section_read(db.session(), current_user.id, slug, section)
    if outcome is None:
        abort(404)
    moving_on = form.then.data == "next"
    if outcome.reading_completed_now:
        flash(_("You have read every section of this module. Next step: the quiz."), "success")
    elif not moving_on:
        flash(_("Section marked as read."), "success")
    if moving_on:
        return redirect(outcome.next.url if outcome.next else module_url(slug))
    return redirect(section_url(slug, section))


@bp.get("/modules/<slug>/print")
@login_required
def print_module(slug: str) -> str:
    """The whole module on one page, laid out for printing."""
    page = services.module_page(db.session(), current_user.id, slug)
    if page is None:
        abort(404)
    return render_template("courses/print.html", page=page)


@bp.get("/search")
@login_required
def search() -> str:
    """Search the lessons (titles and text), ignoring case and accents."""
    results = services.search_course(db.session(), request.args.get("q", ""))
    return render_template("courses/search.html", results=results)


@bp.get("/media/<slug>/<path:filename>")
def media(slug: str, filename: str) -> Response:
    """An image of a module's `images/` folder (public, like the course itself: see docs)."""
    if not is_lesson_image(filename):
        abort(404)
    folder = services.images_folder(db.session(), slug, Path(current_app.config["CONTENT_DIR"]))
    if folder is None:
        abort(404)
    # send_from_directory refuses any path that would leave `folder` (404).
    return send_from_directory(folder, filename, max_age=IMAGE_MAX_AGE)
