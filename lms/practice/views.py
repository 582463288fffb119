"""HTML pages of the practice area: the assignment, the learner's work, its files."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Response as BaseResponse

from lms.content.urls import module_url
from lms.extensions import db
from lms.practice import services
from lms.practice.files import accepted_extensions, accepted_types, human_size
from lms.practice.forms import EmptyForm, PracticeForm

bp = Blueprint("practice", __name__)
bp.add_app_template_filter(human_size, "practice_size")


def _db() -> Session:
    """The request's database session (what the scoped `db.session` proxies), typed."""
    return db.session()


def _read_uploads(files: list[FileStorage]) -> list[services.Upload]:
    """The files of the form; the browser sends one empty part when none is chosen.

    Reading them whole is bounded: the request body is at most MAX_CONTENT_LENGTH.
    """
    return [
        services.Upload(storage.filename, storage.read())
        for storage in files
        if storage is not None and storage.filename
    ]


def _render(
    slug: str,
    form: PracticeForm | None = None,
    status: int = 200,
    files_error: str | None = None,
) -> tuple[str, int]:
    """The practice page; `form` keeps what the learner sent when it is shown again."""
    page = services.learner_practice(_db(), current_user.id, slug)
    if page is None:
        abort(404)
    current = page.current
    if form is None:
        # formdata=None: the saved text, never the request's (which may be unreadable: 413).
        form = PracticeForm(formdata=None, text=current.text_md if current else "")
    if files_error:
        form.files.errors = [*form.files.errors, files_error]
    policy = services.upload_policy()
    # Files already in the draft (or carried into the next version) count against the limit.
    carried = len(current.attachments) if current and page.mode.can_edit else 0
    return render_template(
        "practice/show.html",
        page=page,
        form=form,
        module_href=module_url(slug),
        accepted_types=accepted_types(policy),
        accept=",".join(f".{ext}" for ext in accepted_extensions(policy)),
        max_file_size=human_size(policy.max_file_bytes),
        max_file_bytes=policy.max_file_bytes,
        max_files=policy.max_files,
        remaining_files=max(0, policy.max_files - carried),
    ), status


@bp.route("/modules/<slug>/practice", methods=["GET", "POST"])
@login_required
def show(slug: str) -> tuple[str, int] | BaseResponse:
    """The practical assignment of a module, my work, and the form to save or submit it."""
    practice = services.find_practice(_db(), slug)
    if practice is None:
        abort(404)
    form = PracticeForm()
    if not form.is_submitted():
        return _render(slug)
    if not form.validate():
        return _render(slug, form, 422)
    submit = bool(form.submit_work.data)
    try:
        services.save_work(
            _db(),
            current_user.id,
            practice,
            text_md=form.text.data or "",
            uploads=_read_uploads(form.files.data or []),
            submit=submit,
        )
    except services.PracticeError as error:
        message = _(error.message, **error.params)
        if error.code in ("awaiting_review", "accepted"):
            # A page left open while the work was submitted elsewhere: it is locked now.
            flash(message, "error")
            return _render(slug, status=409)
        field = form.files if error.code == "upload" else form.text
        field.errors = [*field.errors, message]
        return _render(slug, form, 422)
    if submit:
        flash(_("Your work is submitted. A trainer will review it."), "success")
    else:
        flash(_("Your draft is saved."), "success")
    return redirect(url_for("practice.show", slug=slug))


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge) -> tuple[str, int]:
    """A request over MAX_CONTENT_LENGTH: the practice page again, saying what the limits are.

    Raised while the form is read (by the CSRF check or the view); nothing was saved.
    """
    slug = (request.view_args or {}).get("slug")
    if not slug or not current_user.is_authenticated or services.find_practice(_db(), slug) is None:
        message = _("The request is too large.")
        return render_template("errors/error.html", status=413, message=message), 413
    limits = _(
        "The files sent together were too large (at most %(total)s in all, %(each)s per "
        "file). Nothing was saved: send fewer or smaller files.",
        total=human_size(int(current_app.config["MAX_CONTENT_LENGTH"])),
        each=human_size(services.upload_policy().max_file_bytes),
    )
    return _render(slug, status=413, files_error=limits)


@bp.route("/modules/<slug>/practice/attachments/<int:attachment_id>/delete", methods=["POST"])
@login_required
def remove_attachment(slug: str, attachment_id: int) -> BaseResponse:
    """Remove a file from my draft (CSRF-checked), then back to the practice page."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        name = services.remove_attachment(_db(), current_user.id, attachment_id)
    except services.PracticeError as error:
        # Another learner's file reads as "does not exist": nothing is revealed about it.
        flash(_(error.message, **error.params), "error")
    else:
        flash(_("“%(name)s” is removed from your draft.", name=name), "success")
    return redirect(url_for("practice.show", slug=slug))


@bp.route("/practice/attachments/<int:attachment_id>")
@login_required
def download(attachment_id: int) -> BaseResponse:
    """Download a file of a submission: its learner (and admins) only; others get 404."""
    found = services.attachment_download(_db(), current_user, attachment_id)
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
