"""HTML pages of the cohorts area: cohorts, their dashboards, enrolment, reviews, exports.

Every page is for trainers, org admins and admins (`role_required`), and every
page about one cohort checks `lms.access.can_access_cohort`: a trainer reaches
only the cohorts they train, an org admin those of their organisation. Views
parse the request, call a service, render.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from functools import cache
from typing import NamedTuple

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    get_template_attribute,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date, get_locale, get_timezone
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup, escape
from sqlalchemy.orm import Session, joinedload
from werkzeug.wrappers import Response as BaseResponse
from wtforms import SelectChoice

from lms import access
from lms.auth import services as auth_services
from lms.auth.services import send_invitation
from lms.cohorts import csv_import, dashboards, exports, reviews, rules, services, wording
from lms.cohorts.forms import (
    AddMemberForm,
    CohortForm,
    ConfirmImportForm,
    EmptyForm,
    ImportForm,
    JoinCodeForm,
    RatingForm,
    ReviewForm,
)
from lms.competency.explanations import translate_reasons
from lms.competency.services import competency_evidence, scale_entries
from lms.extensions import db
from lms.models import Cohort, CohortRole, ReviewDecision, Role, User
from lms.models.base import utcnow
from lms.practice.rubric import RUBRIC_LEVELS
from lms.practice.services import PracticeError, learner_practice
from lms.quiz.services import attempt_result

bp = Blueprint("cohorts", __name__)

STAFF = (Role.TRAINER, Role.ORG_ADMIN)  # admins hold every role
MAX_ID = 2**31 - 1  # ids are 32-bit integers in the database


def _db() -> Session:
    """The request's database session, typed."""
    return db.session()


def _cohort(cohort_id: int) -> Cohort:
    """The cohort, if the current user may follow it: 404 when unknown, 403 otherwise."""
    # Every cohort page shows the organisation's name: loaded with the cohort, in one query.
    cohort = _db().get(Cohort, cohort_id, options=[joinedload(Cohort.organisation)])
    if cohort is None:
        abort(404)
    if not access.can_access_cohort(current_user, cohort):
        abort(403)
    return cohort


def _learner(cohort: Cohort, user_id: int) -> User:
    """An active learner of the cohort, or 404."""
    learner = services.active_learner(_db(), cohort.id, user_id)
    if learner is None:
        abort(404)
    return learner


def _page_number() -> int:
    return max(1, request.args.get("page", 1, type=int) or 1)


def _id_arg(name: str) -> int | None:
    """An id from the query string; None when missing or out of the range of database ids."""
    value = request.args.get(name, type=int)
    return value if value is not None and 0 < value <= MAX_ID else None


def _list_url(endpoint: str, cohort_id: int, query: rules.LearnerQuery, **changes: object) -> str:
    """The address of a learner list with this query, changed (sort, page, filter)."""
    return url_for(endpoint, cohort_id=cohort_id, **query.args(**changes))


def _cell_words() -> dict[str, object]:
    """The words of the progress cells, translated once per page rather than once per cell."""
    return {
        "sections": _("Sections read:"),
        "best": _("Best quiz score:"),
        "quiz": _("Quiz"),
        "passed": _("passed"),
        "practice": _("Practical work:"),
        "completed": _("Completed"),
        "overdue": _("Overdue"),
        "statuses": wording.practice_statuses(),
    }


@bp.context_processor
def _helpers() -> dict[str, object]:
    return {
        "list_url": _list_url,
        "cell_words": _cell_words,
        "practice_label": wording.practice_status,
        "reason_text": wording.reason,
        "risk_filters": wording.RISK_FILTERS,
        "page_sizes": rules.PAGE_SIZES,
    }


# --- cohorts -----------------------------------------------------------------------------------


@bp.get("/cohorts")
@access.role_required(*STAFF)
def index() -> str:
    """The cohorts I train (all those of my organisation for an org admin)."""
    search = request.args.get("q", "")
    page = services.visible_cohorts(
        _db(), current_user, _page_number(), current_app.config["PAGE_SIZE"], search
    )
    return render_template(
        "cohorts/index.html",
        page=page,
        search=search,
        can_create=access.can_create_cohort(current_user),
    )


