"""HTML pages of the practice area: the assignment, the learner's work, its files."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response as BaseResponse

from lms.content.urls import module_url
from lms.extensions import db
from lms.practice import services
from lms.practice.files import accepted_types, human_size
from lms.practice.forms import EmptyForm, PracticeForm

bp = Blueprint("practice", __name__)


def _read_uploads(files: list[FileStorage]) -> list[services.Upload]:
    """The files of the form; the browser sends one empty part when none is chosen.

    Reads at most one byte more than the per-file limit, so an oversized file is
    refused by the checks without holding it all in memory.
    """
    limit = services.upload_policy().max_file_bytes
    uploads = []
    for storage in files:
        if storage is None or not storage.filename:
            continue
        uploads.append(services.Upload(storage.filename, storage.stream.read(limit + 1)))
    return uploads


def _render(slug: str, form: PracticeForm | None = None, status: int = 200) -> tuple[str, int]:
    page = services.learner_practice(db.session, current_user.id, slug)
    if page is None:
        abort(404)
    if form is None:
        form = PracticeForm(text=page.current.text_md if page.current else "")
    policy = services.upload_policy()
    return render_template(
        "practice/show.html",
        page=page,
        form=form,
        remove_form=EmptyForm(),
        module_href=module_url(slug),
        accepted_types=accepted_types(policy),
        max_file_size=human_size(policy.max_file_bytes),
        max_file_bytes=policy.max_file_bytes,
        max_files=policy.max_files,
        max_request=human_size(int(current_app.config["MAX_CONTENT_LENGTH"])),
    ), status


@bp.route("/modules/<slug>/practice", methods=["GET", "POST"])
@login_required
def show(slug: str) -> tuple[str, int] | BaseResponse:
    """The practical assignment of a module, my work, and the form to save or submit it."""
    practice = services.find_practice(db.session, slug)
    if practice is None:
        abort(404)
    form = PracticeForm()
    if not form.validate_on_submit():
        return _render(slug, form if form.is_submitted() else None, 422 if form.errors else 200)
    submit = bool(form.submit_work.data)
    try:
        services.save_work(
            db.session,
            current_user.id,
            practice,
            text_md=form.text.data or "",
            uploads=_read_uploads(form.files.data or []),
            submit=submit,
        )
    except services.PracticeError as error:
        field = form.files if error.code == "upload" else form.text
        field.errors = [*field.errors, _(error.message, **error.params)]
        return _render(slug, form, 409 if error.code in ("awaiting_review", "accepted") else 422)
    if submit:
        flash(_("Your work is submitted. A trainer will review it."), "success")
    else:
        flash(_("Your draft is saved."), "success")
    return redirect(url_for("practice.show", slug=slug))


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge) -> tuple[str, int] | BaseResponse:
    """A request over MAX_CONTENT_LENGTH: the practice page again, saying what the limits are."""
    slug = (current_app.url_map.bind("").match(_path(), method="GET")[1] or {}).get("slug")
    if not slug or not current_user.is_authenticated:
        abort(413)
    form = PracticeForm(formdata=None)
    form.files.errors = [
        _(
            "The files sent together were too large (at most %(total)s in all, %(each)s per "
            "file). Nothing was saved: send fewer or smaller files.",
            total=human_size(int(current_app.config["MAX_CONTENT_LENGTH"])),
            each=human_size(services.upload_policy().max_file_bytes),
        )
    ]
    page = services.learner_practice(db.session, current_user.id, slug)
    if page is None:
        abort(404)
    form.text.data = page.current.text_md if page.current else ""
    return _render(slug, form, 413)


def _path() -> str:
    from flask import request

    return request.path


@bp.route("/modules/<slug>/practice/attachments/<int:attachment_id>/delete", methods=["POST"])
@login_required
def remove_attachment(slug: str, attachment_id: int) -> BaseResponse:
    """Remove a file from my draft."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        name = services.remove_attachment(db.session, current_user.id, attachment_id)
    except services.PracticeError as error:
        if error.code == "not_found":
            abort(404)
        flash(_(error.message, **error.params), "error")
    else:
        flash(_("“%(name)s” is removed from your draft.", name=name), "success")
    return redirect(url_for("practice.show", slug=slug))


@bp.route("/practice/attachments/<int:attachment_id>")
@login_required
def download(attachment_id: int) -> BaseResponse:
    """Download a file of a submission: its learner (and admins) only; others get 404."""
    found = services.attachment_download(db.session, current_user, attachment_id)
    if found is None:
        abort(404)
    response = send_file(
        found.path,
        mimetype=found.content_type,
        as_attachment=True,
        download_name=found.filename,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