def _fill_form(form: CohortForm, cohort: Cohort | None) -> list[services.ModuleOption]:
    """Give the form its organisations and one row per module (ticked as the cohort follows)."""
    options = services.module_options(_db(), cohort)
    organisations = services.organisations_for(_db(), current_user)
    form.organisation_id.choices = [SelectChoice(o.id, o.name) for o in organisations]
    if not form.is_submitted():
        while form.modules.entries:
            form.modules.pop_entry()
        for option in options:
            form.modules.append_entry(
                {"module_id": option.id, "followed": option.followed, "due_on": option.due_on}
            )
    return options


def _form_page(
    form: CohortForm, cohort: Cohort | None, options: list[services.ModuleOption]
) -> tuple[str, int]:
    """The cohort form; 422 when it comes back with errors."""
    titles = {option.id: option.title for option in options}
    page = render_template("cohorts/form.html", form=form, cohort=cohort, titles=titles)
    return page, 422 if form.is_submitted() else 200


def _choices(form: CohortForm) -> list[services.ModuleChoice]:
    return [
        services.ModuleChoice(
            module_id=entry.form.module_id.data or 0,
            followed=bool(entry.form.followed.data),
            due_on=entry.form.due_on.data,
        )
        for entry in form.modules
    ]


@bp.route("/cohorts/new", methods=["GET", "POST"])
@access.role_required(*STAFF)
def new() -> tuple[str, int] | BaseResponse:
    """Create a cohort in my organisation (any active one for an admin)."""
    if not access.can_create_cohort(current_user):
        abort(403)
    form = CohortForm()
    options = _fill_form(form, None)
    if not form.organisation_id.choices:
        abort(403)
    if form.validate_on_submit():
        organisation = next(
            o
            for o in services.organisations_for(_db(), current_user)
            if o.id == form.organisation_id.data
        )
        try:
            cohort = services.create_cohort(
                _db(),
                organisation=organisation,
                name=form.name.data or "",
                creator=current_user,
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                choices=_choices(form),
            )
        except services.CohortError as error:
            _field_error(form, error)
        else:
            flash(_("The cohort %(name)s is created.", name=cohort.name), "success")
            return redirect(url_for("cohorts.members", cohort_id=cohort.id))
    return _form_page(form, None, options)


def _field_error(form: CohortForm, error: services.CohortError) -> None:
    message = _(error.message, **error.params)
    field = getattr(form, error.field or "", None)
    if field is None or error.field == "modules":
        form.form_errors.append(message)
    else:
        field.errors = [*field.errors, message]


@bp.route("/cohorts/<int:cohort_id>/edit", methods=["GET", "POST"])
@access.role_required(*STAFF)
def edit(cohort_id: int) -> tuple[str, int] | BaseResponse:
    """Rename the cohort, change its dates, the modules it follows and their due dates."""
    cohort = _cohort(cohort_id)
    form = CohortForm(obj=cohort if request.method == "GET" else None)
    options = _fill_form(form, cohort)
    form.organisation_id.choices = [SelectChoice(cohort.organisation_id, cohort.organisation.name)]
    form.organisation_id.data = cohort.organisation_id
    if form.validate_on_submit():
        try:
            services.update_cohort(
                _db(),
                cohort,
                name=form.name.data or "",
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                choices=_choices(form),
            )
        except services.CohortError as error:
            _field_error(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("cohorts.edit", cohort_id=cohort.id))
    return _form_page(form, cohort, options)


# --- dashboards --------------------------------------------------------------------------------


def _query() -> rules.LearnerQuery:
    return rules.parse_learner_query(request.args)


class MatrixRow(NamedTuple):
    """A learner's line of the progress matrix, ready to write: words translated, dates
    formatted, cells written (see `_matrix_rows`)."""

    learner: dashboards.LearnerRow
    url: str
    reasons: list[str]
    activity_day: str
    """The local date of the last activity, ISO (for <time datetime>)."""
    activity: str
    completed: int
    cells: Markup
    reasons_html: str = ""
    """The reasons as escaped list items (the progress matrix's disclosure)."""


class _WrittenLine(NamedTuple):
    """What the pages write of a line's facts, in one language: its cells, and its reasons
    that follow from the facts (quiz failed, overdue) translated, as text and list items."""

    cells: Markup
    reasons: tuple[str, ...]
    reasons_html: str


def _cell_writer() -> Callable[[dashboards.ProgressCell], str]:
    """What writes a matrix cell's ``<td>``: sections read, quiz, practical work, flag.

    Lines are separated by ``<br>`` and carry no label of their own: the help text
    above the table, which is its description, says what each line is and that ✓
    means passed (screen readers read the character). The words are translated
    once per page, and each distinct cell is written once (many learners share
    the same figures).
    """
    quiz = escape(_("Quiz"))
    flags = {
        (True, False): Markup("<br><strong>{}</strong>").format(_("Completed")),
        (True, True): Markup("<br><strong>{}</strong>").format(_("Completed")),
        (False, True): Markup("<br><strong>{}</strong>").format(_("Overdue")),
        (False, False): "",
    }
    statuses = {key: f"<br>{escape(words)}" for key, words in wording.practice_statuses().items()}
    statuses[""] = ""
    written: dict[dashboards.ProgressCell, str] = {}
    # Most cells differ in one line only: each distinct quiz line is written once too.
    quiz_lines: dict[tuple[int | None, bool], str] = {}

    def quiz_line(best: int | None, passed: bool) -> str:
        line = quiz_lines.get((best, passed))
        if line is None:
            if best is None:
                line = f"<br>{quiz} —"
            else:
                line = f"<br>{quiz} {best} %{' <b>✓</b>' if passed else ''}"
            quiz_lines[best, passed] = line
        return line

    def write(cell: dashboards.ProgressCell) -> str:
        html = written.get(cell)
        if html is None:
            practice = statuses.get(cell.practice_status)
            if practice is None:  # a status without words: shown as stored
                practice = f"<br>{escape(cell.practice_status)}"
            html = written[cell] = (
                f'<td class="cell cell-{cell.state}">{cell.sections_read}/{cell.sections_total}'
                f"{quiz_line(cell.quiz_best, cell.quiz_passed) if cell.has_quiz else ''}"
                f"{practice}{flags[cell.completed, cell.overdue]}</td>"
            )
        return html

    return write


#: Per process: by language and matrix scope (followed modules, day), the written lines of
#: facts by their packed facts (ProgressLine.cells_key). Bounded; holds figures, no names.
_WRITTEN: dict[tuple[object, ...], dict[str, _WrittenLine]] = {}
_MAX_SCOPES = 64
_MAX_WRITTEN = 20_000


def _written_lines(matrix: dashboards.ProgressMatrix) -> dict[str, _WrittenLine]:
    """The process's written lines for this matrix's scope in the page's language."""
    key = (str(get_locale()), matrix.scope)
    found = _WRITTEN.get(key)
    if found is None:
        if len(_WRITTEN) >= _MAX_SCOPES:
            _WRITTEN.clear()
        found = _WRITTEN[key] = {}
    elif len(found) >= _MAX_WRITTEN:
        found.clear()
    return found


def _matrix_rows(cohort_id: int, matrix: dashboards.ProgressMatrix) -> list[MatrixRow]:
    """The matrix lines as the pages write them, prepared in Python once.

    A page shows hundreds of cells: calling a macro, `url_for`, `gettext` or a
    date filter for each costs more than the rest of the page, so the words are
    translated once, each distinct date and reason written once, what follows from a
    learner's facts (cells, reasons) written once per process and kept by their packed
    facts, and the learners' links share one prefix.
    """
    written = _written_lines(matrix) if matrix.scope else {}
    write: Callable[[dashboards.ProgressCell], str] | None = None
    reason = cache(wording.reason)  # learners share reasons: translate each one once
    dates = cache(lambda day: (day.isoformat(), format_date(day, "short")))
    zone = get_timezone() or UTC  # read once: to_user_timezone looks it up at every call
    prefix = url_for("cohorts.learner", cohort_id=cohort_id, user_id=0)[:-1]
    inactive = rules.RiskKind.INACTIVE
    rows = []
    for line in matrix.lines:
        learner = line.learner
        activity_day, activity = dates(learner.last_activity_at.astimezone(zone).date())
        found = written.get(line.cells_key) if line.cells_key else None
        # Inactivity, when listed, comes first; the other reasons follow from the facts.
        first = line.reasons[0] if line.reasons and line.reasons[0].kind == inactive else None
        if found is None:
            if write is None:
                write = _cell_writer()
            texts = tuple(reason(item) for item in line.reasons if item is not first)
            found = _WrittenLine(
                Markup("".join([write(cell) for cell in line.cells])),
                texts,
                "".join([f"<li>{escape(text)}</li>" for text in texts]),
            )
            if line.cells_key:
                written[line.cells_key] = found
        reasons = list(found.reasons)
        reasons_html = found.reasons_html
        if first is not None:
            text = reason(first)
            reasons.insert(0, text)
            reasons_html = f"<li>{escape(text)}</li>{reasons_html}"
        rows.append(
            MatrixRow(
                learner=learner,
                url=f"{prefix}{learner.user_id}",
                reasons=reasons,
                activity_day=activity_day,
                activity=activity,
                completed=line.modules_completed,
                cells=found.cells,
                reasons_html=reasons_html,
            )
        )
    return rows


class ModulePieces(NamedTuple):
    """The progress matrix's module column headers and legend, written."""

    heads: Markup
    legend: Markup


#: Per process: the module pieces by language and matrix scope. Bounded.
_MODULE_PIECES: dict[tuple[object, ...], ModulePieces] = {}


def _module_pieces(matrix: dashboards.ProgressMatrix) -> ModulePieces:
    """The module headers and legend of the matrix (the macros of _matrix_modules.html), written
    once per language and list of modules: 24 translated, dated pieces per page."""
    key = (str(get_locale()), matrix.scope)
    found = _MODULE_PIECES.get(key)
    if found is None:
        heads = get_template_attribute("cohorts/_matrix_modules.html", "module_heads")
        legend = get_template_attribute("cohorts/_matrix_modules.html", "module_legend")
        found = ModulePieces(Markup(heads(matrix.modules)), Markup(legend(matrix.modules)))
        if len(_MODULE_PIECES) >= _MAX_SCOPES:
            _MODULE_PIECES.clear()
        if matrix.scope:
            _MODULE_PIECES[key] = found
    return found


class PageChrome(NamedTuple):
    """The parts of the progress page that depend on the cohort and the list query only."""

    top: Markup
    """Header and tabs, filters, actions, the table's description."""
    sorts: Markup
    """The sortable column headers."""


#: Per process: the progress page's chrome by language, cohort (with what its header shows)
#: and list query. Bounded.
_CHROME: dict[tuple[object, ...], PageChrome] = {}
_MAX_CHROME = 512


def _progress_chrome(cohort: Cohort, query: rules.LearnerQuery, tab: str) -> PageChrome:
    """The top and sortable headers of the progress page, written once per language, cohort
    and query: about 40 translated words and 15 links, the same at every view."""
    key = (
        str(get_locale()),
        cohort.id,
        cohort.name,
        cohort.organisation.name,
        cohort.starts_on,
        cohort.ends_on,
        query,
        tab,
    )
    found = _CHROME.get(key)
    if found is None:
        values = {"cohort": cohort, "query": query, "tab": tab}
        found = PageChrome(
            Markup(render_template("cohorts/_progress_top.html", **values)),
            Markup(render_template("cohorts/_progress_sorts.html", **values)),
        )
        if len(_CHROME) >= _MAX_CHROME:
            _CHROME.clear()
        _CHROME[key] = found
    return found


def _matrix_body(rows: list[MatrixRow], modules: int) -> Markup:
    """The rows of the progress matrix's table body, written in Python: a template loop
    over 50 to 100 rows of several fields each cost more than the rest of the page.

    Each line: the learner (link, e-mail, at-risk reasons in a disclosure), the last
    activity, the modules completed out of `modules`, then the cells.
    """
    at_risk = escape(_("At risk"))
    parts = []
    for row in rows:
        learner = row.learner
        reasons = ""
        if row.reasons:
            reasons = (
                f'<details class="risk-details"><summary><span class="risk-flag">{at_risk}'
                f'</span> <span class="muted">({len(row.reasons)})</span></summary>'
                f'<ul class="risk-reasons">{row.reasons_html}</ul></details>'
            )
        # The address is the escaped prefix and an id; the ISO day needs no escaping.
        parts.append(
            f'\n<tr><th scope="row"><a href="{row.url}">{escape(learner.name)}</a>'
            f'<span class="cohort-email">{escape(learner.email)}</span>{reasons}</th>'
            f'<td><time datetime="{row.activity_day}">{escape(row.activity)}</time></td>'
            f'<td class="number">{row.completed} / {modules}</td>{row.cells}</tr>'
        )
    return Markup("".join(parts))


@bp.get("/cohorts/<int:cohort_id>")
@access.role_required(*STAFF)
def progress(cohort_id: int) -> str:
    """The progress matrix: learners x modules (sections read, best quiz score, practical work)."""
    cohort = _cohort(cohort_id)
    query = _query()
    matrix = dashboards.progress_matrix(_db(), cohort, query, utcnow())
    return render_template(
        "cohorts/progress.html",
        cohort=cohort,
        matrix=matrix,
        body=_matrix_body(_matrix_rows(cohort.id, matrix), len(matrix.modules)),
        modules=_module_pieces(matrix),
        chrome=_progress_chrome(cohort, query, "progress"),
        query=query,
        tab="progress",
    )


@bp.get("/cohorts/<int:cohort_id>/competencies")
@access.role_required(*STAFF)
def competencies(cohort_id: int) -> str:
    """The competency heatmap: learners x competencies, and each competency's spread."""
    cohort = _cohort(cohort_id)
    query = _query()
    heatmap = dashboards.competency_heatmap(_db(), cohort, query, utcnow())
    return render_template(
        "cohorts/competencies.html",
        cohort=cohort,
        heatmap=heatmap,
        query=query,
        scale=scale_entries(_db()),
        tab="competencies",
    )


@bp.get("/cohorts/<int:cohort_id>/at-risk")
@access.role_required(*STAFF)
def at_risk(cohort_id: int) -> str:
    """The learners at risk, each with the reasons why."""
    cohort = _cohort(cohort_id)
    args = request.args.to_dict()
    if args.get("status") not in ("inactive", "quiz_failed", "overdue"):
        args["status"] = "at_risk"
    if "sort" not in args:
        args["sort"] = "activity"
    query = rules.parse_learner_query(args)
    matrix = dashboards.progress_matrix(_db(), cohort, query, utcnow())
    return render_template(
        "cohorts/at_risk.html",
        cohort=cohort,
        matrix=matrix,
        rows=_matrix_rows(cohort.id, matrix),
        query=query,
        tab="at_risk",
    )


# --- members, join link, import ----------------------------------------------------------------


def _join_link(cohort: Cohort) -> str | None:
    if not cohort.join_code:
        return None
    return url_for("cohorts.join", code=cohort.join_code, _external=True)


@bp.get("/cohorts/<int:cohort_id>/members")
@access.role_required(*STAFF)
def members(cohort_id: int) -> str:
    """Trainers and learners of the cohort, the join link, and ways to add people."""
    cohort = _cohort(cohort_id)
    removed = request.args.get("removed") == "1"
    search = request.args.get("q", "")
    page = services.members_page(
        _db(),
        cohort.id,
        removed=removed,
        search=search,
        number=_page_number(),
        size=current_app.config["PAGE_SIZE"],
    )
    return render_template(
        "cohorts/members.html",
        cohort=cohort,
        trainers=services.trainers(_db(), cohort.id),
        page=page,
        removed=removed,
        search=search,
        join_link=_join_link(cohort),
        add_form=AddMemberForm(),
        action_form=EmptyForm(),
        tab="members",
    )


@bp.post("/cohorts/<int:cohort_id>/members")
@access.role_required(*STAFF)
def add_member(cohort_id: int) -> BaseResponse:
    """Add an existing account to the cohort as learner or trainer."""
    cohort = _cohort(cohort_id)
    form = AddMemberForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "error")
        return redirect(url_for("cohorts.members", cohort_id=cohort.id))
    try:
        user, changed = services.add_member(
            _db(), cohort, form.email.data or "", CohortRole(form.role.data), current_user
        )
    except services.CohortError as error:
        flash(_(error.message, **error.params), "error")
    else:
        if changed:
            flash(_("%(name)s is in the cohort.", name=user.name), "success")
        else:
            flash(_("%(name)s was already in the cohort.", name=user.name), "info")
    return redirect(url_for("cohorts.members", cohort_id=cohort.id))


@bp.post("/cohorts/<int:cohort_id>/members/<int:user_id>/remove")
@access.role_required(*STAFF)
def remove_member(cohort_id: int, user_id: int) -> BaseResponse:
    """Take someone out of the cohort; their work and history are kept."""
    cohort = _cohort(cohort_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        member = services.remove_member(_db(), cohort, user_id, current_user)
    except services.CohortError as error:
        flash(_(error.message, **error.params), "error")
    else:
        flash(
            _("%(name)s is no longer in the cohort; their history is kept.", name=member.name),
            "success",
        )
    return redirect(url_for("cohorts.members", cohort_id=cohort.id))


@bp.post("/cohorts/<int:cohort_id>/join-code")
@access.role_required(*STAFF)
def join_code(cohort_id: int) -> BaseResponse:
    """Rotate, close or reopen the cohort's join link."""
    cohort = _cohort(cohort_id)
    form = JoinCodeForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.change_join_code(_db(), cohort, form.action.data or "")
    except services.CohortError:
        abort(400)
    messages = {
        "rotate": _("A new join link is ready; the old one no longer works."),
        "close": _("The join link is closed."),
        "open": _("The join link is open."),
    }
    flash(messages[form.action.data or ""], "success")
    return redirect(url_for("cohorts.members", cohort_id=cohort.id))


def _invite(user: User) -> bool:
    """Send a new account its link to choose a password; False if the mail could not go."""
    try:
        send_invitation(user)
    except OSError:  # smtplib errors are OSErrors: the account exists, the trainer is told
        current_app.logger.exception("invitation to %s not sent", user.email)
        return False
    return True


@bp.route("/cohorts/<int:cohort_id>/import", methods=["GET", "POST"])
@access.role_required(*STAFF)
def import_learners(cohort_id: int) -> tuple[str, int]:
    """Upload a CSV file of learners and preview what importing it would do (nothing written)."""
    cohort = _cohort(cohort_id)
    form = ImportForm()
    plan = None
    text = ""
    status = 200
    if form.validate_on_submit():
        try:
            text = csv_import.decode(form.file.data.read(csv_import.MAX_FILE_BYTES + 1))
        except csv_import.ImportFileError as error:
            form.file.errors = [*form.file.errors, _(error.message, **error.params)]
            status = 422
        else:
            plan = csv_import.check_file(_db(), cohort, current_user, text)
            status = 200 if plan.ok else 422
    elif form.is_submitted():
        status = 422
    return render_template(
        "cohorts/import.html",
        cohort=cohort,
        form=form,
        plan=plan,
        confirm=ConfirmImportForm(csv_text=text) if plan and plan.ok else None,
        tab="members",
    ), status


@bp.post("/cohorts/<int:cohort_id>/import/confirm")
@access.role_required(*STAFF)
def confirm_import(cohort_id: int) -> tuple[str, int] | BaseResponse:
    """Import the previewed file: checked again, then every line in one transaction."""
    cohort = _cohort(cohort_id)
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    result = csv_import.import_file(_db(), cohort, current_user, form.csv_text.data or "")
    if not result.imported:
        flash(_("The file changed meaning since the preview: nothing was imported."), "error")
        return render_template(
            "cohorts/import.html",
            cohort=cohort,
            form=ImportForm(),
            plan=result.plan,
            confirm=None,
            tab="members",
        ), 422
    failed = sum(1 for user in result.created if not _invite(user))
    plan = result.plan
    flash(
        _(
            "Import done: %(created)d accounts created and invited, %(enrolled)d people added, "
            "%(already)d already in the cohort.",
            created=plan.count(rules.ImportAction.CREATE),
            enrolled=plan.count(rules.ImportAction.ENROL) + plan.count(rules.ImportAction.REENROL),
            already=plan.count(rules.ImportAction.ALREADY),
        ),
        "success",
    )
    if failed:
        flash(
            _(
                "%(count)d invitations could not be sent; they can use “Forgot your password?”.",
                count=failed,
            ),
            "error",
        )
    return redirect(url_for("cohorts.members", cohort_id=cohort.id))


# --- joining by link ---------------------------------------------------------------------------


@bp.get("/join/<code>")
def join(code: str) -> tuple[str, int]:
    """The page a join link opens: what it joins, and how (sign in, or create an account)."""
    target = auth_services.find_join_target(code)
    if target is None:
        return render_template("cohorts/join.html", target=None, code=code), 404
    return render_template("cohorts/join.html", target=target, code=code, form=EmptyForm()), 200


@bp.post("/join/<code>")
@login_required
def join_post(code: str) -> BaseResponse:
    """Join the cohort (and its organisation) of this link."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        target = auth_services.join_with_code(current_user, code)
    except auth_services.AccountError as error:
        flash(_(error.message), "error")
        return redirect(url_for("cohorts.join", code=code))
    name = target.cohort.name if target.cohort else target.organisation.name
    flash(_("You have joined %(name)s.", name=name), "success")
    return redirect(url_for("main.index"))


# --- one learner -------------------------------------------------------------------------------


@bp.get("/cohorts/<int:cohort_id>/learners/<int:user_id>")
@access.role_required(*STAFF)
def learner(cohort_id: int, user_id: int) -> str:
    """One learner of the cohort: progress, attempts, competency profile, practical work."""
    cohort = _cohort(cohort_id)
    person = _learner(cohort, user_id)
    membership = services.membership_of(_db(), cohort.id, person.id)
    assert membership is not None  # _learner found it
    detail = services.learner_detail(
        _db(), cohort, person, membership.joined_at, utcnow(), _query().inactive_days
    )
    return render_template("cohorts/learner.html", cohort=cohort, detail=detail, tab="progress")


@bp.get("/cohorts/<int:cohort_id>/learners/<int:user_id>/attempts/<int:attempt_id>")
@access.role_required(*STAFF)
def learner_attempt(cohort_id: int, user_id: int, attempt_id: int) -> str:
    """One submitted attempt of a learner, with every answer."""
    cohort = _cohort(cohort_id)
    person = _learner(cohort, user_id)
    found = services.learner_attempt(_db(), person.id, attempt_id)
    if found is None:
        abort(404)
    attempt, slug = found
    result = attempt_result(_db(), attempt, slug)
    return render_template(
        "cohorts/attempt.html", cohort=cohort, person=person, result=result, tab="progress"
    )


@bp.get("/cohorts/<int:cohort_id>/learners/<int:user_id>/competencies/<code>")
@access.role_required(*STAFF)
def learner_competency(cohort_id: int, user_id: int, code: str) -> str:
    """The evidence behind a learner's level on one competency."""
    cohort = _cohort(cohort_id)
    person = _learner(cohort, user_id)
    page = competency_evidence(_db(), person.id, code)
    if page is None:
        abort(404)
    return render_template(
        "cohorts/evidence.html",
        cohort=cohort,
        person=person,
        page=page,
        reasons=translate_reasons(page.result.reasons),
        source_label=lambda source: _(wording.SOURCES.get(source, source)),
        tab="competencies",
    )


@bp.route("/cohorts/<int:cohort_id>/learners/<int:user_id>/rate", methods=["GET", "POST"])
@access.role_required(*STAFF)
def rate(cohort_id: int, user_id: int) -> tuple[str, int] | BaseResponse:
    """Rate a learner's competency directly, with a justification (recorded as evidence)."""
    cohort = _cohort(cohort_id)
    person = _learner(cohort, user_id)
    form = RatingForm()
    form.competency.choices = [
        SelectChoice(code, label) for code, label in services.competency_choices(_db(), cohort)
    ]
    if request.method == "GET" and request.args.get("code"):
        form.competency.data = request.args["code"]
    if form.validate_on_submit():
        try:
            services.rate_competency(
                _db(),
                trainer=current_user,
                learner=person,
                cohort=cohort,
                code=form.competency.data or "",
                level=int(form.level.data or 0),
                justification=form.justification.data or "",
            )
        except services.CohortError as error:
            target = getattr(form, error.field or "justification")
            target.errors = [*target.errors, _(error.message, **error.params)]
        else:
            flash(_("The rating is recorded."), "success")
            return redirect(url_for("cohorts.learner", cohort_id=cohort.id, user_id=person.id))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "cohorts/rate.html",
        cohort=cohort,
        person=person,
        form=form,
        scale=scale_entries(_db()),
        tab="progress",
    ), status


# --- exports -----------------------------------------------------------------------------------


def _csv(data: bytes, cohort: Cohort, kind: str) -> Response:
    stamp = utcnow().strftime("%Y%m%d")
    filename = f"cohort-{cohort.id}-{kind}-{stamp}.csv"
    return Response(
        data,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Content-Type": "text/csv; charset=utf-8",
            "Cache-Control": "no-store",
        },
    )


@bp.get("/cohorts/<int:cohort_id>/export/progress.csv")
@access.role_required(*STAFF)
def export_progress(cohort_id: int) -> Response:
    """The progress matrix as CSV: every learner of the current filter and sort."""
    cohort = _cohort(cohort_id)
    matrix = dashboards.progress_matrix(_db(), cohort, _query(), utcnow(), everyone=True)
    return _csv(exports.progress_csv(matrix), cohort, "progress")


@bp.get("/cohorts/<int:cohort_id>/export/competencies.csv")
@access.role_required(*STAFF)
def export_competencies(cohort_id: int) -> Response:
    """The competency levels as CSV: every learner of the current filter and sort."""
    cohort = _cohort(cohort_id)
    heatmap = dashboards.competency_heatmap(_db(), cohort, _query(), utcnow(), everyone=True)
    return _csv(exports.competencies_csv(heatmap), cohort, "competencies")


@bp.get("/cohorts/<int:cohort_id>/export/attempts.csv")
@access.role_required(*STAFF)
def export_attempts(cohort_id: int) -> Response:
    """Every submitted quiz attempt of the cohort's learners, as CSV."""
    cohort = _cohort(cohort_id)
    return _csv(exports.attempts_csv(_db(), cohort), cohort, "attempts")


# --- reviewing practical work ------------------------------------------------------------------


@bp.get("/review")
@access.role_required(*STAFF)
def review_queue() -> str:
    """Practical work waiting for review in my cohorts, oldest first."""
    cohort_id = _id_arg("cohort")
    module_id = _id_arg("module")
    page = reviews.review_queue(
        _db(),
        current_user,
        cohort_id=cohort_id,
        module_id=module_id,
        number=_page_number(),
        size=current_app.config["PAGE_SIZE"],
    )
    cohorts, modules = reviews.queue_filters(_db(), current_user)
    return render_template(
        "cohorts/review_queue.html",
        page=page,
        cohorts=cohorts,
        modules=modules,
        cohort_id=cohort_id,
        module_id=module_id,
    )


def _levels(count: int) -> list[int | None]:
    """The level chosen for each rubric criterion (None when missing or not 1-4)."""
    levels: list[int | None] = []
    for index in range(count):
        value = request.form.get(f"criterion-{index}", type=int)
        levels.append(value if value in RUBRIC_LEVELS else None)
    return levels


@bp.route("/review/<int:submission_id>", methods=["GET", "POST"])
@access.role_required(*STAFF)
def review(submission_id: int) -> tuple[str, int] | BaseResponse:
    """Review a submitted version: a level per rubric criterion, feedback, a decision."""
    submission = reviews.submission_for_review(_db(), submission_id)
    if submission is None:
        abort(404)
    if not access.trains_learner(current_user, submission.user_id):
        abort(403)
    learner_user = _db().get(User, submission.user_id)
    assert learner_user is not None  # the submission points at it
    rubric = list(submission.practice.rubric)
    form = ReviewForm()
    chosen: list[int | None] = [None] * len(rubric)
    missing: list[int] = []
    status = 200
    if request.method == "POST":
        chosen = _levels(len(rubric))
        missing = [index for index, level in enumerate(chosen) if level is None]
        if form.validate_on_submit() and not missing:
            try:
                reviews.review(
                    _db(),
                    submission,
                    current_user,
                    levels=[level for level in chosen if level is not None],
                    decision=ReviewDecision(form.decision.data),
                    feedback_md=form.feedback.data or "",
                    organisation_id=learner_user.organisation_id,
                )
            except PracticeError as error:
                flash(_(error.message, **error.params), "error")
                status = 409
            else:
                flash(
                    _("Your review of %(name)s's work is recorded.", name=learner_user.name),
                    "success",
                )
                return redirect(url_for("cohorts.review_queue"))
        else:
            status = 422
    history = learner_practice(_db(), submission.user_id, submission.module.slug)
    return render_template(
        "cohorts/review.html",
        submission=submission,
        learner=learner_user,
        history=history,
        rubric=rubric,
        form=form,
        chosen=chosen,
        missing=missing,
        awaiting=str(submission.status) == "submitted",
    ), status
